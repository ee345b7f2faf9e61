"""Issue #11 item 7: one flipped byte of an issued (sealed) PDF on disk is caught.

The attack: flip a byte of the stored file of an issued document. Every path that hands
out the file (workbench download and preview, API, case archive) must refuse it with a
Chinese error, a log line and an alert; the periodic fixity job must report the document
by id (alert row, ledger leaf, notification to the head)."""

import io
import logging
import os
import uuid

import pytest
from django.core.files.storage import default_storage

from sanxiang.core.errors import DomainError
from sanxiang.documents import integrity, services
from sanxiang.documents.archive import files_for_case
from sanxiang.documents.models import DocumentFixityAlert, DocumentFixityRun, FixityProblem
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf


def _issued(make_issued, kind="prior_notice"):
    # unique content: files are stored content-addressed and shared by equal bytes
    key = "body" if kind == "other" else "facts"
    return make_issued(kind, extra={key: f"唯一内容 {uuid.uuid4()}"})


def _flip_byte(fieldfile, offset=None):
    path = default_storage.path(fieldfile.name)
    os.chmod(path, 0o640)
    with open(path, "r+b") as f:
        data = f.read()
        pos = len(data) // 2 if offset is None else offset
        f.seek(pos)
        f.write(bytes([data[pos] ^ 0x01]))
    return path


def _alerts(doc):
    return list(DocumentFixityAlert.objects.filter(document=doc).order_by("pk"))


@pytest.fixture
def sealed_doc(make_issued):
    doc = _issued(make_issued)
    assert doc.spec.sealed
    assert services.verify_document(doc) == []
    return doc


def test_intact_document_downloads(client_for, handler_a, sealed_doc):
    client = client_for(handler_a)
    response = client.get(f"/documents/{sealed_doc.pk}/download.pdf")
    assert response.status_code == 200
    assert response.content == services.render_pdf(sealed_doc)
    assert not _alerts(sealed_doc)


def test_flipped_byte_download_refused_logged_and_alerted(
    client_for, handler_a, head_a, sealed_doc, caplog
):
    _flip_byte(sealed_doc.pdf)
    client = client_for(handler_a)
    with caplog.at_level(logging.ERROR, logger="sanxiang.documents.fixity"):
        response = client.get(f"/documents/{sealed_doc.pk}/download.pdf")
    assert response.status_code in (400, 409)
    text = response.content.decode()
    assert "SHA-256 不一致" in text and "已拒绝下载" in text
    assert b"%PDF" not in response.content
    assert any(
        f"document {sealed_doc.pk}" in r.getMessage() and "mismatch" in r.getMessage()
        for r in caplog.records
    )
    (alert,) = _alerts(sealed_doc)
    assert alert.problem == FixityProblem.MISMATCH and alert.file_format == "pdf"
    assert alert.expected_sha256 == sealed_doc.sha256 and alert.actual_sha256 != sealed_doc.sha256
    leaf = Leaf.objects.filter(
        event_type=EventType.DOCUMENT_FIXITY_ALERT, subject=f"document:{sealed_doc.pk}"
    ).get()
    assert leaf.payload["via"] == "download" and leaf.actor_id == handler_a.pk

    # the preview ("查看 PDF") is refused too
    assert client.get(f"/documents/{sealed_doc.pk}/preview.pdf").status_code in (400, 409)
    # the head was told (once, however many times it is refused)
    from sanxiang.notifications.models import Notification

    assert Notification.objects.filter(user=head_a, title__contains=sealed_doc.number).count() == 1


def test_flipped_byte_api_refused(api_for, handler_a, sealed_doc):
    _flip_byte(sealed_doc.pdf)
    response = api_for(handler_a).get(f"/api/documents/documents/{sealed_doc.pk}/pdf/")
    assert response.status_code in (400, 409)
    assert response.json()["code"] == "conflict"
    assert "已拒绝下载" in response.json()["detail"]


def test_flipped_byte_in_docx_refused(client_for, handler_a, sealed_doc):
    _flip_byte(sealed_doc.docx)
    client = client_for(handler_a)
    assert client.get(f"/documents/{sealed_doc.pk}/download.pdf").status_code == 200
    response = client.get(f"/documents/{sealed_doc.pk}/download.docx")
    assert response.status_code in (400, 409)
    assert "DOCX" in response.content.decode()


def test_missing_file_refused(handler_a, sealed_doc):
    os.remove(default_storage.path(sealed_doc.pdf.name))
    with pytest.raises(DomainError, match="缺失"):
        services.render_pdf(sealed_doc, handler_a)
    assert _alerts(sealed_doc)[0].problem == FixityProblem.MISSING


def test_case_archive_refuses_tampered_document(case_a, sealed_doc):
    assert any(name.endswith(".pdf") for name, _ in files_for_case(case_a))
    _flip_byte(sealed_doc.pdf)
    with pytest.raises(integrity.TamperedDocument):
        files_for_case(case_a)


def test_row_and_file_rewritten_together_caught_by_ledger(sealed_doc):
    """A rogue DBA who also rewrites the row's hash (trigger dropped) is caught by the
    issuing leaf, which still names the original hash."""
    import hashlib

    from django.db import connection

    path = _flip_byte(sealed_doc.pdf)
    with open(path, "rb") as f:
        new_hash = hashlib.sha256(f.read()).hexdigest()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                'DROP TRIGGER "documents_document_issued_immutable" ON "documents_document"'
            )
        else:
            cur.execute('DROP TRIGGER "documents_document_issued_update"')
        cur.execute(
            "UPDATE documents_document SET sha256 = %s WHERE id = %s", [new_hash, sealed_doc.pk]
        )
    sealed_doc.refresh_from_db()
    with pytest.raises(integrity.TamperedDocument):
        services.render_pdf(sealed_doc)
    assert _alerts(sealed_doc)[0].problem == FixityProblem.LEDGER


def test_fixity_job_reports_document_by_id(make_issued, head_a, sealed_doc, caplog):
    other = _issued(make_issued, "other")
    _flip_byte(sealed_doc.pdf)
    with caplog.at_level(logging.ERROR, logger="sanxiang.documents.fixity"):
        run = integrity.fixity_check()
    assert run.checked >= 2 and run.failures >= 1
    alerted = {a.document_id for a in run.alerts.all()}
    assert sealed_doc.pk in alerted and other.pk not in alerted
    alert = run.alerts.get(document=sealed_doc)
    assert alert.problem == FixityProblem.MISMATCH and alert.agency_id == sealed_doc.agency_id
    leaf = Leaf.objects.get(
        event_type=EventType.DOCUMENT_FIXITY_ALERT, subject=f"document:{sealed_doc.pk}"
    )
    assert leaf.payload["via"] == "fixity" and leaf.payload["alert"] == alert.pk
    assert any(f"document {sealed_doc.pk}" in r.getMessage() for r in caplog.records)
    from sanxiang.notifications.models import Notification

    assert Notification.objects.filter(user=head_a, title__contains=sealed_doc.number).exists()


def test_periodic_job_runs_documents_fixity(sealed_doc):
    from sanxiang.core.management.commands.periodic import APPS
    from sanxiang.documents import periodic

    assert "documents" in APPS
    _flip_byte(sealed_doc.pdf)
    out = io.StringIO()
    periodic.run(out)
    assert "alert" in out.getvalue()
    run = DocumentFixityRun.objects.order_by("-pk").first()
    assert run.alerts.filter(document=sealed_doc).exists()


def test_fixity_batches_round_robin(make_issued, settings):
    docs = [_issued(make_issued, "other") for _ in range(3)]
    first = integrity.fixity_check(limit=2)
    second = integrity.fixity_check(limit=2)
    assert first.checked == 2 and second.checked == 2
    assert first.last_document_id != second.last_document_id
    assert docs  # all intact: no alerts
    assert first.failures == 0 and second.failures == 0


def test_fixity_tables_are_append_only(sealed_doc):
    from django.db import IntegrityError, connection, transaction

    _flip_byte(sealed_doc.pdf)
    run = integrity.fixity_check()
    alert = run.alerts.get(document=sealed_doc)
    for sql, pk in (
        ("UPDATE documents_documentfixityalert SET problem = 'x' WHERE id = %s", alert.pk),
        ("DELETE FROM documents_documentfixityalert WHERE id = %s", alert.pk),
        ("UPDATE documents_documentfixityrun SET failures = 0 WHERE id = %s", run.pk),
        ("DELETE FROM documents_documentfixityrun WHERE id = %s", run.pk),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql, [pk])
