"""Field mode services: today's tasks, devices, and the sync of acts captured offline.

Rules (issue #18; domain.md "Time" for 补录):

* Only the signed-in officer's own tasks: cases in 调查取证 where they are a handler, and
  unrecorded 双随机 tasks they were drawn for. Everything is scoped to their agency.
* A device belongs to one user; a revoked device is refused on every sync (403).
* An act synced from the phone becomes a 调查取证活动 of the case (``cases.record_event``:
  two certified officers, its ledger leaf). Its time is the capture time. When the capture
  lies more than ``SANXIANG_LATE_ENTRY_DAYS`` days before the sync it is marked 补录 with the
  reason the device sends (or a standard one naming the device).
* A case that left 调查取证 meanwhile is a conflict (409): nothing is written to the case,
  the refusal is kept as a ``FieldSubmission`` and shown on the phone. Never merged.
* The same act sent again (same ``client_id``) returns the first answer.
* Each act kind has its own form (``acts.py``: 现场检查/勘验笔录, 询问笔录, 证据登记保存,
  查封扣押), validated here with Chinese errors; its fields and the location the officer
  allowed are kept on the case event (``data["field"]["act"]``, ``["location"]``) and
  written into its description.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.core.fields import RecordedActivity
from sanxiang.org.models import Officer, Role
from sanxiang.org.scoping import scope

from . import acts
from .models import Device, FieldSubmission, SubmissionStatus

FIELD_ROLES = (Role.HANDLER, Role.HEAD)
NOTES_MAX = 2000
MAX_FILES = 20


def wipe_after_days() -> int:
    """Offline data not refreshed online for this many days is wiped on the phone."""
    return int(getattr(settings, "SANXIANG_FIELD_WIPE_DAYS", 7))


def _officer(user):
    try:
        return user.officer
    except Exception:
        return None


def require_field_user(user):
    if not (user and user.is_authenticated) or user.role not in FIELD_ROLES:
        raise PermissionDenied(_("移动执法只供承办人和机关负责人使用。"))
    if user.agency_id is None:
        raise PermissionDenied(_("您的账号未归属执法主体，不能使用移动执法。"))


# --- tasks --------------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def tasks_for(user) -> dict:
    """Today's tasks of ``user`` (JSON-ready), kept on the phone for offline use."""
    from sanxiang.cases.models import Case, Stage

    require_field_user(user)
    officer = _officer(user)
    cases = []
    if officer is not None:
        qs = (
            scope(Case.objects.all(), user)
            .filter(stage=Stage.INVESTIGATION, handlers__officer=officer)
            .select_related("agency")
            .prefetch_related("parties", "handlers__officer")
            .distinct()
            .order_by("-id")
        )
        for case in qs:
            cases.append(
                {
                    "id": case.pk,
                    "number": case.number or "",
                    "title": case.title,
                    "place": getattr(case, "place", "") or "",
                    "stage": case.get_stage_display(),
                    "catalogue_item": _catalogue_label(case),
                    "parties": [
                        {"name": p.name, "address": getattr(p, "address", "") or ""}
                        for p in case.parties.all()
                    ],
                    "officers": [
                        {"id": h.officer_id, "name": h.officer.name} for h in case.handlers.all()
                    ],
                }
            )
    inspections = []
    if officer is not None:
        from sanxiang.inspections.models import Task

        for task in (
            scope(Task.objects.all(), user)
            .filter(officers=officer, result="")
            .select_related("plan", "target")
            .prefetch_related("officers")
            .order_by("plan_id", "order")
        ):
            inspections.append(
                {
                    "id": task.pk,
                    "plan": str(task.plan),
                    "target": task.target_name,
                    "usci": task.target_usci,
                    "address": task.target.address,
                    "officers": [o.name for o in task.officers.all()],
                }
            )
    return {
        "user": {"id": user.pk, "name": user.get_full_name() or user.username},
        "officer": {"id": officer.pk, "name": officer.name} if officer else None,
        "generated_at": _iso(clock.now()),
        "activities": [
            {"value": v, "label": str(label), "form": str(acts.FORMS[v])}
            for v, label in FIELD_ACTIVITIES
        ],
        "cases": cases,
        "inspections": inspections,
    }


def _catalogue_label(case) -> str:
    for attr in ("power_snapshot", "power"):
        value = getattr(case, attr, None)
        if isinstance(value, dict):
            return str(value.get("name") or value.get("title") or "")
        if value:
            return str(value)
    return ""


FIELD_ACTIVITIES = [
    (RecordedActivity.ON_SITE_INSPECTION, RecordedActivity.ON_SITE_INSPECTION.label),
    (RecordedActivity.INTERVIEW, RecordedActivity.INTERVIEW.label),
    (RecordedActivity.EVIDENCE_PRESERVATION, RecordedActivity.EVIDENCE_PRESERVATION.label),
    (RecordedActivity.SEIZURE, RecordedActivity.SEIZURE.label),
]


# --- devices ------------------------------------------------------------------------------


def _clean_device_id(device_id) -> str:
    try:
        return str(uuid.UUID(str(device_id)))
    except (TypeError, ValueError):
        raise DomainError(_("设备标识格式不正确。"), code=ErrorCode.BAD_FORMAT)


def register_device(user, device_id, label="") -> Device:
    """The phone announces itself when the field app is opened online."""
    require_field_user(user)
    device_id = _clean_device_id(device_id)
    now = clock.now()
    device = Device.objects.filter(device_id=device_id).first()
    if device is None:
        return Device.objects.create(
            device_id=device_id,
            agency_id=user.agency_id,
            user=user,
            label=str(label or "")[:200],
            registered_at=now,
            last_seen_at=now,
        )
    _check_device(device, user)
    Device.objects.filter(pk=device.pk).update(last_seen_at=now)
    return device


def _check_device(device, user):
    if device.user_id != user.pk:
        raise PermissionDenied(
            _("该设备已登记给其他执法人员使用，请在本机退出后重新登录，离线数据将被清除。")
        )
    if device.is_revoked:
        raise PermissionDenied(
            _("该设备已于 %(t)s 被停用（%(r)s），不能再同步。请联系机关负责人。")
            % {
                "t": timezone.localtime(device.revoked_at).strftime("%Y-%m-%d %H:%M"),
                "r": device.revoke_reason or _("未说明原因"),
            }
        )


def require_device(user, device_id) -> Device:
    """Checked on every sync: the device is registered to ``user`` and not revoked."""
    require_field_user(user)
    device = Device.objects.filter(device_id=_clean_device_id(device_id)).first()
    if device is None:
        raise PermissionDenied(_("该设备尚未登记，请联网打开移动执法页面后再同步。"))
    _check_device(device, user)
    return device


def devices_visible_to(user):
    return scope(Device.objects.select_related("user", "agency", "revoked_by"), user)


def revoke_device(actor, device_pk, reason) -> Device:
    """A lost phone: the agency head or a supervisor (司法局) stops it from syncing."""
    from sanxiang.ledger import personal
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.services import append

    if not (actor and actor.is_authenticated) or actor.role not in (Role.HEAD, Role.SUPERVISOR):
        raise PermissionDenied(_("只有机关负责人或监督人员可以停用移动执法设备。"))
    reason = str(reason or "").strip()
    if not reason:
        raise DomainError(_("请填写停用原因（如手机遗失）。"), code=ErrorCode.REASON_REQUIRED)
    with transaction.atomic():
        device = scope(Device.objects.all(), actor).select_for_update().filter(pk=device_pk).first()
        if device is None:
            raise DomainError(_("设备不存在。"), code=ErrorCode.NOT_FOUND)
        if device.is_revoked:
            raise DomainError(_("该设备已停用。"), code=ErrorCode.CONFLICT)
        device.revoked_at = clock.now()
        device.revoked_by = actor
        device.revoke_reason = reason[:255]
        device.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        append(
            EventType.FIELD_DEVICE_REVOKED,
            f"field_device:{device.pk}",
            {
                "device_id": device.device_id,
                "user": device.user_id,
                "agency": device.agency_id,
                "reason": personal.digest(device.revoke_reason),  # typed text (#11.4)
            },
            actor,
        )
    return device


# --- sync ---------------------------------------------------------------------------------


def _when(value, label):
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value or ""))
    if parsed is None:
        raise DomainError(_("%(l)s格式不正确。") % {"l": label}, code=ErrorCode.BAD_FORMAT)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _answer(sub: FieldSubmission) -> dict:
    return {
        "client_id": str(sub.client_id),
        "status": sub.status,
        "status_label": sub.get_status_display(),
        "case": sub.case_id,
        "case_event": sub.case_event_id,
        "late_entry": sub.late_entry,
        "captured_at": _iso(sub.captured_at),
        "synced_at": _iso(sub.synced_at),
        "message": sub.message,
    }


def submit_act(user, data: dict) -> tuple[dict, bool]:
    """Sync one act captured offline. Returns (answer, created). Raises DomainError for
    refusals the officer must fix; a conflict raises with code CONFLICT after keeping the
    receipt."""
    from sanxiang.cases import services as cases
    from sanxiang.cases.models import Case, Stage
    from sanxiang.cases.services import dates

    device = require_device(user, data.get("device_id"))
    try:
        client_id = uuid.UUID(str(data.get("client_id")))
    except (TypeError, ValueError):
        raise DomainError(_("离线记录标识格式不正确。"), code=ErrorCode.BAD_FORMAT)
    previous = FieldSubmission.objects.filter(client_id=client_id).first()
    if previous is not None:
        if previous.user_id != user.pk:
            raise PermissionDenied(_("该离线记录不属于您。"))
        if previous.status == SubmissionStatus.CONFLICT:
            _raise_conflict(previous)
        return _answer(previous), False
    try:
        case = scope(Case.objects.all(), user).get(pk=int(data.get("case")))
    except (TypeError, ValueError, Case.DoesNotExist):
        raise DomainError(_("案件不存在。"), code=ErrorCode.NOT_FOUND)
    captured_at = _when(data.get("captured_at"), _("现场采集时间"))
    activity = str(data.get("activity") or "")
    if activity not in RecordedActivity.values:
        raise DomainError(_("请选择执法活动类别。"), code=ErrorCode.REQUIRED)
    act = acts.clean_act(activity, data.get("act"))
    location = acts.clean_location(data.get("location"))
    notes = str(data.get("notes") or "").strip()[:NOTES_MAX]
    place = str(data.get("place") or "").strip()[:200]
    if not place:
        raise DomainError(_("请填写地点。"), code=ErrorCode.REQUIRED)
    officer_ids = data.get("officers") or []
    if not isinstance(officer_ids, list):
        raise DomainError(_("执法人员格式不正确。"), code=ErrorCode.BAD_FORMAT)
    officers = list(
        Officer.objects.filter(agency_id=case.agency_id, pk__in=[_int(i) for i in officer_ids])
    )
    if len(officers) != len(set(officer_ids)):
        raise DomainError(_("请选择本机关的执法人员。"), code=ErrorCode.NOT_IN_SCOPE)
    files = _clean_files(data.get("files") or [])
    now = clock.now()
    if case.stage != Stage.INVESTIGATION:
        sub = FieldSubmission.objects.create(
            client_id=client_id,
            device=device,
            user=user,
            case=case,
            captured_at=captured_at,
            synced_at=now,
            status=SubmissionStatus.CONFLICT,
            message=(
                _("案件已进入“%(s)s”环节，不再处于调查取证，离线记录未写入案件。")
                % {"s": case.get_stage_display()}
            ),
        )
        _raise_conflict(sub)
    late = (timezone.localtime(now).date() - timezone.localtime(captured_at).date()).days > (
        dates.late_entry_days()
    )
    late_reason = ""
    if late:
        late_reason = str(data.get("late_reason") or "").strip() or _(
            "移动端离线采集（设备 %(d)s），网络恢复后同步"
        ) % {"d": device.device_id[:8]}
    field_data = {
        "device_id": device.device_id,
        "client_id": str(client_id),
        "captured_at": captured_at.isoformat(),
        "synced_at": now.isoformat(),
        "files": files,
        "form": str(acts.FORMS[activity]),
        "act": act,
    }
    if location:
        field_data["location"] = location
    with transaction.atomic():
        event = cases.record_event(
            case,
            user,
            activity=activity,
            description=acts.describe(activity, act, notes, location),
            at=captured_at,
            place=place,
            officers=officers,
            evidence=[f"{f['name']}（SHA-256 {f['sha256']}）" for f in files],
            data={"field": field_data},
            late_reason=late_reason[:500],
        )
        sub = FieldSubmission.objects.create(
            client_id=client_id,
            device=device,
            user=user,
            case=case,
            captured_at=captured_at,
            synced_at=now,
            status=SubmissionStatus.ACCEPTED,
            case_event_id=getattr(event, "pk", None),
            late_entry=bool(getattr(event, "late_entry", late)),
        )
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
    return _answer(sub), True


def _raise_conflict(sub):
    raise DomainError(sub.message, code=ErrorCode.CONFLICT, details=[{"submission": _answer(sub)}])


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError(_("请选择本机关的执法人员。"), code=ErrorCode.NOT_IN_SCOPE)


def _clean_files(raw) -> list[dict]:
    if not isinstance(raw, list) or len(raw) > MAX_FILES:
        raise DomainError(_("附件清单格式不正确。"), code=ErrorCode.BAD_FORMAT)
    out = []
    for item in raw:
        item = item if isinstance(item, dict) else {}
        sha = str(item.get("sha256") or "").lower()
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise DomainError(_("附件的 SHA-256 格式不正确。"), code=ErrorCode.BAD_FORMAT)
        out.append(
            {
                "name": str(item.get("name") or "")[:255],
                "sha256": sha,
                "size": _int_or_zero(item.get("size")),
                "captured_at": _when(item.get("captured_at"), _("采集时间")).isoformat(),
            }
        )
    return out


def _int_or_zero(value):
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0
