"""Issue #16 item 4: records, documents and the case archive against a real S3 server.

Run by scripts/ci_s3.sh (SeaweedFS with its S3 gateway, ``STORAGE_URL=s3://…``); skipped
when the default storage is not S3. Every test checks the bucket itself through its own
boto3 client — the object is really there (or really gone), not in ``MEDIA_ROOT`` — and
each attack (an object replaced or deleted behind the platform's back) is made in the bucket.
"""

import datetime as dt
import hashlib
import io
import os

import boto3
import pytest
from botocore.exceptions import ClientError
from django.conf import settings as django_settings
from django.utils import timezone

from sanxiang.records import access, fixity, retention, storage
from sanxiang.records.models import AccessAction, FixityAlert
from tests.records.conftest import labels, mp4_bytes, png_bytes

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not django_settings.STORAGES["default"]["BACKEND"].endswith("S3Storage"),
        reason="needs STORAGE_URL=s3://… and a running S3 server (scripts/ci_s3.sh)",
    ),
]

LATER = timezone.now() + dt.timedelta(days=200)


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def s3(settings, _s3_prefix_per_test):
    """(boto3 client, bucket, this test's key prefix) — independent of the platform."""
    options = settings.STORAGES["default"]["OPTIONS"]
    client = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        region_name=options.get("region_name") or "us-east-1",
    )
    return client, options["bucket_name"], _s3_prefix_per_test


def keys(s3):
    client, bucket, prefix = s3
    reply = client.list_objects_v2(Bucket=bucket, Prefix=prefix + "/")
    return {o["Key"][len(prefix) + 1 :]: o["Size"] for o in reply.get("Contents", [])}


def get(s3, key):
    client, bucket, prefix = s3
    return client.get_object(Bucket=bucket, Key=f"{prefix}/{key}")["Body"].read()


def put(s3, key, data):
    client, bucket, prefix = s3
    client.put_object(Bucket=bucket, Key=f"{prefix}/{key}", Body=data)


def gone(s3, key):
    client, bucket, prefix = s3
    try:
        client.head_object(Bucket=bucket, Key=f"{prefix}/{key}")
    except ClientError as err:
        return err.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    return False


@pytest.fixture
def case(flow, handler_a):
    """A case in its decision stage with one issued document (PDF + DOCX stored)."""
    from sanxiang.documents import services as documents
    from tests.documents.conftest import complete_content

    case = flow.noticed()
    doc = documents.create_draft(case, "other", {}, handler_a)
    doc = documents.update_draft(doc, complete_content("other", doc.content), handler_a)
    documents.issue_document(doc, handler_a)
    return case


@pytest.fixture
def upload(handler_a, officer_a1):
    """upload(case, content, chunk) -> Recording through the resumable upload services."""
    from sanxiang.records import uploads

    def run(case, content, chunk=None, **over):
        session = uploads.create_upload(
            handler_a, case, len(content), labels(case, officer_a1, **over)
        )
        chunk = chunk or len(content)
        for pos in range(0, len(content), chunk):
            part = content[pos : pos + chunk]
            session = uploads.append_chunk(session, handler_a, pos, io.BytesIO(part), len(part))
        return session.recording

    return run


def _no_media_files(settings):
    root = settings.MEDIA_ROOT
    return not os.path.exists(root) or not any(files for _d, _s, files in os.walk(root))


def test_server_refuses_requests_without_valid_credentials(s3):
    client, bucket, _prefix = s3
    options = django_settings.STORAGES["default"]["OPTIONS"]
    stranger = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        region_name="us-east-1",
        aws_access_key_id="nobody",
        aws_secret_access_key="not-the-secret-key",
    )
    with pytest.raises(ClientError):
        stranger.list_objects_v2(Bucket=bucket)
    client.list_objects_v2(Bucket=bucket)  # the platform's credentials work


def test_resumable_upload_lands_in_the_bucket(settings, s3, flow, upload):
    case = flow.investigating()
    content = mp4_bytes(200_000)
    rec = upload(case, content, chunk=64 * 1024, filename="现场.mp4", kind="video")
    sha = hashlib.sha256(content).hexdigest()
    assert rec.sha256 == sha
    assert rec.storage_key == f"recordings/{sha[:2]}/{sha}"
    assert keys(s3) == {rec.storage_key: len(content)}
    assert get(s3, rec.storage_key) == content
    assert _no_media_files(settings)  # nothing went to the local media directory
    # the same content again is deduplicated: still one object
    again = upload(case, content, filename="现场2.mp4", kind="video", activity="interview")
    assert again.storage_key == rec.storage_key
    assert keys(s3) == {rec.storage_key: len(content)}


def test_ranged_streaming_fetches_only_the_range(s3, flow, upload, handler_a, monkeypatch):
    from storages.backends.s3 import S3File

    case = flow.investigating()
    content = mp4_bytes(300_000)
    rec = upload(case, content, filename="现场.mp4", kind="video")
    asked = []
    real_body = storage._s3_body

    def spy(backend, key, byte_range=None):
        asked.append(byte_range)
        return real_body(backend, key, byte_range)

    def whole_download(self):  # django-storages would fetch the whole object first
        raise AssertionError("whole-object download while streaming a range")

    monkeypatch.setattr(storage, "_s3_body", spy)
    monkeypatch.setattr(S3File, "_get_file", whole_download)
    entry = access.record_access(rec, handler_a, "核对现场录像", AccessAction.VIEW)
    part = access.view_part(entry.pk, handler_a, "bytes=1000-5999")
    assert (part.start, part.end, part.content_range) == (1000, 5999, "bytes 1000-5999/300000")
    assert b"".join(part.chunks()) == content[1000:6000]
    suffix = access.view_part(entry.pk, handler_a, "bytes=-500")
    assert b"".join(suffix.chunks()) == content[-500:]
    assert asked == ["bytes=1000-5999", "bytes=299500-299999"]


def test_ranged_streaming_through_the_view(s3, flow, upload, handler_a, client_for):
    from django.urls import reverse

    case = flow.investigating()
    content = mp4_bytes(120_000)
    rec = upload(case, content, filename="现场.mp4", kind="video")
    client = client_for(handler_a)
    resp = client.post(reverse("records:view", args=[rec.pk]), {"purpose": "核对现场录像"})
    assert resp.status_code == 200
    response = client.get(resp.context["src"], headers={"range": "bytes=100-199"})
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 100-199/120000"
    assert b"".join(response.streaming_content) == content[100:200]


def test_fixity_finds_an_object_replaced_or_deleted_in_the_bucket(s3, flow, upload):
    case = flow.investigating()
    good = upload(case, png_bytes(3, 3))
    tampered = upload(case, png_bytes(4, 4), activity="interview")
    missing = upload(case, png_bytes(5, 5), activity="sampling")
    run = fixity.fixity_check()
    assert (run.checked, run.failures) == (3, 0)
    put(s3, tampered.storage_key, png_bytes(9, 9))  # replaced behind the platform's back
    client, bucket, prefix = s3
    client.delete_object(Bucket=bucket, Key=f"{prefix}/{missing.storage_key}")
    run = fixity.fixity_check()
    assert run.failures == 2
    problems = {a.recording_id: a.problem for a in FixityAlert.objects.filter(run=run)}
    assert set(problems) == {tampered.pk, missing.pk}
    assert good.pk not in problems


def test_retention_purge_deletes_the_object(s3, flow, upload, django_capture_on_commit_callbacks):
    case = flow.investigating()
    rec = upload(case, png_bytes())
    assert not gone(s3, rec.storage_key)
    with django_capture_on_commit_callbacks(execute=True):
        purged = retention.purge_expired(now=LATER)
    assert [p.recording_id for p in purged] == [rec.pk]
    assert gone(s3, rec.storage_key)
    assert keys(s3) == {k: v for k, v in keys(s3).items() if not k.startswith("recordings/")}


def test_issued_document_is_stored_in_the_bucket(s3, case):
    from sanxiang.documents.models import Document

    doc = Document.objects.issued().get(case=case)
    stored = keys(s3)
    assert doc.pdf.name in stored and doc.docx.name in stored
    assert hashlib.sha256(get(s3, doc.pdf.name)).hexdigest() == doc.sha256
    assert hashlib.sha256(get(s3, doc.docx.name)).hexdigest() == doc.docx_sha256


def test_document_fixity_finds_a_pdf_replaced_in_the_bucket(s3, case):
    from sanxiang.documents import integrity
    from sanxiang.documents.models import Document

    doc = Document.objects.issued().get(case=case)
    assert integrity.fixity_check().failures == 0
    put(s3, doc.pdf.name, b"%PDF-1.7 forged")
    run = integrity.fixity_check()
    assert run.failures == 1
    assert {a.document_id for a in run.alerts.all()} == {doc.pk}


def test_case_export_streams_the_originals_from_the_bucket(s3, case, upload, handler_a, tmp_path):
    from sanxiang.cases.archive import export_case_bag
    from sanxiang.documents.models import Document
    from sanxiang.ledger import verify_bundle

    content = png_bytes(6, 6)
    rec = upload(case, content, filename="现场.png")
    out = tmp_path / "out"
    out.mkdir()
    bag_dir = export_case_bag(case, out, actor=handler_a)
    in_bag = bag_dir / "data" / "recordings" / f"{rec.pk}-{rec.sha256[:12]}.png"
    assert in_bag.read_bytes() == content == get(s3, rec.storage_key)
    doc = Document.objects.issued().get(case=case)
    pdfs = [p for p in (bag_dir / "data").rglob("*.pdf")]
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in pdfs] == [doc.sha256]
    assert verify_bundle.main([str(bag_dir)]) == 0


def test_case_export_refused_when_a_recording_was_replaced_in_the_bucket(
    s3, case, upload, handler_a, tmp_path
):
    from sanxiang.cases.archive import export_case_bag
    from sanxiang.records.archive import TamperedRecording

    rec = upload(case, png_bytes(6, 6), filename="现场.png")
    put(s3, rec.storage_key, png_bytes(7, 7))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(TamperedRecording):
        export_case_bag(case, out, actor=handler_a)
    assert FixityAlert.objects.filter(recording=rec).exists()
