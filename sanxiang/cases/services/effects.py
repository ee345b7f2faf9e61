"""The effects of a decision on the apps above ``cases``, called by name and in order.

``decide`` (and the on-the-spot decision of the simple procedure) runs, in this order::

    review_gate(case, document, actor)         # 法制审核: refuses before anything is written
    document = issue_document(document, actor) # 文号, sealed PDF, hash, ledger
    ...the case records the decision (CaseEvent + ledger leaf)...
    publish(case, document, actor)             # the publication record (公示)

review, documents and publicity sit above cases in the layering (docs/contracts.md), so
they are imported inside these functions, not at module level: cases stays importable on
its own, and the dependency is written here once instead of through registries, signals
and ``pre_save`` hooks.
"""

from __future__ import annotations

import logging

from django.db import transaction

from sanxiang.core.errors import DomainError

log = logging.getLogger(__name__)


def review_gate(case, document, actor) -> None:
    """The legal-review gate (``review.services.gate``): raises ``DomainError``
    (``review_required``) unless the review that applies agreed to this very draft."""
    from sanxiang.review import services as review

    review.gate(case, document, actor)


def issue_document(document, actor):
    """Issue a draft through the documents app (number, PDF, seal, hash, ledger); an
    already issued document is returned as it is."""
    from sanxiang.documents import services as documents

    if document is None or document.status == "issued":
        return document
    return documents.issue_document(document, actor)


def publish(case, document, actor):
    """Create the publication record of an issued decision (``publicity.handlers``).

    Choice (docs/architecture.md, "The path of one decision"): the decision stands when the
    publication record cannot be created. The decision is lawful and already sealed and
    numbered; publicity is a duty that follows it within days (公示 within 7 / 20 working
    days), so a rule of the publicity app must not undo it. The failure is not dropped:
    it is made a visible pending item at once (notification to the head and the handlers,
    a 待办 「决定未生成公示记录」 computed from the state of the records) and
    ``publicity.sweep`` (periodic) retries and flags every decided case without its
    publication record. Programming errors (anything but ``DomainError``) propagate and roll
    the decision back.
    """
    from sanxiang.publicity import handlers

    try:
        with transaction.atomic():  # savepoint: the decision's transaction stays usable
            return handlers.publish_case_decision(case, document, actor)
    except DomainError as exc:
        log.error("publicity: decision of case %s has no publication record: %s", case.pk, exc)
        from sanxiang.publicity import sweep

        sweep.flag_missing(case, str(exc.message))
        return None


def withdraw_publication(case, *, kind, reason, actor):
    """The decision was withdrawn: take its publication down (``publicity``)."""
    from sanxiang.publicity import services as publicity

    return publicity.withdraw_for_case(case.pk, kind=kind, reason=reason, actor=actor)
