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
* Integrity (tus checksum extension): a PATCH may carry ``Upload-Checksum: sha256 <b64>``;
  a chunk whose digest differs (or that arrives incomplete) is cut off the file again and
  refused (``ChecksumMismatch``, HTTP 460) with the offset unchanged. A whole-file SHA-256
  declared at creation (``Upload-Metadata`` key ``sha256``) must equal the server's hash at
  the last byte, or the session fails and no ``Recording`` is created.
* Durability: the file is ``fsync``ed before every offset is stored (at the end of a PATCH
  and every ``RECORDS_UPLOAD_CHECKPOINT_MB`` during a long unverified PATCH). After a crash
  (``kill -9`` between writing and storing the offset) ``reconcile`` adopts the bytes on
  disk as the offset (they were written in order from one request), unless that PATCH was
  a checksummed one (``unverified_tail``): then the tail is cut back to the stored offset.
  The running hasher is never trusted across this: it is cached with the offset it
  covers and rebuilt from the bytes on disk for any other offset.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import logging
import os
import queue
import re
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
CHECKSUM_ALGORITHMS = ("sha256",)
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class ChecksumMismatch(DomainError):
    """tus checksum extension: the chunk did not match ``Upload-Checksum`` (HTTP 460).
    The chunk's bytes have been discarded; the offset is unchanged."""

    def __init__(self, message):
        super().__init__(message, code=ErrorCode.CHECKSUM_MISMATCH)


def checkpoint_bytes() -> int:
    """During a long PATCH without a checksum the offset is stored (after fsync) every so
    many bytes, so a killed process loses at most this much; 0 turns it off."""
    return int(float(getattr(settings, "RECORDS_UPLOAD_CHECKPOINT_MB", 64)) * 1024**2)


def parse_checksum(header) -> bytes | None:
    """``Upload-Checksum: sha256 <base64 digest>`` → the 32-byte digest (None when absent).

    An unsupported algorithm or a malformed value is refused (400) before a byte is read.
    """
    if header is None:
        return None
    algorithm, _sep, value = str(header).strip().partition(" ")
    if algorithm.lower() not in CHECKSUM_ALGORITHMS:
        raise DomainError(
            _("不支持的校验算法“%(a)s”：Upload-Checksum 只支持 sha256。") % {"a": algorithm[:20]},
            code=ErrorCode.UPLOAD_INVALID,
        )
    try:
        digest = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != hashlib.sha256().digest_size:
        raise DomainError(
            _("Upload-Checksum 格式不正确：应为“sha256 <数据块 SHA-256 摘要的 Base64 编码>”。"),
            code=ErrorCode.UPLOAD_INVALID,
        )
    return digest


def clean_declared_sha256(labels: dict) -> str:
    """The whole-file SHA-256 the client declared (``Upload-Metadata`` key ``sha256``)."""
    if "sha256" not in labels:
        return ""
    value = str(labels.get("sha256") or "").strip().lower()
    if not _SHA256_HEX.fullmatch(value):
        raise DomainError(
            _("Upload-Metadata 中的 sha256 格式不正确：应为 64 位十六进制的 SHA-256 值。"),
            code=ErrorCode.UPLOAD_INVALID,
        )
    return value


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
    # Not cached here (restart / other worker) or stale: re-hash the prefix on disk. A
    # hasher cached at a smaller offset is extended: bytes below a stored offset never
    # change (a reconciliation only cuts beyond it, or below it after a host crash, which
    # also empties this cache).
    if cached and cached[0] < offset:
        start, h = cached
    else:
        start, h = 0, hashlib.sha256()
    if offset > start:
        with open(path, "rb") as fh:
            fh.seek(start)
            remaining = offset - start
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
        raise DomainError(_("缺少文件大小（Upload-Length）。"), code=ErrorCode.UPLOAD_INVALID)
    if length <= 0:
        raise DomainError(_("文件为空，不能上传。"), code=ErrorCode.BAD_FILE)
    if length > max_upload_bytes():
        raise DomainError(
            _("文件过大：单个文件不能超过 %(n)d GB。") % {"n": max_upload_bytes() // 1024**3},
            code=ErrorCode.BAD_FILE,
        )
    declared = clean_declared_sha256(labels)
    if labels.get("device_id"):  # field mode: a revoked (lost) phone uploads nothing
        from sanxiang.field.services import require_device

        require_device(user, labels["device_id"])
    cleaned = clean_labels(case, labels)
    session = UploadSession.objects.create(
        agency_id=case.agency_id,
        case=case,
        created_by=user,
        length=length,
        labels=cleaned,
        declared_sha256=declared,
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
    fh = _open_locked(path)
    if fh is None:
        raise DomainError(_("该文件正在另一个连接中上传，请稍后重试。"), code=ErrorCode.CONFLICT)
    with fh:
        yield fh


def _open_locked(path: Path):
    """The temp file opened and ``flock``ed (non-blocking); None when another PATCH holds
    it. The lock dies with its process, so a ``kill -9`` never leaves it held."""
    try:
        fh = open(path, "r+b")
    except FileNotFoundError:
        raise DomainError(_("上传的临时文件不存在，请重新上传。"), code=ErrorCode.NOT_FOUND)
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return None
    return fh


def _reconcile(session: UploadSession, fh) -> None:
    """Make the stored offset equal the bytes durably on disk (caller holds the lock).

    A process killed mid-PATCH leaves bytes beyond the stored offset. They came in order
    from one request, so they are adopted (fsync first, then the offset); the hasher is
    rebuilt from disk for the new offset by ``_take_hasher``. Bytes of a PATCH that carried
    ``Upload-Checksum`` were never verified and are cut off instead. A file shorter than
    the offset (host crash losing unsynced pages) moves the offset back.
    """
    end = os.fstat(fh.fileno()).st_size
    if end == session.offset and not session.unverified_tail:
        return
    if session.unverified_tail or end > session.length:
        target = min(session.offset, end)
    else:
        target = end
    if end > target:
        fh.truncate(target)
    os.fsync(fh.fileno())
    log.warning(
        "upload %s: reconciled offset %d -> %d (%d bytes on disk%s)",
        session.pk,
        session.offset,
        target,
        end,
        ", unverified chunk discarded" if session.unverified_tail else "",
    )
    UploadSession.objects.filter(pk=session.pk).update(
        offset=target, unverified_tail=False, updated_at=clock.now()
    )
    session.offset = target
    session.unverified_tail = False


def reconcile(session: UploadSession) -> UploadSession:
    """tus HEAD: the offset, reconciled with the bytes on disk after a crash. While a PATCH
    holds the upload the stored offset is returned as it is (that PATCH owns the tail)."""
    if session.status != UploadStatus.ACTIVE:
        return session
    try:
        fh = _open_locked(temp_path(session.pk))
    except DomainError:
        return session
    if fh is None:
        return session
    with fh:
        session.refresh_from_db()
        if session.status == UploadStatus.ACTIVE:
            _reconcile(session, fh)
    return session


def _save_offset(session: UploadSession, fh, new_offset: int, hasher) -> None:
    """fsync, then store the offset: the stored offset never exceeds the durable bytes."""
    fh.flush()
    os.fsync(fh.fileno())
    UploadSession.objects.filter(pk=session.pk).update(
        offset=new_offset, unverified_tail=False, updated_at=clock.now()
    )
    session.offset = new_offset
    session.unverified_tail = False
    if hasher is not None:
        _keep_hasher(str(session.pk), new_offset, hasher)
    else:
        _drop_hasher(str(session.pk))


def append_chunk(
    session: UploadSession, user, offset, stream, content_length, checksum: bytes | None = None
) -> UploadSession:
    """tus PATCH: append ``content_length`` bytes read from ``stream`` at ``offset``.

    Returns the session (``offset`` updated; ``recording`` set when the upload completed).
    Without ``checksum`` a short read (broken connection) keeps what arrived; the client
    resumes from HEAD. With ``checksum`` (32-byte SHA-256 of the chunk, from
    ``parse_checksum``) the chunk is kept only if complete and matching, otherwise it is
    cut off again and ``ChecksumMismatch`` is raised.
    """
    _require_active(session)
    try:
        offset = int(offset)
        content_length = int(content_length)
    except (TypeError, ValueError):
        raise DomainError(
            _("缺少上传偏移量（Upload-Offset）或内容长度。"), code=ErrorCode.UPLOAD_INVALID
        )
    if content_length < 0 or offset + content_length > session.length:
        raise DomainError(_("上传的数据超过了声明的文件大小。"), code=ErrorCode.UPLOAD_INVALID)
    path = temp_path(session.pk)
    with _locked(path) as fh:
        session.refresh_from_db()
        _require_active(session)
        _reconcile(session, fh)
        if offset != session.offset:
            raise DomainError(
                _("上传偏移量不一致：服务器已接收 %(have)d 字节。") % {"have": session.offset},
                code=ErrorCode.CONFLICT,
                details=[{"upload_offset": session.offset}],
            )
        hasher = _take_hasher(str(session.pk), session.offset, path)
        fh.seek(session.offset)
        fh.truncate()
        if checksum is None:
            _append_unverified(session, fh, hasher, stream, content_length)
        else:
            _append_verified(session, fh, hasher, stream, content_length, checksum)
    if session.offset == session.length:
        return finalise(session)
    return session


def _append_unverified(session, fh, hasher, stream, content_length) -> None:
    base = session.offset

    def durable(n):  # checkpoint during a long PATCH: bytes up to base + n are fsynced
        UploadSession.objects.filter(pk=session.pk).update(offset=base + n, updated_at=clock.now())

    written = 0
    try:
        written = _pump(stream, content_length, fh, (hasher,), durable, checkpoint_bytes())
    except Exception:
        log.info("upload %s: connection broken mid-chunk", session.pk)
        written = _settle(fh, base)
        hasher = None
        raise
    finally:
        _save_offset(session, fh, base + written, hasher)


def _append_verified(session, fh, hasher, stream, content_length, checksum) -> None:
    base = session.offset
    before = hasher.copy()
    chunk = hashlib.sha256()
    # Mark the tail unverified first: after a crash mid-chunk it is cut off, not adopted.
    UploadSession.objects.filter(pk=session.pk).update(unverified_tail=True)
    session.unverified_tail = True
    written = 0
    ok = False
    try:
        written = _pump(stream, content_length, fh, (hasher, chunk))
        ok = written == content_length and hmac.compare_digest(chunk.digest(), checksum)
    finally:
        if ok:
            _save_offset(session, fh, base + written, hasher)
        else:
            fh.flush()
            fh.truncate(base)  # nothing of the refused chunk stays on disk
            _save_offset(session, fh, base, before)
    if written != content_length:
        log.info("upload %s: incomplete checksummed chunk discarded", session.pk)
        raise ChecksumMismatch(
            _(
                "数据块未完整到达（%(got)d / %(want)d 字节），无法按 Upload-Checksum 校验，"
                "已丢弃本块。请从偏移量 %(offset)d 重新发送。"
            )
            % {"got": written, "want": content_length, "offset": base}
        )
    if not ok:
        log.warning("upload %s: chunk at %d failed its Upload-Checksum", session.pk, base)
        raise ChecksumMismatch(
            _(
                "数据块校验失败：收到的数据与 Upload-Checksum 声明的 SHA-256 不一致，"
                "本块已丢弃。请从偏移量 %(offset)d 重新发送。"
            )
            % {"offset": base}
        )


def _pump(stream, content_length, fh, hashers, on_durable=None, every=0) -> int:
    """Copy up to ``content_length`` bytes from ``stream`` to ``fh`` while hashing them.

    Reading the socket and writing+hashing the file overlap: a worker thread writes and
    hashes block i while this thread receives block i+1 (file I/O, socket I/O and
    hashlib on large buffers all release the GIL). ``BUFFERS`` blocks of ``BLOCK`` bytes
    bound the memory used per upload. Returns the bytes copied (short on a broken
    connection); re-raises the first error of either side.

    With ``on_durable`` and ``every`` > 0: each time ``every`` more bytes were received,
    wait until the writer has caught up, flush + fsync, then ``on_durable(bytes so far)``
    (in this thread, which owns the database connection).
    """
    free: queue.Queue = queue.Queue()
    work: queue.Queue = queue.Queue()
    for _i in range(BUFFERS):
        free.put(bytearray(BLOCK))
    errors = []
    handled = [0]
    caught_up = threading.Condition()

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
                    for hasher in hashers:
                        hasher.update(view)
                except BaseException as exc:  # reported to the reader below
                    errors.append(exc)
            free.put(buf)
            with caught_up:
                handled[0] += n
                caught_up.notify_all()

    thread = threading.Thread(target=writer, name="records-upload-writer", daemon=True)
    thread.start()
    received = 0
    saved = 0
    readinto = getattr(stream, "readinto", None)
    try:
        while received < content_length and not errors:
            if on_durable is not None and every > 0 and received - saved >= every:
                with caught_up:
                    caught_up.wait_for(lambda target=received: handled[0] >= target)
                if errors:
                    break
                fh.flush()
                os.fsync(fh.fileno())
                on_durable(received)
                saved = received
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
            _("无法识别的文件内容：只接受照片、录音、录像和 PDF 文件，文件可能已损坏。"),
            code=ErrorCode.BAD_FILE,
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
            },
            code=ErrorCode.BAD_FILE,
        )
    if ext not in found.extensions:
        raise DomainError(
            _("文件内容是 %(mime)s，与扩展名“.%(ext)s”不符。") % {"mime": found.mime, "ext": ext},
            code=ErrorCode.BAD_FILE,
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
            raise DomainError(_("接收的数据不完整，请重新上传。"), code=ErrorCode.UPLOAD_INVALID)
        if session.declared_sha256 and not hmac.compare_digest(sha, session.declared_sha256):
            log.warning(
                "upload %s refused: declared sha256 %s, received %s",
                sid,
                session.declared_sha256,
                sha,
            )
            raise DomainError(
                _(
                    "文件完整性校验失败：上传前申报的 SHA-256 为 %(declared)s，"
                    "服务器收到的数据为 %(actual)s，两者不一致，文件未入库。请重新上传。"
                )
                % {"declared": session.declared_sha256, "actual": sha},
                code=ErrorCode.CHECKSUM_MISMATCH,
            )
        labels = session.labels
        found = _check_type(path, labels)
        case = session.case
        start = dt.datetime.fromisoformat(labels["recorded_start"])
        captured = (
            dt.datetime.fromisoformat(labels["captured_at"]) if labels.get("captured_at") else None
        )
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
                    upload_due=_upload_due(timezone.localtime(captured or start).date()),
                    uploaded_by=session.created_by,
                    captured_at=captured,
                    device_id=labels.get("device_id") or "",
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
                        "labels": leaf_labels(labels),
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


# Free text typed by the uploader (it may name a witness, a party, a home): the ingest
# leaf commits to it by keyed hash (#11.4); times, kinds, ids and hashes stay readable.
LEAF_DIGESTED_LABELS = ("place", "proves", "filename")


def leaf_labels(labels: dict) -> dict:
    """The labels as the ``records.ingested`` leaf holds them: ``place``, ``proves``, the
    file name and each interruption's reason as ``ledger.personal.digest`` (compared with
    the row by ``ledger.reconcile`` through ``personal.matches``), the rest as typed."""
    from sanxiang.ledger import personal

    out = personal.digest_fields(
        {k: v for k, v in labels.items() if k != "case"}, LEAF_DIGESTED_LABELS
    )
    if out.get("interruptions"):
        out["interruptions"] = [
            personal.digest_fields(item, ("reason",)) if isinstance(item, dict) else item
            for item in out["interruptions"]
        ]
    return out


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
