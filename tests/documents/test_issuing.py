"""Issuing a document: the 文号, the hash, the ledger leaf, the mandatory elements (行政处罚法 第五十九条), the review gate, all or nothing."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from sequences.models import Sequence

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.documents import services
from sanxiang.documents.models import (
    DocumentStatus,
)
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf

from .conftest import complete_content


def tz():
    from django.utils import timezone

    return timezone.get_current_timezone()


def test_issue_numbers_hashes_stores_and_ledgers(make_issued, agency_a, head_a):
    doc = make_issued("penalty_decision")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.ISSUED
    year = doc.issued_at.year
    assert doc.number == f"市场监管局罚决〔{year}〕1号"
    assert (doc.serial, doc.year, doc.number_code) == (1, year, "罚决")
    assert doc.issued_by == head_a and doc.issued_by_name == "钱局长"
    pdf = default_storage.open(doc.pdf.name).read()
    assert hashlib.sha256(pdf).hexdigest() == doc.sha256
    assert doc.pdf.name == f"documents/{doc.sha256[:2]}/{doc.sha256}.pdf"
    assert doc.docx.name.endswith(f"{doc.docx_sha256}.docx")
    leaf = Leaf.objects.get(index=doc.ledger_index)
    assert leaf.event_type == EventType.DOCUMENT_ISSUED
    assert leaf.subject == f"case:{doc.case_id}"
    assert leaf.payload["sha256"] == doc.sha256
    assert leaf.payload["number"] == doc.number
    assert doc.content["document_date"] == doc.issued_at.astimezone(tz()).date().isoformat()
    # second document of the same kind: next serial; another kind: own sequence
    assert make_issued("penalty_decision").serial == 2
    other = make_issued("prior_notice")
    assert other.number == f"市场监管局罚告〔{year}〕1号"


def test_number_prefix_from_case_policy(make_issued, agency_a):
    from sanxiang.cases.models import CasePolicy

    CasePolicy.objects.update_or_create(agency=agency_a, defaults={"number_prefix": "测市监"})
    doc = make_issued("penalty_decision")
    assert doc.number.startswith("测市监罚决〔")


def test_missing_mandatory_elements_refused_with_names(case_a, handler_a, head_a):
    doc = services.create_draft(case_a, "penalty_decision", {}, handler_a)
    doc = services.update_draft(doc, {"facts": "", "party_address": " "}, handler_a)
    with pytest.raises(DomainError) as exc:
        services.issue_document(doc, head_a)
    message = str(exc.value)
    assert "违反法律、法规、规章的事实" in message
    assert "证据" in message
    assert "当事人地址" in message
    assert "违反法律、法规、规章的事实" in exc.value.details
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.DRAFT and doc.number is None
    assert not Sequence.objects.filter(name__startswith="document:").exists()


ART59_ELEMENTS = [
    ("party_name", "当事人姓名或者名称"),
    ("party_id_number", "统一社会信用代码或身份证件号码"),
    ("party_address", "当事人地址"),
    ("facts", "违反法律、法规、规章的事实"),
    ("evidence", "证据"),
    ("legal_basis", "行政处罚的依据"),
    ("penalty", "行政处罚的种类和内容"),
    ("performance", "行政处罚的履行方式和期限"),
    ("remedies", "申请行政复议、提起行政诉讼的途径和期限"),
    ("agency_name", "行政机关名称"),
    ("seal_name", "印章"),
]


def test_each_art59_element_is_mandatory(case_a, handler_a, head_a):
    """行政处罚法 第五十九条: each element missing alone refuses the issue, by name."""
    for key, label in ART59_ELEMENTS:
        doc = services.create_draft(case_a, "penalty_decision", {}, handler_a)
        content = complete_content("penalty_decision", doc.content)
        content = {**doc.content, **content, key: ""}
        content.pop("document_date", None)
        doc = services.update_draft(doc, content, handler_a)
        with pytest.raises(DomainError) as exc:
            services.issue_document(doc, head_a)
        assert exc.value.details == [label], key
        assert label in str(exc.value), key


def test_rendering_failure_writes_nothing(case_a, handler_a, head_a, monkeypatch):
    doc = services.create_draft(case_a, "penalty_decision", {}, handler_a)
    doc = services.update_draft(doc, complete_content("penalty_decision", doc.content), handler_a)
    leaves = Leaf.objects.count()

    def boom(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(services, "render_docx_bytes", boom)
    with pytest.raises(RuntimeError):
        services.issue_document(doc, head_a)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.DRAFT and doc.number is None and doc.sha256 == ""
    assert Leaf.objects.count() == leaves
    assert not Sequence.objects.filter(name__startswith="document:", last__gt=0).exists()
    monkeypatch.undo()
    issued = services.issue_document(doc, head_a)
    assert issued.serial == 1  # no gap


def test_issue_twice_refused(make_issued, handler_a):
    doc = make_issued("prior_notice")
    with pytest.raises(DomainError) as exc:
        services.issue_document(doc, handler_a)
    assert exc.value.code == ErrorCode.IMMUTABLE


def test_decisions_are_issued_by_the_head(case_a, handler_a, head_a):
    for kind in ("penalty_decision", "seizure_decision"):
        doc = services.create_draft(case_a, kind, {}, handler_a)
        doc = services.update_draft(doc, complete_content(kind, doc.content), handler_a)
        with pytest.raises(PermissionDenied, match="机关负责人"):
            services.issue_document(doc, handler_a)
        assert services.issue_document(doc, head_a).number


def test_case_main_decision(case_a, handler_a):
    decision = services.create_draft(case_a, "penalty_decision", {}, handler_a)
    seizure = services.create_draft(case_a, "seizure_decision", {}, handler_a)
    notice = services.create_draft(case_a, "prior_notice", {}, handler_a)
    assert services.is_case_main_decision(decision)
    assert not services.is_case_main_decision(seizure)  # a measure during investigation
    assert not services.is_case_main_decision(notice)


def test_review_gate_refuses_unreviewed_decision_and_writes_nothing(
    review_gate, case_a, handler_a, head_a
):
    """Integration with the legal-review app: ``issue_document`` calls its gate, which
    refuses a general-procedure penalty decision that was not reviewed; the refused issue
    leaves no trace."""
    doc = services.create_draft(case_a, "penalty_decision", {}, handler_a)
    doc = services.update_draft(doc, complete_content("penalty_decision", doc.content), handler_a)
    leaves = Leaf.objects.count()
    with pytest.raises(DomainError) as exc:
        services.issue_document(doc, head_a)
    assert exc.value.code == ErrorCode.REVIEW_REQUIRED
    doc.refresh_from_db()
    assert doc.is_draft and doc.number is None
    assert Leaf.objects.count() == leaves
    assert not Sequence.objects.filter(name__startswith="document:", last__gt=0).exists()
