"""Correcting an issued document: a reasoned correction chain, never an edit."""

import pytest

from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.documents import services
from sanxiang.documents.models import (
    Document,
    DocumentCorrection,
    DocumentStatus,
)
from sanxiang.ledger import personal
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf


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
    assert "处罚金额笔误" not in leaf.content  # typed text only as a keyed digest (#11.4)
    assert personal.matches("处罚金额笔误", leaf.payload["reason"])
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
