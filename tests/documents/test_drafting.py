"""Drafting documents: each starts from what the case and the previous document hold; drafts are edited, checked and discarded."""

import pytest

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.documents import services
from sanxiang.documents.models import (
    Document,
    DocumentStatus,
)
from sanxiang.ledger.models import Leaf

from .conftest import COMPANY_USCI, PARTY_NAME, complete_content


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


def test_hearing_notice_needs_seven_days(case_a, handler_a):
    import datetime as dt

    doc = services.create_draft(case_a, "hearing_notice", {}, handler_a)
    content = complete_content("hearing_notice", doc.content)
    content["hearing_time"] = f"{(dt.date.today() + dt.timedelta(days=3)).isoformat()}T09:00"
    doc = services.update_draft(doc, content, handler_a)
    with pytest.raises(DomainError, match="七日前") as exc:
        services.issue_document(doc, handler_a)
    assert exc.value.code == ErrorCode.DEADLINE


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
