"""Drafting, issuing, immutability, corrections and permissions."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from sequences.models import Sequence

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.documents import services
from sanxiang.documents.models import (
    Document,
    DocumentCorrection,
    DocumentStatus,
)
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf

from .conftest import COMPANY_USCI, PARTY_NAME, complete_content


def tz():
    from django.utils import timezone

    return timezone.get_current_timezone()


# ------------------------------------------------------------------------- prefill


def test_prefill_penalty_decision_from_case(case_a, handler_a, agency_a):
    data = services.prefill(case_a, "penalty_decision")
    assert data["party_name"] == PARTY_NAME
    assert data["party_id_number"] == COMPANY_USCI
    assert data["party_address"] == "测试县城关镇兴业路8号"
    assert data["agency_name"] == agency_a.name
    assert "食品安全法" in data["legal_basis"]
    assert "警告" in data["penalty"] and "罚款人民币5,000.00元（大写：伍仟元整）" in data["penalty"]
    assert "六十日内" in data["remedies"] and "六个月内" in data["remedies"]
    assert "行政复议" in data["remedies"] and "行政诉讼" in data["remedies"]
    assert "十五日内" in data["performance"] and "百分之三" in data["performance"]
    assert data["case_number"] == case_a.number
    assert "document_date" not in data  # filled when issued


def test_prefill_prior_notice_lists_rights_and_handlers(case_a):
    data = services.prefill(case_a, "prior_notice")
    assert "陈述、申辩" in data["rights"]
    assert "罚款" in data["proposed_penalty"]
    handlers = services.prefill(case_a, "inspection_record")["handlers"]
    assert "TEST-A-0001" in handlers and "TEST-A-0002" in handlers


# ------------------------------------------------------------------------- drafts


def test_create_update_and_content_hash(case_a, handler_a):
    doc = services.create_draft(case_a, "penalty_decision", {"facts": "事实一"}, handler_a)
    assert doc.status == DocumentStatus.DRAFT and doc.number is None
    assert doc.content["facts"] == "事实一"
    h1 = services.draft_content_hash(doc)
    assert h1 == services.draft_content_hash(Document.objects.get(pk=doc.pk))
    doc = services.update_draft(doc, {"evidence": "证据一"}, handler_a)
    assert doc.content["facts"] == "事实一" and doc.content["evidence"] == "证据一"
    assert services.draft_content_hash(doc) != h1


def test_unknown_and_malformed_content_refused(case_a, handler_a):
    with pytest.raises(DomainError, match="未知项目"):
        services.create_draft(case_a, "penalty_decision", {"is_admin": "1"}, handler_a)
    with pytest.raises(DomainError, match="格式无效"):
        services.create_draft(case_a, "penalty_decision", {"facts": ["x"]}, handler_a)
    with pytest.raises(DomainError, match="有效时间"):
        services.create_draft(case_a, "hearing_notice", {"hearing_time": "明天"}, handler_a)
    with pytest.raises(DomainError, match="未知的文书种类"):
        services.create_draft(case_a, "secret_kind", {}, handler_a)


def test_document_date_cannot_be_set_by_hand(case_a, handler_a):
    doc = services.create_draft(case_a, "other", {"document_date": "2020-01-01"}, handler_a)
    assert "document_date" not in doc.content


def test_discard_draft(case_a, handler_a, handler_b):
    doc = services.create_draft(case_a, "other", {}, handler_a)
    with pytest.raises(PermissionDenied):
        services.discard_draft(doc, handler_b)
    services.discard_draft(doc, handler_a)
    assert not Document.objects.filter(pk=doc.pk).exists()


# ------------------------------------------------------------------------- issuing


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


def test_hearing_notice_needs_seven_days(case_a, handler_a):
    import datetime as dt

    doc = services.create_draft(case_a, "hearing_notice", {}, handler_a)
    content = complete_content("hearing_notice", doc.content)
    content["hearing_time"] = f"{(dt.date.today() + dt.timedelta(days=3)).isoformat()}T09:00"
    doc = services.update_draft(doc, content, handler_a)
    with pytest.raises(DomainError, match="七日前") as exc:
        services.issue_document(doc, handler_a)
    assert exc.value.code == ErrorCode.DEADLINE


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


# ------------------------------------------------------------------------- immutability


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


# ------------------------------------------------------------------------- corrections


def test_correction_chain(make_issued, head_a):
    original = make_issued("penalty_decision")
    new = services.correct_document(
        original, {"penalty": "罚款人民币4,000.00元。"}, "处罚金额笔误", head_a
    )
    original.refresh_from_db()
    assert original.status == DocumentStatus.ISSUED  # untouched
    assert original.is_superseded and original.superseded_by == new
    assert new.previous == original and new.version == 2
    assert new.number != original.number and new.serial == original.serial + 1
    assert new.content["penalty"] == "罚款人民币4,000.00元。"
    assert new.content["facts"] == original.content["facts"]
    assert not new.is_superseded
    corr = DocumentCorrection.objects.get(original=original)
    assert corr.reason == "处罚金额笔误"
    leaf = Leaf.objects.get(index=corr.ledger_index)
    assert leaf.event_type == EventType.DOCUMENT_CORRECTED
    assert leaf.payload["original_number"] == original.number
    assert leaf.payload["correction_sha256"] == new.sha256
    from sanxiang.documents.rendering import pdf_text

    assert original.number in "".join(pdf_text(services.render_pdf(new)).split())
    assert list(Document.objects.current().filter(kind="penalty_decision")) == [new]
    # the superseded one cannot be corrected again; the new one can
    with pytest.raises(DomainError, match="已被更正"):
        services.correct_document(original, {"penalty": "警告。"}, "再次更正", head_a)
    third = services.correct_document(new, {"penalty": "警告。"}, "再次更正", head_a)
    assert third.version == 3 and third.previous == new


def test_correction_needs_reason_change_and_issued(make_issued, case_a, handler_a, head_a):
    doc = make_issued("penalty_decision")
    with pytest.raises(DomainError, match="更正理由"):
        services.correct_document(doc, {"penalty": "警告。"}, "  ", head_a)
    with pytest.raises(DomainError, match="相同"):
        services.correct_document(doc, {"penalty": doc.content["penalty"]}, "无变化", head_a)
    # the handler may correct its own documents, but not a decision
    with pytest.raises(PermissionDenied, match="机关负责人"):
        services.correct_document(doc, {"penalty": "警告。"}, "理由", handler_a)
    draft = services.create_draft(case_a, "other", {}, handler_a)
    with pytest.raises(DomainError, match="草稿"):
        services.correct_document(draft, {"body": "x"}, "理由", handler_a)


# ------------------------------------------------------------------------- permissions


def test_other_agency_refused(case_a, handler_a, handler_b, head_b, make_issued):
    # handler_a drafts; foreign users may neither draft, edit, issue nor correct
    with pytest.raises(PermissionDenied):
        services.create_draft(case_a, "penalty_decision", {}, handler_b)
    draft = services.create_draft(case_a, "penalty_decision", {}, handler_a)
    for actor in (handler_b, head_b):
        with pytest.raises(PermissionDenied):
            services.update_draft(draft, {"facts": "x"}, actor)
        with pytest.raises(PermissionDenied):
            services.issue_document(draft, actor)
    issued = make_issued("prior_notice")
    with pytest.raises(PermissionDenied):
        services.correct_document(issued, {"facts": "x"}, "理由", head_b)


def test_roles(case_a, handler_a, head_a, reviewer_a, supervisor, admin_user):
    # the head may draft and issue
    doc = services.create_draft(case_a, "other", {"title": "通知", "body": "正文"}, head_a)
    assert services.issue_document(doc, head_a).number
    # a reviewer may not draft a penalty decision, but may draft the review opinion
    with pytest.raises(PermissionDenied):
        services.create_draft(case_a, "penalty_decision", {}, reviewer_a)
    services.create_draft(case_a, "review_opinion", {}, reviewer_a)
    # a handler may not draft the review opinion (办审分离)
    with pytest.raises(PermissionDenied):
        services.create_draft(case_a, "review_opinion", {}, handler_a)
    for actor in (supervisor, admin_user):
        with pytest.raises(PermissionDenied):
            services.create_draft(case_a, "penalty_decision", {}, actor)


def test_handler_not_on_the_case_refused(case_a, agency_a):
    from sanxiang.org.models import Role
    from tests.conftest import make_user

    outsider = make_user("handler_a9", Role.HANDLER, agency_a, "局外人")
    with pytest.raises(PermissionDenied, match="办案人员"):
        services.create_draft(case_a, "penalty_decision", {}, outsider)


def test_non_case_document_for_own_agency(handler_a, handler_b, agency_a):
    doc = services.create_draft(None, "other", {"title": "工作通知", "body": "正文"}, handler_a)
    assert doc.agency == agency_a and doc.case is None
    with pytest.raises(PermissionDenied):
        services.update_draft(doc, {"body": "x"}, handler_b)
    issued = services.issue_document(doc, handler_a)
    assert Leaf.objects.get(index=issued.ledger_index).subject == f"document:{issued.pk}"


def test_service_receipt_refers_to_latest_served_document(make_issued, case_a):
    decision = make_issued("penalty_decision")
    make_issued("inspection_record")  # not a served document
    data = services.prefill(case_a, "service_receipt")
    assert data["served_document"] == f"《行政处罚决定书》（{decision.number}）"
    assert data["recipient"] == PARTY_NAME


def test_archived_case_refuses_new_documents(case_a, handler_a):
    from sanxiang.cases.models import Case

    Case.objects.filter(pk=case_a.pk).update(stage="archived")
    case_a.refresh_from_db()
    with pytest.raises(DomainError, match="已归档"):
        services.create_draft(case_a, "other", {}, handler_a)


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


def test_penalty_decision_prefill_records_the_prior_notice(make_issued, case_a):
    from sanxiang.cases.models import Case

    notice = make_issued("prior_notice")
    Case.objects.filter(pk=case_a.pk).update(statement_waived=True)
    case_a.refresh_from_db()
    text = services.prefill(case_a, "penalty_decision")["statement_review"]
    assert notice.number in text and "书面放弃陈述、申辩权利" in text


def test_evidence_starts_from_what_the_case_holds(case_a, make_issued):
    """证据 is typed once (issue #13 item 3): a new 告知书/决定书 starts from the evidence
    recorded with the case's enforcement activities, and the 决定书 from the issued
    告知书's 证据 once the handler has edited it there."""
    import datetime as dt

    from sanxiang.cases.models import CaseEvent, EventKind

    at = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    CaseEvent.objects.create(
        case=case_a,
        kind=EventKind.ACTIVITY,
        stage=case_a.stage,
        activity="on_site_inspection",
        at=at,
        data={"evidence": ["现场照片6张", "现场检查笔录"]},
    )
    text = services.prefill(case_a, "prior_notice")["evidence"]
    assert text.splitlines() == [
        "1. 2026年11月20日现场检查（勘验）：现场照片6张",
        "2. 2026年11月20日现场检查（勘验）：现场检查笔录",
    ]
    notice = make_issued(
        "prior_notice", extra={"evidence": "现场照片6张；现场检查笔录；询问笔录1份"}
    )
    assert notice.content["evidence"] == "现场照片6张；现场检查笔录；询问笔录1份"
    assert services.prefill(case_a, "penalty_decision")["evidence"] == notice.content["evidence"]
