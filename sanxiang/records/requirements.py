"""Which activities of a case must be filmed, what is missing, what is overdue.

The catalogue's A/V list (``catalog.services.recording_required``) decides. A required
activity counts as covered by a ``Recording`` of that activity on this case (the same day
when the activity's date is known) or by a head-approved ``RecordingWaiver`` (a written
reason). Upload is due within 2 working days of the activity (seed 004 art. 17).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.core.fields import RecordedActivity
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_role, require_same_agency

from . import caseinfo
from .models import Recording, RecordingWaiver, RequestStatus

UPLOAD_WORKDAYS = 2


def requirement_for(case, activity, on_date=None):
    if not activity:
        return None
    from sanxiang.catalog.services import recording_required

    return recording_required(case.agency, case.act_type, activity, on_date)


def _local_date(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def is_covered(case, activity, on_date=None) -> bool:
    recs = Recording.objects.filter(case=case, activity=activity)
    waivers = RecordingWaiver.objects.filter(
        case=case, activity=activity, status=RequestStatus.APPROVED
    )
    if on_date is not None:
        waivers = waivers.filter(activity_date=on_date)
        return waivers.exists() or any(r.activity_date == on_date for r in recs)
    return recs.exists() or waivers.exists()


def upload_due(activity_date):
    from sanxiang.workdays.calendar import add_workdays

    return add_workdays(activity_date, UPLOAD_WORKDAYS)


def case_activities(case):
    """(activity, datetime) of the activities recorded on the case's timeline."""
    from sanxiang.cases.models import CaseEvent, EventKind

    rows = CaseEvent.objects.filter(case=case, kind=EventKind.ACTIVITY).exclude(activity="")
    return [(e.activity, e.at) for e in rows.order_by("at", "id")]


def missing_recordings(case, today=None) -> list[dict]:
    """Required activities of ``case`` with neither a recording nor an approved waiver.

    Each item: ``activity``, ``activity_label``, ``date``, ``due`` (upload deadline or None
    when the calendar lacks the year), ``overdue`` (bool), ``waiver_pending`` (bool),
    ``level`` ("error"/"warn") and ``message`` (zh).
    """
    today = today or clock.today()
    out = []
    seen = set()
    for activity, at in case_activities(case):
        day = _local_date(at)
        if (activity, day) in seen:
            continue
        seen.add((activity, day))
        if requirement_for(case, activity, day) is None or is_covered(case, activity, day):
            continue
        try:
            due = upload_due(day)
        except DomainError:
            due = None
        overdue = due is not None and today > due
        pending = RecordingWaiver.objects.filter(
            case=case, activity=activity, activity_date=day, status=RequestStatus.PENDING
        ).exists()
        label = RecordedActivity(activity).label
        if overdue:
            message = _("%(a)s（%(d)s）须音像记录，已超过上传期限 %(due)s。") % {
                "a": label,
                "d": day.isoformat(),
                "due": due.isoformat(),
            }
        else:
            message = _("%(a)s（%(d)s）须音像记录，尚未上传%(due)s。") % {
                "a": label,
                "d": day.isoformat(),
                "due": _("（上传期限 %(d)s）") % {"d": due.isoformat()} if due else "",
            }
        if pending:
            message += _("未能记录的书面说明待负责人审批。")
        out.append(
            {
                "activity": activity,
                "activity_label": str(label),
                "date": day,
                "due": due,
                "overdue": overdue,
                "waiver_pending": pending,
                "level": "error" if overdue else "warn",
                "message": str(message),
            }
        )
    return out


def late_recordings(case):
    """Recordings uploaded after their 2-working-day deadline (flagged on the case page)."""
    return [r for r in Recording.objects.filter(case=case) if r.is_late]


def missing_items(case, today=None):
    """Provider for ``cases.hooks.register_missing_items``."""
    items = [
        {"level": m["level"], "message": m["message"]} for m in missing_recordings(case, today)
    ]
    for rec in late_recordings(case):
        items.append(
            {
                "level": "warn",
                "message": str(
                    _("音像记录“%(n)s”逾期上传（应于 %(d)s 前上传）。")
                    % {"n": rec.original_name, "d": rec.upload_due.isoformat()}
                ),
            }
        )
    return items


def activity_check(case, activity, data, actor):
    """Registered with ``cases.gates.register_activity_check``: refuse marking a required
    activity done without a recording of it or an approved written reason."""
    if not activity:
        return []
    at = (data or {}).get("at")
    day = None
    if at:
        try:
            day = _local_date(at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(at))
        except (TypeError, ValueError):
            day = None
    req = requirement_for(case, activity, day or clock.today())
    if req is None:
        return []
    if is_covered(case, activity, day):
        return []
    raise DomainError(
        _(
            "按音像记录事项清单，“%(a)s”须全程音像记录：请先上传该活动的音像记录，"
            "或提交未能记录的书面说明并经机关负责人批准。"
        )
        % {"a": RecordedActivity(activity).label},
        code=ErrorCode.ILLEGAL_TRANSITION,
        links=[
            (_("上传音像记录"), reverse("records:upload", args=[case.pk])),
            (_("提交未能记录的书面说明"), reverse("records:case", args=[case.pk]) + "#waiver"),
        ],
    )


@transaction.atomic
def request_waiver(case, user, activity, activity_date, reason) -> RecordingWaiver:
    """The case handler files a written reason why the activity could not be recorded."""
    from sanxiang.ledger import personal
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.services import append

    require_role(user, Role.HANDLER, Role.HEAD)
    require_same_agency(user, case.agency_id)
    if user.role == Role.HANDLER and not caseinfo.is_handler(case, user):
        raise PermissionDenied(_("只有本案承办人可以提交书面说明。"))
    if activity not in RecordedActivity.values:
        raise DomainError(_("请选择执法活动。"), code=ErrorCode.REQUIRED)
    if not isinstance(activity_date, dt.date):
        try:
            activity_date = dt.date.fromisoformat(str(activity_date))
        except ValueError:
            raise DomainError(_("活动日期格式不正确。"), code=ErrorCode.BAD_FORMAT)
    if activity_date > clock.today():
        raise DomainError(_("活动日期不能晚于今天。"), code=ErrorCode.BAD_DATE)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise DomainError(
            _("请具体说明未能音像记录的原因（不少于 10 字）。"), code=ErrorCode.REASON_REQUIRED
        )
    if RecordingWaiver.objects.filter(
        case=case,
        activity=activity,
        activity_date=activity_date,
        status__in=[RequestStatus.PENDING, RequestStatus.APPROVED],
    ).exists():
        raise DomainError(_("该活动已有待审批或已批准的书面说明。"), code=ErrorCode.CONFLICT)
    waiver = RecordingWaiver.objects.create(
        agency_id=case.agency_id,
        case=case,
        activity=activity,
        activity_date=activity_date,
        reason=reason[:4000],
        requested_by=user,
    )
    append(
        EventType.CASE_EVENT,
        f"case:{case.pk}",
        {
            "records": "waiver_requested",
            "waiver": waiver.pk,
            "activity": activity,
            "activity_date": activity_date.isoformat(),
            "reason": personal.digest(waiver.reason),  # free text (#11.4)
        },
        user,
    )
    return waiver


@transaction.atomic
def approve_waiver(waiver, head, approve=True, note="") -> RecordingWaiver:
    from sanxiang.ledger import personal
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.services import append

    waiver = RecordingWaiver.objects.select_for_update().get(pk=waiver.pk)
    require_role(head, Role.HEAD, message=_("书面说明须由机关负责人审批。"))
    require_same_agency(head, waiver.agency_id)
    if waiver.status != RequestStatus.PENDING:
        raise DomainError(_("该书面说明已审批。"), code=ErrorCode.ILLEGAL_TRANSITION)
    if waiver.requested_by_id == head.pk:
        raise PermissionDenied(_("不能审批自己提交的说明。"))
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError(_("不予批准须填写理由。"), code=ErrorCode.REASON_REQUIRED)
    waiver.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    waiver.decided_by = head
    waiver.decided_at = clock.now()
    waiver.decision_note = note[:255]
    waiver.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    append(
        EventType.CASE_EVENT,
        f"case:{waiver.case_id}",
        {
            "records": "waiver_decided",
            "waiver": waiver.pk,
            "approved": bool(approve),
            "note": personal.digest(waiver.decision_note),  # free text (#11.4)
        },
        head,
    )
    return waiver
