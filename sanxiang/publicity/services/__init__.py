"""Business rules of 行政执法公示 (see docs/publicity.md), one module per concern.

Public functions (other apps may call these, as ``publicity.services.<name>``):

* ``publishing`` — ``publish_decision(*, agency, source_key, category, decision_date, ...)
  -> Publication`` records an issued decision for publication: writes the redacted preview
  snapshot and, when the agency does not require confirmation, publishes it at once;
  ``update_marks(publication, marks, actor)``; ``confirm_publication(publication, actor,
  marks=None) -> Publication`` — the handler confirms the redacted preview (with extra
  trade-secret/privacy marks); it goes public.
* ``withdrawal`` — ``withdraw_publication(publication, *, kind, reason, actor, on_date=None)``:
  the decision was revoked / confirmed illegal / ordered redone, the page becomes a notice;
  ``withdraw_for_case(case_id, *, kind, reason, actor)`` — the same for every live
  publication of a case (the cases effects call it); ``remove_early(publication, *, reason,
  actor)`` — early removal after credit repair; ``expire_due(today=None)`` — take snapshots
  whose window has closed off the site.
* ``correction`` — ``correct_publication(publication, *, changes, note, actor)``: the old
  snapshot stays visible as history.
* ``snapshots`` — ``build_public_fields`` (the redaction of the source), ``content_hash``,
  ``preview_of`` / ``current_snapshot`` / ``public_snapshot_for``.
* ``timeliness`` — ``deadline_for(category, decision_date)``, ``clock_state(publication,
  today=None)``, ``pending_flags(user, today=None)``, ``notify_overdue(today=None)``.
* ``policy`` — ``policy_for(agency)``, ``window_end(publication, on_date)``,
  ``update_policy(agency, actor, ...)``, ``DEFAULT_WINDOWS``.

Helpers shared by these modules live in ``_base`` (``to_wan`` and ``invalidate_page`` are
public). Monkeypatch a function where its caller looks it up: callers outside the package
use ``services.<name>``; a module of the package uses the name it imported.
"""

from ._base import CACHE_PREFIX, invalidate_page, to_wan
from .correction import CORRECTABLE, correct_publication
from .policy import DEFAULT_WINDOWS, SHORT_WINDOW_DAYS, policy_for, update_policy, window_end
from .publishing import confirm_publication, publish_decision, update_marks, visible_publications
from .snapshots import (
    LICENCE_CATEGORIES,
    build_public_fields,
    content_hash,
    current_snapshot,
    preview_of,
    public_snapshot_for,
)
from .timeliness import (
    FAST_CATEGORIES,
    FAST_WORKDAYS,
    SLOW_WORKDAYS,
    WARN_WORKDAYS,
    clock_state,
    deadline_for,
    notify_overdue,
    pending_flags,
)
from .withdrawal import expire_due, remove_early, withdraw_for_case, withdraw_publication

__all__ = [
    "CACHE_PREFIX",
    "CORRECTABLE",
    "DEFAULT_WINDOWS",
    "FAST_CATEGORIES",
    "FAST_WORKDAYS",
    "LICENCE_CATEGORIES",
    "SHORT_WINDOW_DAYS",
    "SLOW_WORKDAYS",
    "WARN_WORKDAYS",
    "build_public_fields",
    "clock_state",
    "confirm_publication",
    "content_hash",
    "correct_publication",
    "current_snapshot",
    "deadline_for",
    "expire_due",
    "invalidate_page",
    "notify_overdue",
    "pending_flags",
    "policy_for",
    "preview_of",
    "public_snapshot_for",
    "publish_decision",
    "remove_early",
    "to_wan",
    "update_marks",
    "update_policy",
    "visible_publications",
    "window_end",
    "withdraw_for_case",
    "withdraw_publication",
]
