"""Access to recordings (调阅/复制): approval by the agency head, every use logged.

Who may view or download a recording of case C (agency A):
* the handlers of C (its own 承办人) — their own case, no request needed;
* the head (机关负责人) of A — the approving authority, no request needed;
* anyone else who may see A (same agency, or a supervisor above it) with an
  ``AccessRequest`` approved by the head of A, still valid, covering the recording (or
  the whole case) — downloads need a request that asked for download.

Every view, download and case-file export of a recording goes through ``record_access``
(``open_for_viewing`` = ``record_access`` + open the file), which writes an ``AccessLog`` row
and a ``records.accessed`` ledger leaf (outcome ``granted``) before a byte is served. A
refused attempt writes an ``AccessRefusal`` row and a ``records.accessed`` leaf with outcome
``refused`` (who, what, when, why) in its own transaction *before* ``PermissionDenied`` is
raised, so the failing request does not roll it back: never call ``record_access`` inside
an atomic block that the refusal would roll back.

Viewing is a *viewing session*: opening the player logs one ``AccessLog`` (action view);
the player then fetches the file by byte ranges through ``view_part``, which writes nothing
more. A view session never yields the file as one download: every response is at most
``RECORDS_VIEW_CHUNK_BYTES`` (a request without ``Range`` gets the first chunk), the session
ends after ``view_window(recording)`` and serves at most ``RECORDS_VIEW_BUDGET_FACTOR`` times
the file size in total. A copy of the file needs a download (a download approval).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger import personal
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event
from sanxiang.notifications import events as notify_events
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_agency_access, require_role, require_same_agency

from . import caseinfo, storage
from .models import (
    AccessAction,
    AccessLog,
    AccessRefusal,
    AccessRequest,
    Purge,
    Recording,
    RequestStatus,
)

DEFAULT_VALID_DAYS = 7
MAX_VALID_DAYS = 90

# Viewing sessions (see the module docstring).
MIN_VIEW_WINDOW = dt.timedelta(minutes=15)
MAX_VIEW_WINDOW = dt.timedelta(hours=4)
STREAM_BLOCK = 64 * 1024


def view_chunk_bytes() -> int:
    return max(64 * 1024, int(getattr(settings, "RECORDS_VIEW_CHUNK_BYTES", 2 * 1024**2)))


def view_budget_factor() -> float:
    return max(1.0, float(getattr(settings, "RECORDS_VIEW_BUDGET_FACTOR", 4)))


def approved_request(recording, user, action=AccessAction.VIEW, now=None):
    now = now or clock.now()
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


def _refuse(recording, user, action, purpose, reason) -> AccessRefusal:
    """Log and ledger a refused attempt in its own transaction (committed, or released to
    the caller's transaction, before the refusal is raised)."""
    with transaction.atomic():
        row = AccessRefusal.objects.create(
            agency_id=recording.agency_id,
            recording=recording,
            user=user,
            action=action,
            purpose=(purpose or "")[:255],
            reason=str(reason)[:255],
        )
        append_event(
            EventType.RECORDING_ACCESSED,
            f"recording:{recording.pk}",
            {
                "case": recording.case_id,
                "sha256": recording.sha256,
                "action": action,
                "purpose": personal.digest(row.purpose),  # free text (#11.4)
                "outcome": "refused",
                "reason": row.reason,
                "access_refusal": row.pk,
            },
            user,
        )
    return row


def record_access(recording, user, purpose, action=AccessAction.VIEW, via=None) -> AccessLog:
    """Check, log and ledger one view/download; returns the ``AccessLog`` (with the ledger
    leaf's index as ``entry.ledger_index``). A refusal is logged and ledgered, then raised.

    ``via`` names the path when it is not the recording's own page/API (``"case_export"``).
    """
    if action not in AccessAction.values:
        raise DomainError(_("调阅方式无效。"), code=ErrorCode.BAD_CHOICE)
    purpose = (purpose or "").strip()
    try:
        basis, request = access_basis(recording, user, action)
    except PermissionDenied as exc:
        _refuse(recording, user, action, purpose, exc.message)
        raise
    if not purpose:
        raise DomainError(_("请填写调阅事由。"), code=ErrorCode.REQUIRED)
    if Purge.objects.filter(recording=recording).exists():
        raise DomainError(_("该音像记录已到期清除，文件不再可用。"), code=ErrorCode.NOT_FOUND)
    if not storage.exists(recording.storage_key):
        raise DomainError(
            _("存储中找不到该文件，已通知管理员进行完整性检查。"), code=ErrorCode.NOT_FOUND
        )
    payload_extra = {"via": via} if via else {}
    with transaction.atomic():
        entry = AccessLog.objects.create(
            agency_id=recording.agency_id,
            recording=recording,
            user=user,
            action=action,
            purpose=purpose[:255],
            basis=basis,
            access_request=request,
        )
        leaf = append_event(
            EventType.RECORDING_ACCESSED,
            f"recording:{recording.pk}",
            {
                "case": recording.case_id,
                "sha256": recording.sha256,
                "action": action,
                "purpose": personal.digest(entry.purpose),  # free text (#11.4)
                "basis": basis,
                "access_request": request.pk if request else None,
                "access_log": entry.pk,
                "outcome": "granted",
                **payload_extra,
            },
            user,
        )
    entry.ledger_index = leaf.index
    return entry


def open_for_viewing(recording, user, purpose, action=AccessAction.VIEW):
    """``record_access`` and open the stored file; returns ``(file, AccessLog)``.

    The caller streams the returned file object (and closes it). For viewing in the
    browser use ``record_access`` + ``view_part`` (ranged, bounded) instead.
    """
    entry = record_access(recording, user, purpose, action)
    return storage.open_stored(recording.storage_key), entry


# --------------------------------------------------------------------------- viewing


def view_window(recording) -> dt.timedelta:
    """How long a viewing session lasts: the recording's duration + 15 minutes, between
    15 minutes and 4 hours."""
    duration = recording.recorded_end - recording.recorded_start
    return min(max(MIN_VIEW_WINDOW, duration + MIN_VIEW_WINDOW), MAX_VIEW_WINDOW)


class Unsatisfiable(Exception):
    """The Range header asks for bytes the file does not have (HTTP 416)."""


_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


def parse_range(header, size):
    """``(start, end)`` (inclusive) for a single ``bytes=`` range of a ``size``-byte file;
    ``None`` when there is no usable Range header (absent, another unit, malformed: RFC
    9110 says ignore it); raises ``Unsatisfiable`` for a range outside the file or a
    request for several ranges."""
    header = (header or "").strip()
    if not header or not header.lower().startswith("bytes"):
        return None
    if "," in header:
        raise Unsatisfiable
    m = _RANGE.match(header)
    if not m or (m.group(1) == "" and m.group(2) == ""):
        return None
    first, last = m.group(1), m.group(2)
    if first == "":  # suffix: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - n), size - 1
    start = int(first)
    if last != "" and int(last) < start:
        return None  # syntactically invalid: ignored
    if start >= size:
        raise Unsatisfiable
    end = int(last) if last != "" else size - 1
    return start, min(end, size - 1)


@dataclass(frozen=True)
class ViewPart:
    """One response of a viewing session: bytes ``start..end`` (inclusive) of the file, or
    nothing (``satisfiable`` False → HTTP 416 with ``Content-Range: bytes */size``)."""

    recording: Recording
    size: int
    start: int = 0
    end: int = -1

    @property
    def satisfiable(self) -> bool:
        return self.end >= self.start

    @property
    def length(self) -> int:
        return self.end - self.start + 1 if self.satisfiable else 0

    @property
    def content_range(self) -> str:
        if not self.satisfiable:
            return f"bytes */{self.size}"
        return f"bytes {self.start}-{self.end}/{self.size}"

    def chunks(self):
        """The bytes, read from storage in blocks (a ranged GET on S3: only this part is
        fetched); the file is closed when the generator is exhausted or closed (Django
        closes it with the response)."""
        yield from storage.iter_range(
            self.recording.storage_key, self.start, self.length, STREAM_BLOCK
        )


def view_part(log_id, user, range_header=None) -> ViewPart:
    """The part of the file to send for one request of the viewing session ``log_id``.

    Writes no log row (the session was logged when it was opened). Re-checks that the
    session is the user's and still open, that the user is still entitled (an approval
    that expired ends the session: refused without a new log row, the player's range
    requests are not new attempts) and that the file is still there.
    """
    try:
        entry = (
            AccessLog.objects.select_related("recording", "recording__case")
            .filter(pk=int(log_id), user_id=user.pk, action=AccessAction.VIEW)
            .first()
        )
    except (TypeError, ValueError):
        entry = None
    if entry is None:
        raise DomainError(_("查看链接无效。"), code=ErrorCode.NOT_FOUND)
    rec = entry.recording
    window = view_window(rec)
    if clock.now() > entry.at + window:
        raise DomainError(
            _("本次查看已结束，请返回重新打开查看（将另行记入调阅日志）。"),
            code=ErrorCode.NOT_FOUND,
        )
    access_basis(rec, user, AccessAction.VIEW)
    if Purge.objects.filter(recording=rec).exists() or not storage.exists(rec.storage_key):
        raise DomainError(_("该音像记录的文件不再可用。"), code=ErrorCode.NOT_FOUND)
    size = rec.size
    try:
        wanted = parse_range(range_header, size)
    except Unsatisfiable:
        return ViewPart(rec, size)
    start, end = wanted if wanted is not None else (0, size - 1)
    part = ViewPart(rec, size, start, min(end, start + view_chunk_bytes() - 1))
    _charge(entry, user, part, window)
    return part


def _charge(entry, user, part, window):
    """Count the bytes a session serves; refuse beyond the session's budget (logged once)."""
    rec = entry.recording
    budget = int(view_budget_factor() * rec.size) + view_chunk_bytes()
    key = f"records:view-bytes:{entry.pk}:{entry.at.timestamp()}"
    cache.add(key, 0, timeout=int(window.total_seconds()) + 60)
    try:
        total = cache.incr(key, part.length)
    except ValueError:  # evicted meanwhile
        cache.set(key, part.length, timeout=int(window.total_seconds()) + 60)
        total = part.length
    if total > budget:
        message = _("本次查看的数据量已达上限，请返回重新打开查看（将另行记入调阅日志）。")
        if total - part.length <= budget:  # the request that crossed the budget
            _refuse(rec, user, AccessAction.VIEW, entry.purpose, message)
        raise PermissionDenied(message)


# --------------------------------------------------------------------------- requests


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
        raise DomainError(_("请填写调阅事由。"), code=ErrorCode.REQUIRED)
    if recording is not None and recording.case_id != case.pk:
        raise DomainError(_("所选音像记录不属于该案件。"), code=ErrorCode.NOT_IN_SCOPE)
    req = AccessRequest.objects.create(
        agency_id=case.agency_id,
        case=case,
        recording=recording,
        requester=user,
        reason=reason[:2000],
        allow_download=bool(allow_download),
    )
    append_event(
        EventType.RECORDING_ACCESS_REQUESTED,
        f"case:{case.pk}",
        {
            "access_request": req.pk,
            "recording": recording.pk if recording else None,
            "reason": personal.digest(req.reason),  # free text (#11.4)
            "download": req.allow_download,
        },
        user,
    )
    notify_events.access_requested(req, user)
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
        raise DomainError(_("驳回申请须填写理由。"), code=ErrorCode.REASON_REQUIRED)
    now = clock.now()
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
            raise DomainError(
                _("有效期应为 1 至 %(n)d 天。") % {"n": MAX_VALID_DAYS}, code=ErrorCode.OUT_OF_RANGE
            )
        req.valid_until = now + dt.timedelta(days=days)
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "valid_until"])
    append_event(
        EventType.RECORDING_ACCESS_DECIDED,
        f"case:{req.case_id}",
        {
            "access_request": req.pk,
            "approved": bool(approve),
            "note": personal.digest(req.decision_note),  # free text (#11.4)
            "valid_until": req.valid_until.isoformat() if req.valid_until else None,
        },
        head,
    )
    notify_events.access_decided(req, head)
    return req


def visible_recordings(user):
    from sanxiang.org.scoping import scope

    return scope(Recording.objects.all(), user).select_related("case", "collector", "agency")


def visible_requests(user):
    from sanxiang.org.scoping import scope

    return scope(AccessRequest.objects.all(), user).select_related(
        "case", "recording", "requester", "decided_by"
    )
