"""From a case's decision to its publication record.

``publish_case_decision`` maps a Case (+ its issued Document) to
``services.publish_decision``; every rule lives in the service. It is called by name from
``cases.services.effects.publish`` in the decision's transaction (the decision stands if it
refuses: see that function and ``sweep``). A corrected decision document corrects the
publication (``on_document_corrected``, a documents signal).
"""

from __future__ import annotations

from django.utils import timezone

from sanxiang.core import clock
from sanxiang.core.fields import ActType, CaseActType, PenaltyKind

from . import services

# Outcomes that are not an administrative decision towards the party (nothing to publish).
NOT_PUBLISHED_OUTCOMES = {"transfer", "revoke"}
# Document content keys never published as such (the party block is rebuilt redacted).
SKIP_KEYS = {"seal_name", "document_date"}


def _full_text(document) -> list:
    """(label, text) sections of a decision document, in the order of its kind's fields."""
    from sanxiang.documents.kinds import spec

    if document is None:
        return []
    content = dict(getattr(document, "content", None) or {})
    sections = []
    known = set()
    for f in spec(document.kind).fields:
        known.add(f.key)
        if f.key in SKIP_KEYS:
            continue
        value = content.get(f.key)
        if value not in (None, ""):
            sections.append((str(f.label), str(value)))
    for key, value in content.items():
        if key not in known and key not in SKIP_KEYS and value not in (None, ""):
            sections.append((key, str(value)))
    return sections


def case_to_inputs(case, document=None) -> dict:
    """The ``publish_decision`` keyword arguments for an issued decision of ``case``."""
    from sanxiang.cases.models import DecisionOutcome

    category = str(CaseActType.category(case.act_type))
    parties = list(case.parties.all().order_by("id"))
    decided = case.decision_at or clock.now()
    content = dict(getattr(document, "content", None) or {})
    outcome_label = ""
    if case.decision_outcome:
        try:
            outcome_label = str(DecisionOutcome(case.decision_outcome).label)
        except ValueError:
            outcome_label = case.decision_outcome
    kinds = list(case.penalty_kinds or [])
    conclusion = outcome_label
    if kinds:
        conclusion += "：" + "、".join(
            str(PenaltyKind(k).label) for k in kinds if k in PenaltyKind.values
        )
        if case.fine and not case.decision_summary:
            conclusion += f"，罚款人民币{case.fine}元"
        if case.confiscated and not case.decision_summary:
            conclusion += f"，没收违法所得/非法财物{case.confiscated}元"
    if case.decision_summary:
        conclusion += "。" + case.decision_summary
    power = case.power_snapshot or {}
    penalty = None
    if category == ActType.PENALTY:
        penalty = {
            "kinds": kinds,
            "fine": case.fine,
            "confiscated": case.confiscated,
            "violation_type": case.title,
            "facts": content.get("facts") or case.facts,
            "basis": content.get("legal_basis") or power.get("legal_basis", ""),
            "content": content.get("penalty") or case.decision_summary or conclusion,
        }
    licensing = None
    if category == ActType.LICENSING:
        licensing = {
            "name": power.get("name") or case.title,
            "licence_number": content.get("licence_number", ""),
            "category": content.get("licence_category", "普通"),
            "content": case.decision_summary or outcome_label,
            "valid_from": content.get("valid_from") or timezone.localtime(decided).date(),
            "valid_to": content.get("valid_to") or None,
            "state": "有效" if case.decision_outcome == "approve" else "不予许可",
        }
    full_text = []
    if case.act_type == CaseActType.PENALTY_GENERAL:
        full_text = _full_text(document)
    handler_ids = [
        h.officer.user_id for h in case.handlers.select_related("officer") if h.officer.user_id
    ]
    number = (getattr(document, "number", "") or case.decision_number or "").strip()
    key_part = f"document:{document.pk}" if document is not None else f"at:{decided.isoformat()}"
    return {
        "agency": case.agency,
        "source_key": f"case:{case.pk}:{key_part}",
        "category": category,
        "case_act_type": case.act_type,
        "decision_date": timezone.localtime(decided).date()
        if timezone.is_aware(decided)
        else decided,
        "document_number": number,
        "parties": parties,
        "conclusion": conclusion,
        "outcome": outcome_label,
        "title": case.title,
        "full_text": full_text,
        "penalty": penalty,
        "licensing": licensing,
        "case_id": case.pk,
        "document_id": getattr(document, "pk", None),
        "handler_ids": handler_ids,
        "public_numbers": [case.agency.phone] if case.agency.phone else [],
    }


def publish_case_decision(case, document=None, actor=None):
    """Record (and publish, or queue for confirmation) the issued decision of ``case``;
    None for outcomes that are not published. Raises ``DomainError`` when a publicity rule
    refuses; idempotent per source key."""
    if case.decision_outcome in NOT_PUBLISHED_OUTCOMES:
        return None
    return services.publish_decision(**case_to_inputs(case, document), actor=actor)


def on_document_corrected(sender, original, correction, reason="", actor=None, **kwargs):
    """The issued decision document was corrected (new version): correct the publication."""
    from .models import Publication, PublicationStatus

    live = Publication.objects.filter(
        document_id=original.pk,
        status__in=[PublicationStatus.PENDING, PublicationStatus.PUBLISHED],
    )
    done = []
    for publication in live:
        changes = {"document_number": correction.number or "", "document_id": correction.pk}
        if publication.case_act_type == CaseActType.PENALTY_GENERAL:
            changes["full_text"] = _full_text(correction)
        done.append(
            services.correct_publication(
                publication,
                changes=changes,
                note=(reason or "决定文书更正")[:500],
                actor=actor,
                checked=True,
            )
        )
    return done


def connect():
    from sanxiang.documents import signals as doc_signals

    doc_signals.document_corrected.connect(
        on_document_corrected, dispatch_uid="publicity.document_corrected"
    )
