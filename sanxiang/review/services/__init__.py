"""Legal review of major decisions: the only writers of the review models.

Flow: ``assess_scope`` → ``submit_for_review`` (materials checklist, discretion check) →
``assign_reviewer`` (办、审分离) → ``accept`` (10-working-day clock) →
[``request_extension`` → ``decide_extension``] → ``give_opinion`` (7-point checklist,
signed PDF filed into the case file) → for 纠正: a new ``submit_for_review`` (new version);
for a non-agreeing opinion the handling unit may ``dispute_opinion`` and the head
``record_collective_discussion``; for 移送: ``record_transfer``; for 不予作出: the head may
``end_case_after_refusal``.

``gate(case, document, actor)`` (called by ``cases.services.decide`` and
``documents.services.issue_document``) refuses a decision
unless the review that applies agreed to the *current* draft (or the head overruled a
non-agreeing opinion after collective discussion for that very draft).
"""

from ._base import *  # noqa: F403
from ._base import (  # noqa: F401
    _name,
    add_workdays,
    case_people_ids,
    draft_hash,
    proposed_penalty,
    workdays_between,
)
from .coverage import *  # noqa: F403
from .gate import *  # noqa: F403
from .oversight import *  # noqa: F403
from .oversight import _text_diff  # noqa: F401
from .submission import *  # noqa: F403
from .workflow import *  # noqa: F403
