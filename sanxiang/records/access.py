"""Access to recordings (调阅/复制): approval by the agency head, every use logged.

Who may view or download a recording of case C (agency A):
* the handlers of C (its own 承办人) — their own case, no request needed;
* the head (机关负责人) of A — the approving authority, no request needed;
* anyone else who may see A (same agency, or a supervisor above it) with an
  ``AccessRequest`` approved by the head of A, still valid, covering the recording (or
  the whole case) — downloads need a request that asked for download.
Every view/download goes through ``open_for_viewing`` which writes an ``AccessLog`` row and
a ledger event (who, when, what, why) before a byte is served.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_agency_access, require_role, require_same_agency

from . import caseinfo, storage
from .models import AccessAction, AccessLog, AccessRequest, Purge, Recording, RequestStatus

DEFAULT_VALID_DAYS = 7
MAX_VALID_DAYS = 90


def _ledger():
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.services import append

    return EventType, append


def approved_request(recording, user, action=AccessAction.VIEW, now=None):
    now = now or timezone.now()
    qs = AccessRequest.objects.filter(
        requester=user,
        case_id=recording.case_id,
        status=RequestStatus.APPROVED,
        valid_until__gte=now,
    ).filter(Q(recording__isnull=True) | Q(recording=recording))
    if action == AccessAction.DOWNLOAD:
        qs = qs.filter(allow_download=True)
    return qs.order_by("-decided_at").first()


def access_basis(recording, user, action=AccessAction.VIEW, now=None):
    """``(basis, request)`` when ``user`` may access ``recording``; raises PermissionDenied."""
    require_agency_access(user, recording.agency_id, _("您无权调阅其他机关的音像记录。"))
    if user.agency_id == recording.agency_id:
        if caseinfo.is_handler(recording.case, user):
            return "handler", None
        if user.role == Role.HEAD:
            return "head", None
    request = approved_request(recording, user, action, now)
    if request is not None:
        return "approved_request", request
    if action == AccessAction.DOWNLOAD:
        raise PermissionDenied(
            _("下载（复制）音像记录须经机关负责人批准，请先提交调阅申请并申请下载。")
        )
    raise PermissionDenied(_("调阅音像记录须经机关负责人批准，请先提交调阅申请。"))


def may_access(recording, user, action=AccessAction.VIEW) -> bool:
    try:
        access_basis(recording, user, action)
    except DomainError:
        return False
    return True


@transaction.atomic
def open_for_viewing(recording, user, purpose, action=AccessAction.VIEW):
    """Check, log and ledger one view/download; returns ``(file, AccessLog)``.

    The caller streams the returned file object (and closes it).
    """
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError(_("请填写调阅事由。"))
    if action not in AccessAction.values:
        raise DomainError(_("调阅方式无效。"))
    basis, request = access_basis(recording, user, action)
    if Purge.objects.filter(recording=recording).exists():
        raise DomainError(_("该音像记录已到期清除，文件不再可用。"), code=ErrorCode.NOT_FOUND)
    if not storage.exists(recording.storage_key):
        raise DomainError(
            _("存储中找不到该文件，已通知管理员进行完整性检查。"), code=ErrorCode.NOT_FOUND
        )
    entry = AccessLog.objects.create(
        agency_id=recording.agency_id,
        recording=recording,
        user=user,
        action=action,
        purpose=purpose[:255],
        basis=basis,
        access_request=request,
    )
    EventType, append = _ledger()
    append(
        EventType.RECORDING_ACCESSED,
        f"recording:{recording.pk}",
        {
            "case": recording.case_id,
            "sha256": recording.sha256,
            "action": action,
            "purpose": entry.purpose,
            "basis": basis,
            "access_request": request.pk if request else None,
            "access_log": entry.pk,
        },
        user,
    )
    return storage.open_stored(recording.storage_key), entry


@transaction.atomic
def request_access(user, case, reason, recording=None, allow_download=False):
    """调阅申请: any user who may see the case's agency (incl. supervisors) may ask."""
    require_role(
        user,
        Role.HANDLER,
        Role.REVIEWER,
        Role.HEAD,
        Role.SUPERVISOR,
        Role.ADMIN,
    )
    require_agency_access(user, case.agency_id, _("您无权调阅其他机关的音像记录。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写调阅事由。"))
    if recording is not None and recording.case_id != case.pk:
        raise DomainError(_("所选音像记录不属于该案件。"))
    req = AccessRequest.objects.create(
        agency_id=case.agency_id,
        case=case,
        recording=recording,
        requester=user,
        reason=reason[:2000],
        allow_download=bool(allow_download),
    )
    EventType, append = _ledger()
    append(
        EventType.RECORDING_ACCESS_REQUESTED,
        f"case:{case.pk}",
        {
            "access_request": req.pk,
            "recording": recording.pk if recording else None,
            "reason": req.reason,
            "download": req.allow_download,
        },
        user,
    )
    return req


@transaction.atomic
def decide_access(req, head, approve: bool, note="", valid_days=DEFAULT_VALID_DAYS):
    """The head of the recording's agency approves or rejects (not his own request)."""
    req = AccessRequest.objects.select_for_update().get(pk=req.pk)
    require_role(head, Role.HEAD, message=_("调阅申请须由机关负责人审批。"))
    require_same_agency(head, req.agency_id, _("只能审批本机关音像记录的调阅申请。"))
    if req.status != RequestStatus.PENDING:
        raise DomainError(_("该申请已审批。"), code=ErrorCode.ILLEGAL_TRANSITION)
    if req.requester_id == head.pk:
        raise PermissionDenied(_("不能审批自己的申请。"))
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError(_("驳回申请须填写理由。"))
    now = timezone.now()
    req.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    req.decided_by = head
    req.decided_at = now
    req.decision_note = note[:255]
    if approve:
        try:
            days = int(valid_days)
        except (TypeError, ValueError):
            days = DEFAULT_VALID_DAYS
        if not 1 <= days <= MAX_VALID_DAYS:
            raise DomainError(_("有效期应为 1 至 %(n)d 天。") % {"n": MAX_VALID_DAYS})
        req.valid_until = now + dt.timedelta(days=days)
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "valid_until"])
    EventType, append = _ledger()
    append(
        EventType.RECORDING_ACCESS_DECIDED,
        f"case:{req.case_id}",
        {
            "access_request": req.pk,
            "approved": bool(approve),
            "note": req.decision_note,
            "valid_until": req.valid_until.isoformat() if req.valid_until else None,
        },
        head,
    )
    return req


def visible_recordings(user):
    from sanxiang.org.scoping import scope

    return scope(Recording.objects.all(), user).select_related("case", "collector", "agency")


def visible_requests(user):
    from sanxiang.org.scoping import scope

    return scope(AccessRequest.objects.all(), user).select_related(
        "case", "recording", "requester", "decided_by"
    )
