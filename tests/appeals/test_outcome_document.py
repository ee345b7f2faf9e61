"""The outcome document of a 复议/诉讼: required, checked, stored by hash, append-only."""

import pytest

from sanxiang.appeals import services
from sanxiang.appeals.models import AppealDocument, AppealStatus
from sanxiang.core.errors import DomainError
from tests.appeals.conftest import PDF, ago, decided_appeal, pdf, recon

pytestmark = pytest.mark.django_db


def test_outcome_document_required_and_validated(flow, handler_a, head_a):
    case = flow.decided()
    a = recon(case, handler_a)
    services.accept(a, handler_a, accepted_on=ago(4))
    for doc in (None, ("a.pdf", b""), ("a.pdf", b"MZ\x90\x00 not a pdf"), ("a.png", PDF)):
        with pytest.raises(DomainError):
            services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(1), document=doc)
    a.refresh_from_db()
    assert a.status == AppealStatus.ACCEPTED


def test_outcome_document_size_limit(flow, handler_a, head_a, settings):
    settings.SANXIANG_APPEAL_DOCUMENT_MAX_BYTES = 20
    case = flow.decided()
    a = recon(case, handler_a)
    services.accept(a, handler_a, accepted_on=ago(4))
    with pytest.raises(DomainError) as e:
        services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(1), document=pdf())
    assert "过大" in str(e.value)


def test_outcome_document_stored_by_hash_and_append_only(flow, handler_a, head_a):
    case = flow.decided()
    a = decided_appeal(case, handler_a, head_a)
    doc = AppealDocument.objects.get(appeal=a)
    assert doc.content_type == "application/pdf" and len(doc.sha256) == 64
    from sanxiang.appeals import storage

    with storage.open_stored(doc.storage_key) as fh:
        assert fh.read() == PDF
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        AppealDocument.objects.filter(pk=doc.pk).update(name="x.pdf")
