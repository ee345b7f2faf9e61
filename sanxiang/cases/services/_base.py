"""Shared helpers of the case services: locking, permissions, the timeline and ledger."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core import clock, numbering
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger.events import EventType
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_role, require_same_agency

from .. import flows, signals
from ..models import Case, CaseEvent, CasePolicy, Stage


def now():
    return clock.now()


def today():
    return clock.today()


def as_date(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value).date()
        return value.date()
    return value


def as_datetime(value, default=None):
    """Accept a date or datetime (naive = local time); None → ``default`` or now."""
    if value is None:
        return default or now()
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        # a bare date means 09:00 that day; today before 09:00 means now (never the future)
        moment = timezone.make_aware(dt.datetime.combine(value, dt.time(9, 0)))
        return min(moment, now()) if value == today() else moment
    raise DomainError(_("时间格式无效。"), code=ErrorCode.BAD_FORMAT)


def money(value, what):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except Exception as exc:
        raise DomainError(
            _("%(w)s不是有效的金额。") % {"w": what}, code=ErrorCode.BAD_FORMAT
        ) from exc
    if amount < 0:
        raise DomainError(_("%(w)s不能为负数。") % {"w": what}, code=ErrorCode.OUT_OF_RANGE)
    return amount


def actor_name(actor):
    return actor.display_name if actor is not None else "system"


def policy(agency):
    """The agency's CasePolicy (defaults when the agency has not set one)."""
    try:
        return agency.case_policy
    except CasePolicy.DoesNotExist:
        return CasePolicy(agency=agency)


def lock(case):
    """Reload ``case`` with a row lock (the caller is inside transaction.atomic)."""
    if case.pk is None:
        raise DomainError(_("案件不存在。"), ErrorCode.NOT_FOUND)
    return Case.objects.select_for_update().select_related("agency").get(pk=case.pk)


def require_agency_member(actor, case, *roles):
    """Role check + the actor acts only for its own agency."""
    require_role(actor, *roles)
    require_same_agency(
        actor, case.agency_id, _("您只能办理本机关的案件，该案件属于%(a)s。") % {"a": case.agency}
    )


def officer_of(user):
    try:
        return user.officer
    except Exception:
        return None


def require_case_handler(actor, case):
    """A handler assigned to the case, or the agency head."""
    require_agency_member(actor, case, Role.HANDLER, Role.HEAD)
    if actor.role == Role.HEAD:
        return
    officer = officer_of(actor)
    if officer is None or not case.handlers.filter(officer=officer).exists():
        raise PermissionDenied(_("您不是本案的办案人员，不能办理此事项。"))


def require_head(actor, case):
    require_agency_member(actor, case, Role.HEAD)


def require_stage(case, *stages, action):
    if case.stage not in stages:
        wanted = "、".join(str(Stage(s).label) for s in stages)
        raise DomainError(
            _("案件当前处于“%(s)s”环节，不能%(a)s（须在“%(w)s”环节）。")
            % {"s": case.get_stage_display(), "a": action, "w": wanted},
            ErrorCode.ILLEGAL_TRANSITION,
        )


def require_active(case, action):
    if case.stage in (Stage.ARCHIVED, Stage.TERMINATED):
        raise DomainError(
            _("案件已%(s)s，不能%(a)s。") % {"s": case.get_stage_display(), "a": action},
            ErrorCode.ILLEGAL_TRANSITION,
        )


def move(case, new_stage, actor):
    """Move to the next stage of the case's flow (or terminated); refuses skipping."""
    old = case.stage
    if new_stage != Stage.TERMINATED:
        expected = flows.next_stage(case.act_type, old)
        if new_stage != expected:
            raise DomainError(
                _("不能从“%(a)s”环节直接进入“%(b)s”环节，不得跳过环节。")
                % {"a": Stage(old).label, "b": Stage(new_stage).label},
                ErrorCode.ILLEGAL_TRANSITION,
            )
    case.stage = new_stage
    return old


def stage_changed(case, old, actor):
    if old != case.stage:
        signals.case_stage_changed.send(
            sender=Case, case=case, old_stage=old, new_stage=case.stage, actor=actor
        )


def jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    return value


def record(
    case,
    kind,
    actor,
    *,
    summary="",
    data=None,
    at=None,
    activity="",
    event_type=None,
    old_stage=None,
    entry=None,
):
    """Append a timeline entry and its ledger leaf (same transaction). Returns the event.

    ``entry``: the ``dates.Entry`` of an act whose date the user gave; a late entry (补录)
    is marked on the event and in the leaf payload (the leaf's own time stays the ledger
    time).
    """
    from sanxiang.ledger.personal import case_persons, protect
    from sanxiang.ledger.services import append

    if entry is not None:
        at = at or entry.at
    at = at or now()
    data = jsonable(data or {})
    if event_type is None:
        moved = old_stage is not None and old_stage != case.stage
        event_type = EventType.CASE_TRANSITION if moved else EventType.CASE_EVENT
    payload = {
        "case": case.pk,
        "number": case.number,
        "agency": case.agency_id,
        "act_type": case.act_type,
        "kind": str(kind),
        "stage": case.stage,
        "at": at.isoformat(),
        "summary": str(summary),
        "data": data,
    }
    if old_stage is not None and old_stage != case.stage:
        payload["from_stage"] = old_stage
    if activity:
        payload["activity"] = activity
    late = entry is not None and entry.late_entry
    if late:
        payload.update(entry.payload())
    # the leaf commits to persons and facts by keyed hash only (issue #11 item 4)
    leaf = append(event_type, case.subject, protect(payload, case_persons(case)), actor)
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        stage=case.stage,
        activity=activity or "",
        at=at,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor_name(actor),
        summary=str(summary)[:500],
        data=data,
        ledger_index=leaf.index,
        late_entry=late,
        late_reason=entry.late_reason if late else "",
    )
    signals.case_event_recorded.send(sender=Case, case=case, event=event, actor=actor)
    return event


def next_number(agency, year, kind="立"):
    """Gap-free 案件编号 such as 青市监立〔2026〕12号 (``core.numbering``: one counter per
    agency, kind and year; the prefix rule shared with 文号)."""
    return numbering.next_number("case", agency, kind, year)[1]


def workdays_after(day, n):
    from sanxiang.workdays.calendar import add_workdays

    return add_workdays(day, n)


def set_deadline(case, field, day, n):
    """Set ``case.<field>`` to the n-th working day after ``day`` and track it (provisional
    flag, calendar revision) so that entering a year's holiday schedule recomputes it."""
    from sanxiang.workdays import calendar, deadlines

    result = calendar.deadline(day, n)
    setattr(case, field, result.date)
    deadlines.track(f"case.{field}", case, result)
    return result.date


def check_document(case, document, kinds=None, what=None):
    """A document given to a transition must belong to the case (and be of a given kind)."""
    if document is None:
        return None
    if getattr(document, "case_id", None) != case.pk:
        raise DomainError(_("所附文书不属于本案件。"), code=ErrorCode.NOT_IN_SCOPE)
    if kinds and getattr(document, "kind", None) not in kinds:
        raise DomainError(
            _("所附文书不是%(w)s。") % {"w": what or _("规定的文书")},
            code=ErrorCode.MISSING_MATERIAL,
        )
    return document


def document_ref(document):
    if document is None:
        return None
    return {
        "id": document.pk,
        "kind": getattr(document, "kind", ""),
        "number": getattr(document, "number", "") or "",
        "sha256": getattr(document, "sha256", "") or "",
    }
