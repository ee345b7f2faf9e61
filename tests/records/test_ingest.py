import hashlib
import io
import os

import pytest
from django.core.files.storage import default_storage

from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.records import uploads
from sanxiang.records.models import Recording, UploadSession, UploadStatus

from .conftest import labels, mp4_bytes, png_bytes

pytestmark = pytest.mark.django_db


def test_ingest_stores_content_addressed_and_ledgers(case_a, ingest):
    content = png_bytes()
    rec = ingest(case_a, content)
    sha = hashlib.sha256(content).hexdigest()
    assert rec.sha256 == sha
    assert rec.storage_key == f"recordings/{sha[:2]}/{sha}"
    assert rec.content_type == "image/png"
    assert rec.case_number == case_a.number
    with default_storage.open(rec.storage_key, "rb") as fh:
        assert fh.read() == content
    leaf = Leaf.objects.filter(event_type=EventType.RECORDING_INGESTED).last()
    assert sha in leaf.content if hasattr(leaf, "content") else True
    assert rec.upload_due is not None
    assert not list(uploads.upload_dir().iterdir())


def test_chunked_upload_resumes_after_process_restart(case_a, handler_a, officer_a1):
    content = mp4_bytes(20000)
    session = uploads.create_upload(
        handler_a, case_a, len(content), labels(case_a, officer_a1, filename="a.mp4", kind="video")
    )
    session = uploads.append_chunk(session, handler_a, 0, io.BytesIO(content[:7000]), 7000)
    assert session.offset == 7000 and session.recording is None
    uploads._hashers.clear()  # the process restarted: the hasher must be rebuilt from disk
    session = uploads.get_upload(session.pk, handler_a)
    session = uploads.append_chunk(session, handler_a, 7000, io.BytesIO(content[7000:]), 13000)
    assert session.recording.sha256 == hashlib.sha256(content).hexdigest()


def test_broken_connection_keeps_bytes_and_never_registers(case_a, handler_a, officer_a1):
    content = mp4_bytes(20000)
    session = uploads.create_upload(
        handler_a, case_a, len(content), labels(case_a, officer_a1, filename="a.mp4", kind="video")
    )
    # the client announced 20000 bytes but the connection dropped after 5000
    session = uploads.append_chunk(session, handler_a, 0, io.BytesIO(content[:5000]), 20000)
    assert session.offset == 5000
    assert Recording.objects.count() == 0
    assert uploads.get_upload(session.pk, handler_a).offset == 5000
    with pytest.raises(DomainError) as err:  # stale offset
        uploads.append_chunk(session, handler_a, 0, io.BytesIO(content), 20000)
    assert err.value.code == "conflict"
    session = uploads.append_chunk(session, handler_a, 5000, io.BytesIO(content[5000:]), 15000)
    assert session.recording.sha256 == hashlib.sha256(content).hexdigest()


class Exploding(io.BytesIO):
    def read(self, n=-1):
        if self.tell() >= 3000:
            raise ConnectionResetError("peer gone")
        return super().read(min(n, 3000 - self.tell()))

    readinto = None


def test_exception_mid_chunk_keeps_offset_consistent(case_a, handler_a, officer_a1):
    content = mp4_bytes(10000)
    session = uploads.create_upload(
        handler_a, case_a, len(content), labels(case_a, officer_a1, filename="a.mp4", kind="video")
    )
    with pytest.raises(ConnectionResetError):
        uploads.append_chunk(session, handler_a, 0, Exploding(content), 10000)
    session = uploads.get_upload(session.pk, handler_a)
    assert session.offset == 3000
    session = uploads.append_chunk(session, handler_a, 3000, io.BytesIO(content[3000:]), 7000)
    assert session.recording.sha256 == hashlib.sha256(content).hexdigest()


def test_type_checked_by_content_not_extension(case_a, handler_a, officer_a1, ingest):
    # a PNG disguised as a video
    with pytest.raises(DomainError, match="不符"):
        ingest(case_a, png_bytes(), filename="clip.mp4", kind="video")
    # a PNG named .jpg
    with pytest.raises(DomainError, match="扩展名"):
        ingest(case_a, png_bytes(), filename="x.jpg", kind="photo")
    # an executable renamed .png
    with pytest.raises(DomainError, match="无法识别"):
        ingest(case_a, b"MZ\x90\x00" + b"\x00" * 200, filename="x.png", kind="photo")
    assert Recording.objects.count() == 0
    assert UploadSession.objects.filter(status=UploadStatus.FAILED).count() == 3
    assert not list(uploads.upload_dir().iterdir())
    assert not default_storage.exists("recordings") or not os.listdir(
        default_storage.path("recordings")
    )


def test_crash_mid_finalisation_leaves_nothing(case_a, ingest, monkeypatch):
    import sanxiang.records.uploads as up

    def boom(*args, **kwargs):
        raise RuntimeError("ledger down")

    monkeypatch.setattr("sanxiang.ledger.services.append", boom)
    content = png_bytes(3, 3)
    with pytest.raises(RuntimeError):
        ingest(case_a, content)
    assert Recording.objects.count() == 0
    assert not list(up.upload_dir().iterdir())
    sha = hashlib.sha256(content).hexdigest()
    assert not default_storage.exists(f"recordings/{sha[:2]}/{sha}")


def test_crash_after_store_removes_stored_file(case_a, ingest, monkeypatch):
    from sanxiang.records import storage

    real_put = storage.put

    def put_then_crash(path, sha):
        real_put(path, sha)
        raise OSError("disk full while committing")

    monkeypatch.setattr(storage, "put", put_then_crash)
    content = png_bytes(4, 4)
    with pytest.raises(OSError):
        ingest(case_a, content)
    sha = hashlib.sha256(content).hexdigest()
    assert Recording.objects.count() == 0
    assert not default_storage.exists(f"recordings/{sha[:2]}/{sha}")


def test_same_content_twice_is_deduplicated(case_a, ingest):
    content = png_bytes()
    r1 = ingest(case_a, content)
    r2 = ingest(case_a, content, activity="interview")
    assert r1.storage_key == r2.storage_key and r1.pk != r2.pk


def test_recording_rows_are_write_once(case_a, ingest):
    from django.db import IntegrityError, transaction

    rec = ingest(case_a, png_bytes())
    with pytest.raises(IntegrityError), transaction.atomic():
        Recording.objects.filter(pk=rec.pk).update(place="别处")
    with pytest.raises(IntegrityError), transaction.atomic():
        Recording.objects.filter(pk=rec.pk).delete()


def test_labels_mandatory(case_a, handler_a, officer_a1):
    bad = labels(case_a, officer_a1, place="", proves="", collector=None)
    with pytest.raises(DomainError) as err:
        uploads.create_upload(handler_a, case_a, 100, bad)
    text = str(err.value)
    assert "地点" in text and "证明事项" in text and "采集人" in text


def test_interruption_needs_reason(case_a, handler_a, officer_a1):
    lab = labels(case_a, officer_a1)
    lab["interruptions"] = [
        {"stopped_at": lab["recorded_start"], "restarted_at": lab["recorded_end"], "reason": ""}
    ]
    with pytest.raises(DomainError, match="中断须说明原因"):
        uploads.create_upload(handler_a, case_a, 100, lab)
    lab["interruptions"][0]["reason"] = "执法记录仪电量不足，更换电池"
    session = uploads.create_upload(handler_a, case_a, 100, lab)
    assert session.labels["interruptions"][0]["reason"].startswith("执法记录仪")


def test_collector_of_other_agency_refused(case_a, handler_a, officer_a1, officer_b1):
    with pytest.raises(DomainError, match="采集人"):
        uploads.create_upload(handler_a, case_a, 100, labels(case_a, officer_b1))


def test_only_case_handlers_upload(case_a, handler_b, reviewer_a, officer_a1, handler_a2, head_a):
    lab = labels(case_a, officer_a1)
    with pytest.raises(PermissionDenied):
        uploads.create_upload(handler_b, case_a, 10, lab)
    with pytest.raises(PermissionDenied):
        uploads.create_upload(reviewer_a, case_a, 10, lab)
    uploads.create_upload(handler_a2, case_a, 10, lab)  # officer_a2 handles the case
    uploads.create_upload(head_a, case_a, 10, lab)


def test_resume_only_by_uploader(case_a, handler_a, handler_a2, officer_a1):
    s = uploads.create_upload(handler_a, case_a, 10, labels(case_a, officer_a1))
    with pytest.raises(PermissionDenied):
        uploads.get_upload(s.pk, handler_a2)


def test_oversize_chunk_refused(case_a, handler_a, officer_a1):
    s = uploads.create_upload(handler_a, case_a, 10, labels(case_a, officer_a1))
    with pytest.raises(DomainError, match="超过"):
        uploads.append_chunk(s, handler_a, 0, io.BytesIO(b"x" * 20), 20)


def test_abandoned_upload_cleaned(case_a, handler_a, officer_a1):
    import datetime as dt

    from django.utils import timezone

    s = uploads.create_upload(handler_a, case_a, 100, labels(case_a, officer_a1))
    uploads.append_chunk(s, handler_a, 0, io.BytesIO(b"\x89PNG"), 4)
    assert uploads.cleanup_abandoned() == 0
    assert uploads.cleanup_abandoned(now=timezone.now() + dt.timedelta(hours=25)) == 1
    s.refresh_from_db()
    assert s.status == UploadStatus.ABANDONED
    assert not uploads.temp_path(s.pk).exists()


def test_raw_stream_keeps_django_wrappers_in_step():
    """Reading the socket under Django's LimitedStream must advance the wrappers, or the dev
    server's end-of-request drain would swallow the next keep-alive request."""
    import socket

    from django.core.handlers.wsgi import LimitedStream

    from sanxiang.records.api import BoundedStream, _raw_socket_stream

    a, b = socket.socketpair()
    a.sendall(b"0123456789NEXT")
    rf = b.makefile("rb")
    server_stream = LimitedStream(rf, 10)
    request_stream = LimitedStream(server_stream, 10)
    raw, wrappers = _raw_socket_stream(request_stream)
    assert raw is rf and wrappers == [request_stream, server_stream]
    body = BoundedStream(raw, 10, wrappers)
    buf = bytearray(64)
    got = 0
    while got < 10:
        got += body.readinto(memoryview(buf)[got:])
    assert bytes(buf[:10]) == b"0123456789"
    assert server_stream.read() == b""  # the drain reads nothing more
    assert rf.read(4) == b"NEXT"
    a.close()
    b.close()


def test_no_upload_to_archived_case(case_a, handler_a, officer_a1):
    type(case_a).objects.filter(pk=case_a.pk).update(stage="archived")
    case_a.refresh_from_db()
    with pytest.raises(DomainError, match="已归档"):
        uploads.create_upload(handler_a, case_a, 10, labels(case_a, officer_a1))
