"""Resumable, streamed ingest (the core of tus 1.0: creation, HEAD offset, PATCH append,
termination).

* Bytes go straight from the request stream to ``VAR_DIR/uploads/<id>`` in blocks of
  ``BLOCK`` bytes: a multi-GB upload never sits in memory and ``request.body`` is never
  touched (so ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not apply).
* SHA-256 is computed while streaming. ``hashlib`` objects cannot be persisted, so the
  running hasher is cached in this process keyed by upload id and the offset it covers;
  when a PATCH arrives at a process that does not hold it (restart, another worker) the
  prefix already on disk is re-hashed once, then streaming continues.
* A broken connection keeps the bytes received so far: the upload stays resumable (HEAD
  returns the offset) and is never registered until the last byte arrived.
* At the last byte ``finalise`` sniffs the content type from magic bytes, refuses a
  mismatch with the declared kind/extension, moves the file into content-addressed storage
  and creates the ``Recording`` and its ledger event in one transaction. Any failure there
  leaves nothing behind: no row, no stored object (unless identical content was already
  stored), no temp file.
* A per-upload ``flock`` refuses two concurrent PATCHes of the same upload (409).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import logging
import os
import queue
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_agency_access, require_role

from . import caseinfo, storage
from .labels import clean_labels
from .models import Recording, UploadSession, UploadStatus
from .sniff import HEAD_BYTES, MediaKind, extension_of, sniff

log = logging.getLogger(__name__)

BLOCK = 4 * 1024 * 1024
BUFFERS = 4
UPLOAD_ROLES = (Role.HANDLER, Role.HEAD)


def max_upload_bytes() -> int:
    return int(getattr(settings, "RECORDS_MAX_UPLOAD_BYTES", 64 * 1024**3))


def abandon_after() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "RECORDS_UPLOAD_EXPIRY_HOURS", 24)))


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def temp_path(session_id) -> Path:
    return upload_dir() / str(uuid.UUID(str(session_id)))


# --- in-process hasher cache -------------------------------------------------------------

_hashers: dict[str, tuple[int, object]] = {}
_hashers_lock = threading.Lock()


def _take_hasher(session_id: str, offset: int, path: Path):
    with _hashers_lock:
        cached = _hashers.pop(session_id, None)
    if cached and cached[0] == offset:
        return cached[1]
    # Not cached here (restart / other worker) or stale: re-hash the prefix on disk.
    h = hashlib.sha256()
    if offset:
        with open(path, "rb") as fh:
            remaining = offset
            while remaining:
                block = fh.read(min(BLOCK, remaining))
                if not block:
                    raise DomainError(
                        _("上传的临时文件已损坏，请重新上传。"), code=ErrorCode.CONFLICT
                    )
                h.update(block)
                remaining -= len(block)
    return h


def _keep_hasher(session_id: str, offset: int, hasher) -> None:
    with _hashers_lock:
        _hashers[session_id] = (offset, hasher)


def _drop_hasher(session_id: str) -> None:
    with _hashers_lock:
        _hashers.pop(session_id, None)


# --- services ----------------------------------------------------------------------------


def _require_uploader(user, case):
    require_role(user, *UPLOAD_ROLES, message=_("只有承办人或机关负责人可以上传音像记录。"))
    if user.agency_id != case.agency_id and not (user.is_superuser and user.agency_id is None):
        raise PermissionDenied(_("只能为本机关的案件上传音像记录。"))
    if user.role == Role.HANDLER and not caseinfo.is_handler(case, user):
        raise PermissionDenied(_("只有本案承办人可以上传本案的音像记录。"))
    if getattr(case, "stage", "") == "archived":
        raise DomainError(
            _("案件已归档，案卷已封存，不能再上传音像记录。"), code=ErrorCode.ILLEGAL_TRANSITION
        )


def create_upload(user, case, length, labels: dict) -> UploadSession:
    """tus creation: validates the labels before any byte is sent."""
    _require_uploader(user, case)
    try:
        length = int(length)
    except (TypeError, ValueError):
        raise DomainError(_("缺少文件大小（Upload-Length）。"))
    if length <= 0:
        raise DomainError(_("文件为空，不能上传。"))
    if length > max_upload_bytes():
        raise DomainError(
            _("文件过大：单个文件不能超过 %(n)d GB。") % {"n": max_upload_bytes() // 1024**3}
        )
    cleaned = clean_labels(case, labels)
    session = UploadSession.objects.create(
        agency_id=case.agency_id, case=case, created_by=user, length=length, labels=cleaned
    )
    fd = os.open(temp_path(session.pk), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    return session


def get_upload(session_id, user) -> UploadSession:
    try:
        session = UploadSession.objects.select_related("case").get(pk=uuid.UUID(str(session_id)))
    except (ValueError, UploadSession.DoesNotExist):
        raise DomainError(_("上传任务不存在或已被清理。"), code=ErrorCode.NOT_FOUND)
    require_agency_access(user, session.agency_id)
    if session.created_by_id != user.pk:
        raise PermissionDenied(_("只能续传自己发起的上传。"))
    return session


def _require_active(session):
    if session.status == UploadStatus.COMPLETED:
        raise DomainError(_("该文件已上传完成。"), code=ErrorCode.CONFLICT)
    if session.status != UploadStatus.ACTIVE:
        raise DomainError(
            _("上传任务已失效（%(s)s），请重新上传。") % {"s": session.get_status_display()},
            code=ErrorCode.NOT_FOUND,
        )


@contextlib.contextmanager
def _locked(path: Path):
    try:
        fh = open(path, "r+b")
    except FileNotFoundError:
        raise DomainError(_("上传的临时文件不存在，请重新上传。"), code=ErrorCode.NOT_FOUND)
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DomainError(
                _("该文件正在另一个连接中上传，请稍后重试。"), code=ErrorCode.CONFLICT
            )
        yield fh
    finally:
        fh.close()


def append_chunk(session: UploadSession, user, offset, stream, content_length) -> UploadSession:
    """tus PATCH: append ``content_length`` bytes read from ``stream`` at ``offset``.

    Returns the session (``offset`` updated; ``recording`` set when the upload completed).
    A short read (broken connection) keeps what arrived; the client resumes from HEAD.
    """
    _require_active(session)
    try:
        offset = int(offset)
        content_length = int(content_length)
    except (TypeError, ValueError):
        raise DomainError(_("缺少上传偏移量（Upload-Offset）或内容长度。"))
    if content_length < 0 or offset + content_length > session.length:
        raise DomainError(_("上传的数据超过了声明的文件大小。"))
    path = temp_path(session.pk)
    sid = str(session.pk)
    with _locked(path) as fh:
        session.refresh_from_db()
        _require_active(session)
        if offset != session.offset:
            raise DomainError(
                _("上传偏移量不一致：服务器已接收 %(have)d 字节。") % {"have": session.offset},
                code=ErrorCode.CONFLICT,
                details=[{"upload_offset": session.offset}],
            )
        hasher = _take_hasher(sid, session.offset, path)
        fh.seek(session.offset)
        fh.truncate()
        written = 0
        try:
            written = _pump(stream, content_length, fh, hasher)
        except Exception:
            log.info("upload %s: connection broken mid-chunk", sid)
            written = _settle(fh, session.offset)
            hasher = None
            raise
        finally:
            fh.flush()
            new_offset = session.offset + written
            UploadSession.objects.filter(pk=session.pk).update(
                offset=new_offset, updated_at=clock.now()
            )
            session.offset = new_offset
            if hasher is not None:
                _keep_hasher(sid, new_offset, hasher)
            else:
                _drop_hasher(sid)
    if session.offset == session.length:
        return finalise(session)
    return session


def _pump(stream, content_length, fh, hasher) -> int:
    """Copy up to ``content_length`` bytes from ``stream`` to ``fh`` while hashing them.

    Reading the socket and writing+hashing the file overlap: a worker thread writes and
    hashes block i while this thread receives block i+1 (file I/O, socket I/O and
    hashlib on large buffers all release the GIL). ``BUFFERS`` blocks of ``BLOCK`` bytes
    bound the memory used per upload. Returns the bytes copied (short on a broken
    connection); re-raises the first error of either side.
    """
    free: queue.Queue = queue.Queue()
    work: queue.Queue = queue.Queue()
    for _i in range(BUFFERS):
        free.put(bytearray(BLOCK))
    errors = []

    def writer():
        while True:
            item = work.get()
            if item is None:
                return
            buf, n = item
            if not errors:
                try:
                    view = memoryview(buf)[:n]
                    fh.write(view)
                    hasher.update(view)
                except BaseException as exc:  # reported to the reader below
                    errors.append(exc)
            free.put(buf)

    thread = threading.Thread(target=writer, name="records-upload-writer", daemon=True)
    thread.start()
    received = 0
    readinto = getattr(stream, "readinto", None)
    try:
        while received < content_length and not errors:
            buf = free.get()
            want = min(BLOCK, content_length - received)
            if readinto is not None:
                n = readinto(memoryview(buf)[:want])
            else:
                data = stream.read(want)
                n = len(data)
                buf[:n] = data
            if not n:
                free.put(buf)
                break
            work.put((buf, n))
            received += n
    finally:
        work.put(None)
        thread.join()
    if errors:
        raise errors[0]
    return received


def _settle(fh, base_offset) -> int:
    """After an error mid-chunk: count what really reached the file."""
    fh.flush()
    end = fh.seek(0, os.SEEK_END)
    return max(0, end - base_offset)


def abort_upload(session: UploadSession) -> None:
    """tus termination: the client gives up; nothing is kept."""
    _require_active(session)
    _discard(session, UploadStatus.ABANDONED, _("上传人取消"))


def _discard(session, status, error=""):
    _drop_hasher(str(session.pk))
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp_path(session.pk))
    UploadSession.objects.filter(pk=session.pk).update(
        status=status, error=str(error)[:255], updated_at=clock.now()
    )
    session.status = status
    session.error = str(error)[:255]


def _check_type(path: Path, labels: dict):
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    found = sniff(head)
    if found is None:
        raise DomainError(
            _("无法识别的文件内容：只接受照片、录音、录像和 PDF 文件，文件可能已损坏。")
        )
    declared_kind = labels.get("kind")
    ext = extension_of(labels.get("filename", ""))
    if found.kind != declared_kind:
        raise DomainError(
            _("文件内容是%(found)s（%(mime)s），与申报的类别“%(declared)s”不符。")
            % {
                "found": MediaKind(found.kind).label,
                "mime": found.mime,
                "declared": MediaKind(declared_kind).label
                if declared_kind in MediaKind.values
                else declared_kind,
            }
        )
    if ext not in found.extensions:
        raise DomainError(
            _("文件内容是 %(mime)s，与扩展名“.%(ext)s”不符。") % {"mime": found.mime, "ext": ext}
        )
    return found


def _upload_due(activity_date):
    try:
        from sanxiang.workdays.calendar import add_workdays

        return add_workdays(activity_date, 2)
    except (ImportError, AttributeError, DomainError):
        return None


def finalise(session: UploadSession) -> UploadSession:
    """All bytes arrived: type check, store content-addressed, register + ledger."""
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.services import append

    sid = str(session.pk)
    path = temp_path(session.pk)
    with _hashers_lock:
        cached = _hashers.pop(sid, None)
    try:
        if cached and cached[0] == session.length:
            sha = cached[1].hexdigest()
        else:
            sha = _take_hasher(sid, session.length, path).hexdigest()
        if os.path.getsize(path) != session.length:
            raise DomainError(_("接收的数据不完整，请重新上传。"))
        labels = session.labels
        found = _check_type(path, labels)
        case = session.case
        start = dt.datetime.fromisoformat(labels["recorded_start"])
        key = storage.key_for(sha)
        existed_before = storage.exists(key)
        try:
            with transaction.atomic():
                rec = Recording.objects.create(
                    agency_id=session.agency_id,
                    case=case,
                    case_number=labels.get("case_number") or caseinfo.case_number(case),
                    activity=labels["activity"],
                    recorded_start=start,
                    recorded_end=dt.datetime.fromisoformat(labels["recorded_end"]),
                    place=labels["place"],
                    collector_id=labels["collector"],
                    proves=labels["proves"],
                    interruptions=labels.get("interruptions") or [],
                    is_evidence=bool(labels.get("is_evidence")),
                    kind=found.kind,
                    content_type=found.mime,
                    original_name=labels["filename"],
                    size=session.length,
                    sha256=sha,
                    storage_key=key,
                    upload_due=_upload_due(timezone.localtime(start).date()),
                    uploaded_by=session.created_by,
                )
                append(
                    EventType.RECORDING_INGESTED,
                    f"recording:{rec.pk}",
                    {
                        "case": case.pk,
                        "case_number": rec.case_number,
                        "sha256": sha,
                        "size": rec.size,
                        "content_type": rec.content_type,
                        "storage_key": key,
                        "labels": {k: v for k, v in labels.items() if k not in ("case",)},
                    },
                    session.created_by,
                )
                storage.put(str(path), sha)
                UploadSession.objects.filter(pk=session.pk).update(
                    status=UploadStatus.COMPLETED, recording=rec, updated_at=clock.now()
                )
        except BaseException:
            # Roll back the stored object too, unless identical content was there before.
            if not existed_before and storage.exists(key):
                storage._remove(key)
            raise
    except DomainError as exc:
        _discard(session, UploadStatus.FAILED, exc.message)
        raise
    except BaseException as exc:
        log.exception("upload %s: finalisation failed", sid)
        _discard(session, UploadStatus.FAILED, repr(exc))
        raise
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # left behind only when the content was deduplicated
    session.status = UploadStatus.COMPLETED
    session.recording = rec
    return session


def cleanup_abandoned(now=None) -> int:
    """Drop uploads idle longer than ``RECORDS_UPLOAD_EXPIRY_HOURS`` (and orphan temp files)."""
    now = now or clock.now()
    cutoff = now - abandon_after()
    count = 0
    for session in UploadSession.objects.filter(status=UploadStatus.ACTIVE, updated_at__lt=cutoff):
        _discard(session, UploadStatus.ABANDONED, _("超时未完成，已清理"))
        count += 1
    known = {
        str(pk)
        for pk in UploadSession.objects.filter(status=UploadStatus.ACTIVE).values_list(
            "pk", flat=True
        )
    }
    for entry in upload_dir().iterdir():
        if entry.name in known or not entry.is_file():
            continue
        mtime = dt.datetime.fromtimestamp(entry.stat().st_mtime, tz=dt.UTC)
        if mtime < cutoff:
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                count += 1
    return count
