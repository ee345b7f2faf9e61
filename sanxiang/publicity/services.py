"""Business rules of 行政执法公示 (see docs/publicity.md).

Public functions (other apps may call these):

* ``publish_decision(*, agency, source_key, category, decision_date, ...) -> Publication``
  — record an issued decision for publication: writes the redacted preview snapshot and,
  when the agency does not require confirmation, publishes it at once.
* ``confirm_publication(publication, actor, marks=None) -> Publication`` — the handler
  confirms the redacted preview (with extra trade-secret/privacy marks); it goes public.
* ``withdraw_publication(publication, *, kind, reason, actor, on_date=None)`` — the
  decision was revoked / confirmed illegal / ordered redone: the page becomes a notice.
* ``withdraw_for_case(case_id, *, kind, reason, actor)`` — the same for every live
  publication of a case (the cases signal handler calls it).
* ``correct_publication(publication, *, changes, note, actor)`` — a correction; the old
  snapshot stays visible as history.
* ``remove_early(publication, *, reason, actor)`` — early removal after credit repair.
* ``expire_due(today=None)`` — take snapshots whose window has closed off the site.
* ``clock_state(publication, today=None)`` / ``overdue_publications(user, today=None)``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import ActType, CaseActType, PartyType, PenaltyKind
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event, canonical_sha256
from sanxiang.notifications import events as notify_events
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_role, require_same_agency
from sanxiang.org.scoping import scope

from . import page_cache, search
from .models import (
    MarkReason,
    Publication,
    PublicationPolicy,
    PublicationStatus,
    Snapshot,
    SnapshotState,
    WithdrawalKind,
)
from .redaction import Redactor

# Publication windows in days per category (editable per agency in PublicationPolicy).
DEFAULT_WINDOWS = {
    ActType.PENALTY: 365 * 3,  # 市场监督管理行政处罚信息公示规定 第十三条: 3 years
    ActType.LICENSING: 365 * 3,
    ActType.COERCION: 365 * 2,
    ActType.INSPECTION: 365,
    ActType.LEVY: 365 * 2,
    ActType.CONFIRMATION: 365 * 2,
    ActType.REWARD: 365 * 2,
    ActType.OTHER: 365 * 2,
}
SHORT_WINDOW_DAYS = 90  # 通报批评 / 较低数额罚款 only: 3 months (same article)
FAST_CATEGORIES = {ActType.PENALTY, ActType.LICENSING}  # 7 working days; others 20
FAST_WORKDAYS = 7
SLOW_WORKDAYS = 20
WARN_WORKDAYS = 2  # flag an unconfirmed preview this many working days before the deadline
CACHE_PREFIX = "gs:jd:"

LICENCE_CATEGORIES = ["普通", "特许", "认可", "核准", "登记", "其他"]


# --------------------------------------------------------------------------- helpers


def _as_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise DomainError(
            _("日期格式无效：%(v)s。") % {"v": value}, code=ErrorCode.BAD_FORMAT
        ) from exc


def _money(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise DomainError(_("金额无效：%(v)s。") % {"v": value}, code=ErrorCode.BAD_FORMAT) from exc


def to_wan(value) -> str:
    """Yuan → 万元 as the 双公示 layout wants (up to 6 decimals, no trailing zeros)."""
    amount = _money(value)
    if amount is None:
        return ""
    wan = (amount / Decimal(10000)).quantize(Decimal("0.000001"))
    text = format(wan.normalize(), "f")
    return text


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return str(obj)
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    return str(obj)


def policy_for(agency) -> PublicationPolicy:
    policy = PublicationPolicy.objects.filter(agency=agency).first()
    return policy or PublicationPolicy(agency=agency)


def deadline_for(category, decision_date):
    """(calendar.Deadline or None, note). Licensing and penalty: 7 working days; others 20."""
    from sanxiang.workdays import calendar

    n = FAST_WORKDAYS if category in FAST_CATEGORIES else SLOW_WORKDAYS
    try:
        result = calendar.deadline(decision_date, n)
    except DomainError as exc:
        return None, _t("无法计算公示期限：%(e)s") % {"e": exc.message}
    return result, _t("决定作出之日起%(n)s个工作日内公开") % {"n": n}


def window_end(publication: Publication, on_date: dt.date) -> dt.date | None:
    """Last day a publication stays on the public site."""
    src = publication.source or {}
    penalty = src.get("penalty") or {}
    if penalty.get("publicity_until"):
        return _as_date(penalty["publicity_until"])
    licensing = src.get("licensing") or {}
    policy = policy_for(publication.agency)
    windows = {**{k.value if hasattr(k, "value") else k: v for k, v in DEFAULT_WINDOWS.items()}}
    windows.update({k: int(v) for k, v in (policy.windows or {}).items() if str(v).isdigit()})
    days = windows.get(publication.category, 730)
    if publication.category == ActType.PENALTY:
        kinds = set(penalty.get("kinds") or [])
        fine = _money(penalty.get("fine")) or Decimal(0)
        low = policy.low_fine_threshold or Decimal(0)
        only_light = kinds and kinds <= {
            PenaltyKind.CRITICISM,
            PenaltyKind.FINE,
            PenaltyKind.WARNING,
        }
        if only_light and (PenaltyKind.FINE not in kinds or (low and fine <= low)):
            days = min(days, SHORT_WINDOW_DAYS)
    end = on_date + dt.timedelta(days=days)
    if licensing.get("valid_to"):
        end = max(end, _as_date(licensing["valid_to"]))
    return end


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


def _require_head(publication, actor, what):
    require_role(actor, Role.HEAD, Role.ADMIN, message=_("只有机关负责人可以%(w)s。") % {"w": what})
    require_same_agency(actor, publication.agency_id)


def _lock(publication) -> Publication:
    return Publication.objects.select_for_update().select_related("agency").get(pk=publication.pk)


def invalidate_page(publication_id) -> None:
    """Drop the cached public page and every cached search page (now and again after the
    commit, so a reader between the two cannot re-cache the old state for long)."""
    key = f"{CACHE_PREFIX}{publication_id}"
    cache.delete(key)
    page_cache.new_search_generation()

    def after_commit():
        cache.delete(key)
        page_cache.new_search_generation()

    transaction.on_commit(after_commit)


# --------------------------------------------------------------------------- building


def _clean_parties(parties):
    out = []
    for p in parties or ():
        if hasattr(p, "party_type"):
            p = {
                "party_type": p.party_type,
                "name": p.name,
                "id_number": getattr(p, "id_number", ""),
                "usci": getattr(p, "usci", ""),
                "legal_representative": getattr(p, "legal_representative", ""),
                "address": getattr(p, "address", ""),
                "phone": getattr(p, "phone", ""),
            }
        ptype = p.get("party_type") or ""
        if ptype not in PartyType.values:
            raise DomainError(
                _("当事人类别无效：%(t)s。") % {"t": ptype}, code=ErrorCode.BAD_CHOICE
            )
        out.append(
            {
                "party_type": ptype,
                "name": (p.get("name") or "").strip(),
                "id_number": (p.get("id_number") or "").strip(),
                "usci": (p.get("usci") or "").strip().upper(),
                "legal_representative": (p.get("legal_representative") or "").strip(),
                "address": (p.get("address") or "").strip(),
                "phone": (p.get("phone") or "").strip(),
            }
        )
    return out


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


def _redactor(publication: Publication) -> Redactor:
    src = publication.source or {}
    agency = publication.agency
    keep = {agency.phone, agency.usci, publication.document_number}
    keep |= set(src.get("public_numbers") or [])
    return Redactor(
        parties=src.get("parties") or [], marks=publication.marks, keep={k for k in keep if k}
    )


def build_public_fields(publication: Publication) -> dict:
    """The redacted public fields of a publication (what its snapshot holds)."""
    src = publication.source or {}
    red = _redactor(publication)
    parties = [red.party(p) for p in src.get("parties") or []]
    target = parties[0] if parties else {}
    names = "、".join(p["name"] for p in parties if p["name"])
    details = {"parties": parties}
    penalty = src.get("penalty") or {}
    if publication.category == ActType.PENALTY:
        kinds = [k for k in penalty.get("kinds") or [] if k in PenaltyKind.values]
        details.update(
            {
                "violation_type": red.text(penalty.get("violation_type", "")),
                "facts": red.text(penalty.get("facts", "")),
                "basis": red.text(penalty.get("basis", "")),
                "penalty_kinds": [str(PenaltyKind(k).label) for k in kinds],
                "penalty_content": red.text(penalty.get("content", "")),
                "fine_wan": to_wan(penalty.get("fine")),
                "confiscated_wan": to_wan(penalty.get("confiscated")),
                "penalty_valid_until": penalty.get("valid_until") or "",
            }
        )
    licensing = src.get("licensing") or {}
    if publication.category == ActType.LICENSING:
        details.update(
            {
                "licence_name": red.text(licensing.get("name", "")),
                "licence_number": str(licensing.get("licence_number", ""))[:100],
                "licence_category": licensing.get("category", "") or "普通",
                "licence_content": red.text(licensing.get("content", "")),
                "valid_from": licensing.get("valid_from") or "",
                "valid_to": licensing.get("valid_to") or "",
                "licence_state": licensing.get("state", "") or "有效",
            }
        )
    if publication.category == ActType.INSPECTION and src.get("inspection"):
        details["inspection"] = _inspection_public(red, src["inspection"])
    full_text = [
        [str(label), red.text(text)] for label, text in (src.get("full_text") or []) if text
    ]
    return {
        "agency_name": publication.agency.name,
        "agency_usci": publication.agency.usci,
        "category": publication.category,
        "case_act_type": publication.case_act_type,
        "document_number": publication.document_number,
        "title": red.text(src.get("title", ""))[:300],
        "decision_date": publication.decision_date,
        "target_type": target.get("party_type", ""),
        "target_name": names[:200],
        "target_usci": target.get("usci", ""),
        "target_legal_rep": target.get("legal_representative", "")[:100],
        "conclusion": red.text(src.get("conclusion", "")),
        "full_text": full_text,
        "details": details,
    }


def _inspection_public(red: Redactor, content: dict) -> dict:
    """双随机抽查结果 (inspections.services.public_content) with its free text redacted.

    Names, the item and its basis pass through the redactor (ID, phone and bank numbers,
    marked spans); USCIs, the seed and the hashes are public identifiers and stay.
    """
    out = dict(content)
    out["title"] = red.text(content.get("title", ""))
    item = dict(content.get("item") or {})
    for key in ("name", "basis"):
        item[key] = red.text(item.get(key, ""))
    out["item"] = item
    out["tasks"] = [
        {**task, "name": red.text(task.get("name", ""))} for task in content.get("tasks") or []
    ]
    return out


def content_hash(fields: dict) -> str:
    return canonical_sha256(_jsonable(fields))


def _write_preview(publication: Publication) -> Snapshot:
    """(Re)write the not-yet-public preview snapshot from source + marks."""
    fields = build_public_fields(publication)
    snap = publication.snapshots.filter(state=SnapshotState.PREVIEW).first()
    if snap is None:
        snap = Snapshot(
            publication=publication, version=publication.version, agency=publication.agency
        )
    for key, value in fields.items():
        setattr(snap, key, value)
    snap.content_sha256 = content_hash(fields)
    snap.search_text = search.snapshot_text(snap)
    snap.state = SnapshotState.PREVIEW
    snap.save()
    return snap


def preview_of(publication: Publication) -> Snapshot | None:
    return (
        publication.snapshots.exclude(state=SnapshotState.SUPERSEDED).order_by("-version").first()
    )


def current_snapshot(publication: Publication) -> Snapshot | None:
    return preview_of(publication)


# --------------------------------------------------------------------------- publish


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
    from .webhooks import enqueue

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


# --------------------------------------------------------------------------- withdraw


@transaction.atomic
def withdraw_publication(
    publication, *, kind, reason, actor=None, on_date=None, checked=False
) -> Publication:
    """Take a decision down: its page becomes a withdrawal notice and it leaves search.

    ``checked=True`` when the caller (the cases app's withdrawal service) has already
    checked that ``actor`` may withdraw the decision.
    """
    if kind not in WithdrawalKind.values:
        raise DomainError(_("撤下情形无效。"), code=ErrorCode.BAD_CHOICE)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写撤下理由。"), code=ErrorCode.REASON_REQUIRED)
    publication = _lock(publication)
    if not checked:
        _require_head(publication, actor, _("撤下公示信息"))
    if publication.status == PublicationStatus.WITHDRAWN:
        raise DomainError(_("该公示信息已撤下。"), code=ErrorCode.ILLEGAL_TRANSITION)
    was_public = publication.published_at is not None
    now = clock.now()
    on_date = _as_date(on_date) or timezone.localdate(now)
    publication.status = PublicationStatus.WITHDRAWN
    publication.withdrawn_at = now
    publication.withdrawal_kind = kind
    publication.withdrawal_reason = reason[:500]
    publication.save()
    snap = preview_of(publication)
    if snap is not None:
        snap.state = SnapshotState.WITHDRAWN if was_public else SnapshotState.DISCARDED
        snap.withdrawn_on = on_date
        snap.withdrawal_kind = kind
        snap.withdrawal_reason = reason[:500]
        snap.save()
        search.unindex(snap)
    append_event(
        EventType.PUBLICATION_WITHDRAWN,
        publication.subject,
        {
            "kind": kind,
            "reason": reason,
            "on": on_date,
            "was_public": was_public,
            "snapshot": snap.pk if snap else None,
        },
        actor,
    )
    invalidate_page(publication.pk)
    if was_public and snap is not None:
        from .webhooks import enqueue

        enqueue("decision.withdrawn", snap)
    return publication


def withdraw_for_case(case_id, *, kind, reason, actor=None) -> list[Publication]:
    """Withdraw every live publication of a case (called from the cases signal)."""
    done = []
    live = Publication.objects.filter(case_id=case_id).exclude(
        status__in=[PublicationStatus.WITHDRAWN]
    )
    for publication in live:
        # the case service already checked that the actor is the agency head
        done.append(
            withdraw_publication(publication, kind=kind, reason=reason, actor=actor, checked=True)
        )
    return done


# --------------------------------------------------------------------------- correct


def _apply_changes(publication, changes):
    src = dict(publication.source)
    for key, value in changes.items():
        if key == "document_number":
            publication.document_number = str(value)[:80]
        elif key == "document_id":
            publication.document_id = value
        elif key == "parties":
            src["parties"] = _clean_parties(value)
        elif key in ("penalty", "licensing"):
            src[key] = {**(src.get(key) or {}), **_jsonable(value)}
        elif key == "full_text":
            src[key] = [[str(a), str(b)] for a, b in value]
        else:
            src[key] = str(value)
    publication.source = src


CORRECTABLE = {
    "conclusion",
    "title",
    "full_text",
    "penalty",
    "licensing",
    "parties",
    "document_number",
    "document_id",
}


@transaction.atomic
def correct_publication(
    publication, *, changes: dict, note: str, actor, checked=False
) -> Publication:
    """更正: a new snapshot version replaces the public one; the old stays as history.

    ``checked=True`` when the caller (the documents app's correction of the decision
    document) has already checked that ``actor`` may correct it. A publication still
    pending confirmation simply gets a rewritten preview.
    """
    publication = _lock(publication)
    if not checked:
        _require_head(publication, actor, _("更正公示信息"))
    if publication.status == PublicationStatus.PENDING and checked:
        _apply_changes(publication, changes)
        publication.save()
        _write_preview(publication)
        return publication
    if publication.status != PublicationStatus.PUBLISHED:
        raise DomainError(_("只有公示中的信息可以更正。"), code=ErrorCode.ILLEGAL_TRANSITION)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("请填写更正说明。"), code=ErrorCode.REQUIRED)
    unknown = set(changes) - CORRECTABLE
    if unknown:
        raise DomainError(
            _("不能更正以下字段：%(f)s。") % {"f": "、".join(sorted(unknown))},
            code=ErrorCode.UNKNOWN_FIELD,
        )
    if not changes:
        raise DomainError(_("没有需要更正的内容。"), code=ErrorCode.NO_CHANGE)
    _apply_changes(publication, changes)
    old = publication.snapshots.get(state=SnapshotState.PUBLISHED)
    old.state = SnapshotState.SUPERSEDED
    old.save()
    search.unindex(old)
    publication.version += 1
    publication.save()
    fields = build_public_fields(publication)
    snap = Snapshot(
        publication=publication,
        version=publication.version,
        agency=publication.agency,
        state=SnapshotState.PUBLISHED,
        published_at=clock.now(),
        visible_until=publication.visible_until,
        correction_note=note[:500],
        **fields,
    )
    snap.content_sha256 = content_hash(fields)
    snap.search_text = search.snapshot_text(snap)
    snap.save()
    leaf = append_event(
        EventType.PUBLICATION_CORRECTED,
        publication.subject,
        {
            "snapshot": snap.pk,
            "version": snap.version,
            "previous": old.pk,
            "previous_sha256": old.content_sha256,
            "sha256": snap.content_sha256,
            "note": note,
            "fields": sorted(changes),
        },
        actor,
    )
    snap.ledger_index = getattr(leaf, "index", None)
    snap.save(update_fields=["ledger_index"])
    search.index(snap)
    invalidate_page(publication.pk)
    from .webhooks import enqueue

    enqueue("decision.corrected", snap)
    return publication


# --------------------------------------------------------------------------- windows


@transaction.atomic
def remove_early(publication, *, reason, actor) -> Publication:
    """Early removal after credit repair (信用修复) — recorded, never silent."""
    publication = _lock(publication)
    _require_head(publication, actor, _("提前停止公示"))
    if publication.status != PublicationStatus.PUBLISHED:
        raise DomainError(
            _("只有公示中的信息可以提前停止公示。"), code=ErrorCode.ILLEGAL_TRANSITION
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写信用修复情况及依据。"), code=ErrorCode.REQUIRED)
    penalty = (publication.source or {}).get("penalty") or {}
    severe = {
        PenaltyKind.STOP_PRODUCTION,
        PenaltyKind.RESTRICT_ACTIVITIES,
        PenaltyKind.RESTRICT_EMPLOYMENT,
        PenaltyKind.LOWER_QUALIFICATION,
        PenaltyKind.REVOKE_LICENCE,
        PenaltyKind.CLOSE,
    }
    if severe & set(penalty.get("kinds") or []):
        raise DomainError(
            _(
                "责令停产停业、限制从业、降低资质等级、吊销许可证件等较为严重的行政处罚不得提前停止公示。"
            ),
            code=ErrorCode.LEGAL_REQUIREMENT,
        )
    publication.status = PublicationStatus.REMOVED
    publication.removed_at = clock.now()
    publication.removed_reason = reason[:500]
    publication.save()
    snap = publication.snapshots.get(state=SnapshotState.PUBLISHED)
    snap.state = SnapshotState.REMOVED
    snap.save()
    search.unindex(snap)
    append_event(
        EventType.PUBLICATION_REMOVED_EARLY,
        publication.subject,
        {"early": True, "reason": reason, "snapshot": snap.pk},
        actor,
    )
    invalidate_page(publication.pk)
    return publication


@transaction.atomic
def expire_due(today=None) -> int:
    """Take every snapshot whose publication window closed before ``today`` off the site."""
    today = today or clock.today()
    snaps = list(
        Snapshot.objects.select_for_update()
        .filter(state=SnapshotState.PUBLISHED, visible_until__lt=today)
        .select_related("publication")
    )
    for snap in snaps:
        snap.state = SnapshotState.EXPIRED
        snap.save(update_fields=["state", "updated_at"])
        search.unindex(snap)
        pub = snap.publication
        pub.status = PublicationStatus.EXPIRED
        pub.save(update_fields=["status"])
        append_event(
            EventType.PUBLICATION_EXPIRED,
            pub.subject,
            {"early": False, "visible_until": snap.visible_until, "snapshot": snap.pk},
            None,
        )
        invalidate_page(pub.pk)
    return len(snaps)


# --------------------------------------------------------------------------- clocks


def clock_state(publication: Publication, today=None) -> dict:
    """{'state': ok|due_soon|overdue|published|published_late|none, 'label': …}."""
    from sanxiang.workdays.calendar import workdays_between

    today = today or clock.today()
    if publication.status != PublicationStatus.PENDING:
        if publication.published_at:
            if publication.published_late:
                return {"state": "published_late", "label": _t("逾期公示")}
            return {"state": "published", "label": _t("按时公示")}
        return {"state": "none", "label": publication.get_status_display()}
    if publication.due_date is None:
        return {"state": "unknown", "label": publication.due_note or _t("期限未知")}
    if today > publication.due_date:
        return {
            "state": "overdue",
            "label": _t("已逾期（应于%(d)s前公开）") % {"d": publication.due_date.isoformat()},
        }
    try:
        left = workdays_between(today, publication.due_date)
    except DomainError:
        left = (publication.due_date - today).days
    if left <= WARN_WORKDAYS:
        return {
            "state": "due_soon",
            "label": _t("即将到期：还剩%(n)s个工作日，请尽快确认脱敏预览") % {"n": left},
        }
    return {"state": "ok", "label": _t("还剩%(n)s个工作日") % {"n": left}}


def pending_flags(user, today=None) -> list[dict]:
    """Unconfirmed previews near or past their deadline that ``user`` may see.

    Agencies see their own; the supervisor sees its subtree (the flags go to both).
    """
    today = today or clock.today()
    qs = scope(Publication.objects.filter(status=PublicationStatus.PENDING), user)
    qs = qs.select_related("agency").order_by("due_date", "id")
    flags = []
    for pub in qs[:500]:
        state = clock_state(pub, today)
        if state["state"] in ("overdue", "due_soon", "unknown"):
            flags.append({"publication": pub, **state})
    return flags


@transaction.atomic
def notify_overdue(today=None) -> int:
    """Mark newly overdue publications (shown to the agency and its supervisor)."""
    today = today or clock.today()
    qs = Publication.objects.select_for_update().filter(
        status=PublicationStatus.PENDING, due_date__lt=today, overdue_notified_at__isnull=True
    )
    count = 0
    for pub in qs:
        pub.overdue_notified_at = clock.now()
        pub.save(update_fields=["overdue_notified_at"])
        append_event(
            EventType.PUBLICATION_OVERDUE,
            pub.subject,
            {"agency": pub.agency_id, "due_date": pub.due_date},
            None,
        )
        count += 1
    return count


# --------------------------------------------------------------------------- policy


@transaction.atomic
def update_policy(
    agency, actor, *, require_confirmation=None, windows=None, low_fine_threshold=None
):
    require_role(actor, Role.HEAD, Role.ADMIN, message=_("只有机关负责人可以修改公示规则。"))
    require_same_agency(actor, agency.pk)
    policy, _created = PublicationPolicy.objects.get_or_create(agency=agency)
    if require_confirmation is not None:
        policy.require_confirmation = bool(require_confirmation)
    if windows is not None:
        clean = {}
        for key, value in windows.items():
            if key not in ActType.values:
                raise DomainError(_("类别无效：%(k)s。") % {"k": key}, code=ErrorCode.BAD_CHOICE)
            try:
                days = int(value)
            except (TypeError, ValueError) as exc:
                raise DomainError(_("公示期限应为天数。"), code=ErrorCode.BAD_FORMAT) from exc
            if not 30 <= days <= 3650:
                raise DomainError(_("公示期限应在30日至3650日之间。"), code=ErrorCode.OUT_OF_RANGE)
            clean[key] = days
        policy.windows = clean
    if low_fine_threshold is not None:
        policy.low_fine_threshold = _money(low_fine_threshold) or Decimal(0)
    policy.updated_by = actor
    policy.save()
    append_event(
        EventType.PUBLICATION_POLICY_CHANGED,
        f"agency:{agency.pk}",
        {
            "require_confirmation": policy.require_confirmation,
            "windows": policy.windows,
            "low_fine_threshold": policy.low_fine_threshold,
        },
        actor,
    )
    return policy


def visible_publications(user):
    return scope(Publication.objects.select_related("agency"), user)


def public_snapshot_for(publication_id):
    """The snapshot the public page of ``publication_id`` shows, or None."""
    return (
        Snapshot.objects.filter(publication_id=publication_id)
        .exclude(
            state__in=[SnapshotState.PREVIEW, SnapshotState.SUPERSEDED, SnapshotState.DISCARDED]
        )
        .order_by("-version")
        .first()
    )


__all__ = [
    "publish_decision",
    "confirm_publication",
    "update_marks",
    "withdraw_publication",
    "withdraw_for_case",
    "correct_publication",
    "remove_early",
    "expire_due",
    "clock_state",
    "pending_flags",
    "notify_overdue",
    "update_policy",
]
