"""An issued document never changes: refused by the service and the database, and a changed file on disk is detected."""

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.documents import services
from sanxiang.documents.models import (
    Document,
    DocumentCorrection,
    DocumentStatus,
)

from .conftest import PARTY_NAME


def test_update_draft_on_issued_refused(make_issued, handler_a):
    doc = make_issued("penalty_decision")
    with pytest.raises(DomainError) as exc:
        services.update_draft(doc, {"facts": "改写的事实"}, handler_a)
    assert exc.value.code == ErrorCode.IMMUTABLE
    with pytest.raises(DomainError):
        services.discard_draft(doc, handler_a)


def test_database_refuses_raw_update_and_delete_of_issued(make_issued, case_a, handler_a):
    doc = make_issued("penalty_decision")
    table = Document._meta.db_table
    for sql in (
        f"UPDATE {table} SET content = '{{}}' WHERE id = %s",
        f"UPDATE {table} SET status = 'draft' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [doc.pk])
    # the ORM path is refused as well
    doc.content = {"facts": "篡改"}
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            doc.save()
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Document.objects.filter(pk=doc.pk)._raw_delete(connection.alias)
    fresh = Document.objects.get(pk=doc.pk)
    assert fresh.status == DocumentStatus.ISSUED and fresh.content["party_name"] == PARTY_NAME
    # drafts stay editable at the database level
    draft = services.create_draft(case_a, "other", {}, handler_a)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET title = 'x' WHERE id = %s", [draft.pk])


def test_corrections_table_is_append_only(make_issued, head_a):
    doc = make_issued("penalty_decision")
    new = services.correct_document(doc, {"evidence": "补正后的证据"}, "证据表述有误", head_a)
    corr = DocumentCorrection.objects.get(correction=new)
    with pytest.raises(IntegrityError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {DocumentCorrection._meta.db_table} SET reason = 'x' WHERE id = %s",
                [corr.pk],
            )


def test_verify_document_detects_tampered_file(make_issued):
    import uuid

    doc = make_issued("other", extra={"body": f"唯一内容 {uuid.uuid4()}"})
    assert services.verify_document(doc) == []
    path = default_storage.path(doc.pdf.name)
    import os

    os.chmod(path, 0o640)
    with open(path, "ab") as f:
        f.write(b"%tampered")
    assert any("SHA-256" in str(p) for p in services.verify_document(doc))


def test_damaged_stored_file_is_not_reused():
    import os
    import uuid

    data = f"%PDF-1.7 {uuid.uuid4()}".encode()
    name, digest = services._store(data, "pdf")
    path = default_storage.path(name)
    os.chmod(path, 0o640)
    with open(path, "wb") as f:
        f.write(b"garbage")
    assert services._store(data, "pdf") == (name, digest)
    with default_storage.open(name) as f:
        assert f.read() == data
