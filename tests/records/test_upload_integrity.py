"""Resumable upload integrity (issue #12 item 10): tus checksum extension per chunk, a
client-declared whole-file SHA-256, and an offset that matches the durable bytes after a
crash (``kill -9`` mid-PATCH)."""

import base64
import hashlib
import io
import os
import signal
import subprocess
import sys

import pytest

from sanxiang.core.errors import DomainError
from sanxiang.records import uploads
from sanxiang.records.models import Recording, UploadSession, UploadStatus

from .conftest import labels, mp4_bytes
from .test_web import tus_create

pytestmark = pytest.mark.django_db

CONTENT = mp4_bytes(20000)
SHA = hashlib.sha256(CONTENT).hexdigest()


def b64sum(data: bytes) -> str:
    return "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode()


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


@pytest.fixture
def start(case_a, handler_a, officer_a1):
    def make(**over):
        lab = labels(case_a, officer_a1, filename="a.mp4", kind="video", **over)
        return uploads.create_upload(handler_a, case_a, len(CONTENT), lab)

    return make


def patch(api, url, offset, data, **extra):
    return api.generic(
        "PATCH",
        url,
        data,
        content_type="application/offset+octet-stream",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_OFFSET=str(offset),
        **extra,
    )


def disk_size(session) -> int:
    return os.path.getsize(uploads.temp_path(session.pk))


def stored_offset(session) -> int:
    return UploadSession.objects.get(pk=session.pk).offset


# --- 1. tus checksum extension ------------------------------------------------------------


def test_wrong_chunk_checksum_discards_the_chunk(start, handler_a):
    session = start()
    part = CONTENT[:7000]
    session = uploads.append_chunk(session, handler_a, 0, io.BytesIO(part), 7000, digest(part))
    assert stored_offset(session) == 7000
    rest = CONTENT[7000:]
    with pytest.raises(uploads.ChecksumMismatch) as err:
        uploads.append_chunk(session, handler_a, 7000, io.BytesIO(rest), len(rest), digest(b"x"))
    assert "校验失败" in err.value.message
    assert stored_offset(session) == 7000
    assert disk_size(session) == 7000  # nothing of the refused chunk stays on disk
    assert not UploadSession.objects.get(pk=session.pk).unverified_tail
    session = uploads.get_upload(session.pk, handler_a)
    session = uploads.append_chunk(
        session, handler_a, 7000, io.BytesIO(rest), len(rest), digest(rest)
    )
    assert session.recording.sha256 == SHA


def test_incomplete_checksummed_chunk_is_discarded(start, handler_a):
    session = start()
    rest = CONTENT[:9000]
    # announced 9000 bytes, the connection delivered 4000: unverifiable, so nothing is kept
    with pytest.raises(uploads.ChecksumMismatch) as err:
        uploads.append_chunk(session, handler_a, 0, io.BytesIO(rest[:4000]), 9000, digest(rest))
    assert "未完整到达" in err.value.message
    assert stored_offset(session) == 0 and disk_size(session) == 0


@pytest.mark.parametrize(
    "header",
    [
        "md5 " + base64.b64encode(hashlib.md5(b"x").digest()).decode(),
        "sha256 !!!",
        "sha256 ",
        "sha256 " + base64.b64encode(b"short").decode(),
    ],
)
def test_bad_checksum_header_refused(header):
    with pytest.raises(DomainError):
        uploads.parse_checksum(header)


def test_checksum_header_parsed():
    assert uploads.parse_checksum(None) is None
    assert uploads.parse_checksum(b64sum(b"abc")) == digest(b"abc")
    assert uploads.parse_checksum(b64sum(b"abc").replace("sha256", "SHA256")) == digest(b"abc")


def test_api_checksum_extension(case_a, handler_a, officer_a1, api_for):
    api = api_for(handler_a)
    opts = api.options("/api/records/uploads/", HTTP_TUS_RESUMABLE="1.0.0")
    assert opts["Tus-Checksum-Algorithm"] == "sha256"
    assert "checksum" in opts["Tus-Extension"].split(",")
    resp = tus_create(api, case_a, officer_a1, len(CONTENT), filename="v.mp4", kind="video")
    url = resp["Location"]
    session = UploadSession.objects.get(pk=resp["Upload-Id"])
    first = CONTENT[:8000]
    resp = patch(api, url, 0, first, HTTP_UPLOAD_CHECKSUM=b64sum(first))
    assert resp.status_code == 204 and resp["Upload-Offset"] == "8000"
    rest = CONTENT[8000:]
    resp = patch(api, url, 8000, rest, HTTP_UPLOAD_CHECKSUM=b64sum(b"other bytes"))
    assert resp.status_code == 460, resp.content
    assert resp.reason_phrase == "Checksum Mismatch"
    assert resp["Upload-Offset"] == "8000"
    assert resp.json()["code"] == "checksum_mismatch" and "校验失败" in resp.json()["detail"]
    assert stored_offset(session) == 8000 and disk_size(session) == 8000
    for bad in ("md5 AAAA", "sha256 not-base64!"):
        resp = patch(api, url, 8000, rest, HTTP_UPLOAD_CHECKSUM=bad)
        assert resp.status_code == 400, resp.content
        assert stored_offset(session) == 8000 and disk_size(session) == 8000
    assert Recording.objects.count() == 0
    resp = patch(api, url, 8000, rest, HTTP_UPLOAD_CHECKSUM=b64sum(rest))
    assert resp.status_code == 204
    assert resp["Recording-Sha256"] == SHA


# --- 2. whole-file SHA-256 declared at creation -------------------------------------------


@pytest.mark.parametrize("value", ["", "abc", "g" * 64, SHA + "0"])
def test_malformed_declared_sha256_refused_at_creation(start, value):
    with pytest.raises(DomainError) as err:
        start(sha256=value)
    assert "sha256 格式不正确" in err.value.message
    assert UploadSession.objects.count() == 0


def test_wrong_declared_sha256_creates_no_recording(start, handler_a):
    wrong = hashlib.sha256(b"something else").hexdigest()
    session = start(sha256=wrong)
    session = uploads.append_chunk(session, handler_a, 0, io.BytesIO(CONTENT[:5000]), 5000)
    with pytest.raises(DomainError) as err:
        uploads.append_chunk(session, handler_a, 5000, io.BytesIO(CONTENT[5000:]), 15000)
    assert "完整性校验失败" in err.value.message and wrong in err.value.message
    assert Recording.objects.count() == 0
    failed = UploadSession.objects.get(pk=session.pk)
    assert failed.status == UploadStatus.FAILED and "不一致" in failed.error
    assert not uploads.temp_path(session.pk).exists()


def test_right_declared_sha256_accepted(start, handler_a):
    session = start(sha256=SHA.upper())
    assert session.declared_sha256 == SHA
    session = uploads.append_chunk(session, handler_a, 0, io.BytesIO(CONTENT), len(CONTENT))
    assert session.recording.sha256 == SHA


def test_api_declared_sha256(case_a, handler_a, officer_a1, api_for):
    api = api_for(handler_a)
    resp = tus_create(api, case_a, officer_a1, 100, filename="v.mp4", kind="video", sha256="xyz")
    assert resp.status_code == 400 and "sha256" in resp.json()["detail"]
    wrong = hashlib.sha256(b"x").hexdigest()
    resp = tus_create(
        api, case_a, officer_a1, len(CONTENT), filename="v.mp4", kind="video", sha256=wrong
    )
    assert resp.status_code == 201
    resp = patch(api, resp["Location"], 0, CONTENT)
    assert resp.status_code == 400 and "完整性校验失败" in resp.json()["detail"]
    assert Recording.objects.count() == 0
    resp = tus_create(
        api, case_a, officer_a1, len(CONTENT), filename="v.mp4", kind="video", sha256=SHA
    )
    resp = patch(api, resp["Location"], 0, CONTENT)
    assert resp.status_code == 204 and resp["Recording-Sha256"] == SHA


# --- 3. offset after a crash --------------------------------------------------------------


def _crash_leaves(session, data: bytes, at: int):
    """What a PATCH killed after writing but before storing the offset leaves behind."""
    with open(uploads.temp_path(session.pk), "r+b") as fh:
        fh.seek(at)
        fh.write(data)
    uploads._hashers.clear()  # the process that held the running hasher is gone


def test_bytes_beyond_offset_adopted_on_head(start, handler_a):
    session = start()
    session = uploads.append_chunk(session, handler_a, 0, io.BytesIO(CONTENT[:7000]), 7000)
    _crash_leaves(session, CONTENT[7000:12000], 7000)
    assert stored_offset(session) == 7000
    session = uploads.reconcile(uploads.get_upload(session.pk, handler_a))
    assert session.offset == 12000 and stored_offset(session) == 12000
    session = uploads.append_chunk(session, handler_a, 12000, io.BytesIO(CONTENT[12000:]), 8000)
    assert session.recording.sha256 == SHA


def test_bytes_beyond_offset_reconciled_before_patch(start, handler_a):
    session = start()
    _crash_leaves(session, CONTENT[:6000], 0)
    with pytest.raises(DomainError) as err:  # the client still believes 0
        uploads.append_chunk(session, handler_a, 0, io.BytesIO(CONTENT), len(CONTENT))
    assert err.value.code == "conflict" and err.value.details == [{"upload_offset": 6000}]
    assert disk_size(session) == 6000
    session = uploads.append_chunk(session, handler_a, 6000, io.BytesIO(CONTENT[6000:]), 14000)
    assert session.recording.sha256 == SHA


def test_unverified_chunk_cut_off_after_crash(start, handler_a):
    session = start()
    session = uploads.append_chunk(session, handler_a, 0, io.BytesIO(CONTENT[:7000]), 7000)
    # killed mid-PATCH of a checksummed chunk: the tail was never verified
    UploadSession.objects.filter(pk=session.pk).update(unverified_tail=True)
    _crash_leaves(session, b"\0" * 5000, 7000)
    session = uploads.reconcile(uploads.get_upload(session.pk, handler_a))
    assert session.offset == 7000 and disk_size(session) == 7000
    assert not UploadSession.objects.get(pk=session.pk).unverified_tail
    session = uploads.append_chunk(session, handler_a, 7000, io.BytesIO(CONTENT[7000:]), 13000)
    assert session.recording.sha256 == SHA


def test_file_shorter_than_offset_moves_offset_back(start, handler_a):
    session = start()
    session = uploads.append_chunk(session, handler_a, 0, io.BytesIO(CONTENT[:9000]), 9000)
    os.truncate(uploads.temp_path(session.pk), 4000)  # host crash lost unsynced pages
    uploads._hashers.clear()
    session = uploads.reconcile(uploads.get_upload(session.pk, handler_a))
    assert session.offset == 4000
    session = uploads.append_chunk(session, handler_a, 4000, io.BytesIO(CONTENT[4000:]), 16000)
    assert session.recording.sha256 == SHA


def test_killed_writer_process_then_head_and_resume(start, handler_a, api_for):
    """A real ``kill -9``: a child process takes the upload's lock, writes bytes beyond the
    stored offset and is killed before storing the offset. The lock dies with it; HEAD
    reports the bytes on disk and the resumed upload completes with the right SHA-256."""
    session = start()
    session = uploads.append_chunk(session, handler_a, 0, io.BytesIO(CONTENT[:3000]), 3000)
    child = (
        "import fcntl, os, signal, sys\n"
        "fh = open(sys.argv[1], 'r+b')\n"
        "fcntl.flock(fh.fileno(), fcntl.LOCK_EX)\n"
        "fh.seek(3000)\n"
        "fh.write(sys.stdin.buffer.read())\n"
        "fh.flush()\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", child, str(uploads.temp_path(session.pk))],
        input=CONTENT[3000:11000],
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL
    uploads._hashers.clear()
    assert stored_offset(session) == 3000 and disk_size(session) == 11000
    api = api_for(handler_a)
    url = f"/api/records/uploads/{session.pk}/"
    resp = api.head(url, HTTP_TUS_RESUMABLE="1.0.0")
    assert resp.status_code == 200 and resp["Upload-Offset"] == "11000"
    rest = CONTENT[11000:]
    resp = patch(api, url, 11000, rest, HTTP_UPLOAD_CHECKSUM=b64sum(rest))
    assert resp.status_code == 204 and resp["Recording-Sha256"] == SHA
    resp = api.head(url, HTTP_TUS_RESUMABLE="1.0.0")
    assert resp["Recording-Sha256"] == SHA


def test_head_does_not_touch_the_tail_of_a_running_patch(start, handler_a):
    session = start()
    _crash_leaves(session, CONTENT[:5000], 0)  # as if a PATCH were writing right now
    with uploads._locked(uploads.temp_path(session.pk)):
        assert uploads.reconcile(uploads.get_upload(session.pk, handler_a)).offset == 0
    assert disk_size(session) == 5000


class KilledMidStream(io.BytesIO):
    """Delivers 1000 bytes per read; at the fourth read takes a snapshot of what a
    ``kill -9`` at that moment would leave (stored offset, bytes on disk), then dies."""

    readinto = None

    def __init__(self, data, session):
        super().__init__(data)
        self.session = session
        self.reads = 0
        self.snapshot = None

    def read(self, n=-1):
        self.reads += 1
        if self.reads == 4:
            self.snapshot = (
                stored_offset(self.session),
                uploads.temp_path(self.session.pk).read_bytes(),
            )
            raise ConnectionResetError("killed")
        return super().read(min(n, 1000))


def test_offset_checkpointed_during_a_long_patch(start, handler_a, settings, monkeypatch):
    monkeypatch.setattr(uploads, "BLOCK", 1000)
    settings.RECORDS_UPLOAD_CHECKPOINT_MB = 2000 / 1024**2  # every 2000 bytes
    session = start()
    stream = KilledMidStream(CONTENT, session)
    with pytest.raises(ConnectionResetError):
        uploads.append_chunk(session, handler_a, 0, stream, len(CONTENT))
    offset, on_disk = stream.snapshot
    assert offset == 2000  # stored (after fsync) while the PATCH was still running
    assert len(on_disk) >= offset and on_disk == CONTENT[: len(on_disk)]
    # restore exactly the state the kill would have left, then resume
    uploads.temp_path(session.pk).write_bytes(on_disk)
    UploadSession.objects.filter(pk=session.pk).update(offset=offset)
    uploads._hashers.clear()
    session = uploads.reconcile(uploads.get_upload(session.pk, handler_a))
    assert session.offset == len(on_disk)
    rest = CONTENT[session.offset :]
    session = uploads.append_chunk(session, handler_a, session.offset, io.BytesIO(rest), len(rest))
    assert session.recording.sha256 == SHA


def test_hasher_cached_at_smaller_offset_is_extended(start, handler_a):
    session = start()
    session = uploads.append_chunk(session, handler_a, 0, io.BytesIO(CONTENT[:4000]), 4000)
    assert uploads._hashers[str(session.pk)][0] == 4000  # this process holds the hasher
    _crash_leaves(session, CONTENT[4000:10000], 4000)
    uploads._keep_hasher(str(session.pk), 4000, hashlib.sha256(CONTENT[:4000]))
    session = uploads.reconcile(uploads.get_upload(session.pk, handler_a))
    session = uploads.append_chunk(session, handler_a, 10000, io.BytesIO(CONTENT[10000:]), 10000)
    assert session.recording.sha256 == SHA
