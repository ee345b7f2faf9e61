"""Publishing a decision: record it, let the handler mark and confirm the redacted preview,
put it on the public site.

* ``publish_decision(*, agency, source_key, category, decision_date, ...)`` — record an
  issued decision and write its preview; published at once when the agency does not
  require confirmation.
* ``update_marks(publication, marks, actor)`` — the handler's trade-secret/privacy marks.
* ``confirm_publication(publication, actor, marks=None, expected_sha256=None)`` — the
  handler confirms the preview; it goes public.
* ``visible_publications(user)`` — the publications the workbench shows ``user``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import ActType, CaseActType, PenaltyKind
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event
from sanxiang.notifications import events as notify_events
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_role, require_same_agency
from sanxiang.org.scoping import scope

from .. import search
from ..models import MarkReason, Publication, PublicationStatus, Snapshot, SnapshotState
from ._base import _as_date, _clean_parties, _jsonable, _lock, _money, invalidate_page
from .policy import policy_for, window_end
from .snapshots import _write_preview
from .timeliness import deadline_for


def _require_handler_of(publication, actor):
    require_role(
        actor,
        Role.HANDLER,
        Role.HEAD,
        Role.ADMIN,
        message=_("只有承办人或机关负责人可以确认公示内容。"),
    )
    require_same_agency(actor, publication.agency_id, message=_("您只能确认本机关的公示内容。"))
    if (
        actor.role == Role.HANDLER
        and publication.handler_ids
        and actor.pk not in publication.handler_ids
    ):
        raise DomainError(_("只有本案承办人可以确认脱敏预览。"), code=ErrorCode.PERMISSION_DENIED)


def _clean_marks(marks):
    out = []
    for m in marks or ():
        text = (m.get("text") or "").strip()
        reason = m.get("reason") or MarkReason.PRIVACY
        if not text:
            continue
        if reason not in MarkReason.values:
            raise DomainError(_("隐去理由无效：%(r)s。") % {"r": reason}, code=ErrorCode.BAD_CHOICE)
        if len(text) < 2:
            raise DomainError(_("标注隐去的内容至少两个字符。"), code=ErrorCode.OUT_OF_RANGE)
        out.append({"text": text[:500], "reason": reason})
    return out


@transaction.atomic
def publish_decision(
    *,
    agency,
    source_key: str,
    category: str,
    decision_date,
    document_number: str = "",
    parties=(),
    conclusion: str = "",
    outcome: str = "",
    title: str = "",
    case_act_type: str = "",
    full_text=None,
    penalty: dict | None = None,
    licensing: dict | None = None,
    case_id: int | None = None,
    document_id: int | None = None,
    handler_ids=(),
    public_numbers=(),
    inspection: dict | None = None,
    actor=None,
) -> Publication:
    """Record an issued decision for publication and write its redacted preview.

    ``full_text`` is a list of (label, text) sections (general-procedure penalty
    decisions publish their full text); ``penalty`` = {kinds, fine, confiscated,
    violation_type, facts, basis, content, valid_until, publicity_until};
    ``licensing`` = {name, licence_number, category, content, valid_from, valid_to, state};
    ``inspection`` = the public content of a 双随机抽查 plan (category ``inspection``),
    shown by /gs/sj/ from the snapshot's ``details["inspection"]``.
    Idempotent per ``source_key``.
    """
    if category not in ActType.values:
        raise DomainError(
            _("执法行为类别无效：%(c)s。") % {"c": category}, code=ErrorCode.BAD_CHOICE
        )
    if case_act_type and case_act_type not in CaseActType.values:
        raise DomainError(
            _("案件类别无效：%(c)s。") % {"c": case_act_type}, code=ErrorCode.BAD_CHOICE
        )
    source_key = (source_key or "").strip()
    if not source_key:
        raise DomainError(_("缺少来源标识。"), code=ErrorCode.REQUIRED)
    existing = Publication.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    decision_date = _as_date(decision_date)
    if decision_date is None:
        raise DomainError(_("缺少决定日期。"), code=ErrorCode.REQUIRED)
    if decision_date > clock.today() + dt.timedelta(days=1):
        raise DomainError(_("决定日期不能晚于今天。"), code=ErrorCode.BAD_DATE)
    parties = _clean_parties(parties)
    penalty = _jsonable(dict(penalty or {}))
    licensing = _jsonable(dict(licensing or {}))
    for key in ("fine", "confiscated"):
        if penalty.get(key) not in (None, ""):
            amount = _money(penalty[key])
            if amount < 0:
                raise DomainError(_("金额不能为负数。"), code=ErrorCode.OUT_OF_RANGE)
            penalty[key] = str(amount)
    if category == ActType.PENALTY and not conclusion:
        kinds = [
            str(PenaltyKind(k).label) for k in penalty.get("kinds") or [] if k in PenaltyKind.values
        ]
        conclusion = "、".join(kinds)
        if penalty.get("fine"):
            conclusion += _t("，罚款人民币%(f)s元") % {"f": penalty["fine"]}
    computed, note = deadline_for(category, decision_date)
    due = computed.date if computed else None
    publication = Publication.objects.create(
        agency=agency,
        source_key=source_key,
        case_id=case_id,
        document_id=document_id,
        category=category,
        case_act_type=case_act_type or "",
        document_number=(document_number or "")[:80],
        decision_date=decision_date,
        due_date=due,
        due_note=note[:255],
        source={
            "title": title,
            "parties": parties,
            "conclusion": conclusion,
            "outcome_label": str(outcome or ""),
            "full_text": [[str(a), str(b)] for a, b in (full_text or [])],
            "penalty": penalty,
            "licensing": licensing,
            "public_numbers": list(public_numbers or []),
            "inspection": _jsonable(dict(inspection or {})),
        },
        handler_ids=[int(i) for i in handler_ids or []],
    )
    if computed is not None:
        from sanxiang.workdays import deadlines

        deadlines.track("publicity.due_date", publication, computed)
    snap = _write_preview(publication)
    notify_events.publication_pending(publication)
    append_event(
        EventType.PUBLICATION_PREVIEW_WRITTEN,
        publication.subject,
        {
            "agency": agency.pk,
            "source": source_key,
            "category": category,
            "document_number": publication.document_number,
            "due_date": due,
            "preview_sha256": snap.content_sha256,
        },
        actor,
    )
    if not policy_for(agency).require_confirmation:
        _go_public(publication, snap, actor)
    return publication


def _go_public(publication: Publication, snap: Snapshot, actor) -> None:
    now = clock.now()
    today = timezone.localdate(now)
    publication.status = PublicationStatus.PUBLISHED
    publication.published_at = publication.published_at or now
    publication.published_late = bool(publication.due_date and today > publication.due_date)
    publication.visible_until = window_end(publication, today)
    publication.save()
    snap.state = SnapshotState.PUBLISHED
    snap.published_at = now
    snap.visible_until = publication.visible_until
    leaf = append_event(
        EventType.PUBLICATION_PUBLISHED,
        publication.subject,
        {
            "agency": publication.agency_id,
            "snapshot": snap.pk,
            "version": snap.version,
            "document_number": snap.document_number,
            "decision_date": snap.decision_date,
            "visible_until": snap.visible_until,
            "sha256": snap.content_sha256,
            "late": publication.published_late,
        },
        actor,
    )
    snap.ledger_index = getattr(leaf, "index", None)
    snap.save()
    search.index(snap)
    invalidate_page(publication.pk)
    from ..webhooks import enqueue

    enqueue("decision.published", snap)


@transaction.atomic
def update_marks(publication, marks, actor) -> Publication:
    """Save the handler's trade-secret/privacy marks and rewrite the preview."""
    publication = _lock(publication)
    _require_handler_of(publication, actor)
    if publication.status != PublicationStatus.PENDING:
        raise DomainError(_("已公示的内容只能通过更正修改。"), code=ErrorCode.ILLEGAL_TRANSITION)
    publication.marks = _clean_marks(marks)
    publication.save(update_fields=["marks"])
    _write_preview(publication)
    return publication


@transaction.atomic
def confirm_publication(publication, actor, marks=None, expected_sha256=None) -> Publication:
    """The handler confirms the redacted preview; it is published at once.

    ``expected_sha256`` (the hash of the preview the handler saw) guards against
    confirming a preview that changed in the meantime.
    """
    publication = _lock(publication)
    _require_handler_of(publication, actor)
    if publication.status != PublicationStatus.PENDING:
        raise DomainError(
            _("该决定不在待确认状态（当前：%(s)s）。") % {"s": publication.get_status_display()},
            code=ErrorCode.ILLEGAL_TRANSITION,
        )
    if marks is not None:
        publication.marks = _clean_marks(marks)
    snap = _write_preview(publication)
    if expected_sha256 and expected_sha256 != snap.content_sha256:
        raise DomainError(_("脱敏预览已发生变化，请重新核对后再确认。"), code=ErrorCode.CONFLICT)
    publication.confirmed_by = actor
    publication.confirmed_at = clock.now()
    publication.save()
    _go_public(publication, snap, actor)
    return publication


def visible_publications(user):
    return scope(Publication.objects.select_related("agency"), user)
