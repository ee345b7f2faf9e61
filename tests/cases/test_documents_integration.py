"""decide() issues the draft decision document through the documents app after the gates."""

import pytest

from sanxiang.cases import services
from sanxiang.cases.services import effects
from sanxiang.core.errors import DomainError
from sanxiang.documents import services as documents
from sanxiang.review import services as review


def _no_review_needed(case, user, doc):
    """The legal-review gate guards issuing decisions; with the agency's "review every
    general penalty" policy off and no catalogue rule matching, its scope assessment says
    no review is needed."""
    from sanxiang.org.models import Agency

    Agency.objects.filter(pk=case.agency_id).update(review_all_general_penalties=False)
    case.agency.refresh_from_db()
    scope = review.assess_scope(case, {}, user, document=doc)
    assert not scope.required


def _draft(case, user):
    content = documents.prefill(case, "penalty_decision")
    content["violated_provisions"] = "《中华人民共和国食品安全法》第三十四条第十项"
    content["facts"] = content.get("facts") or "当事人销售过期食品12袋。"
    content["evidence"] = "现场检查笔录、现场照片6张、询问笔录"
    return documents.create_draft(case, "penalty_decision", content, user)


def test_decide_issues_the_decision_document(flow, head_a, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    case = flow.noticed()
    doc = _draft(case, head_a)
    assert doc.status == "draft"
    _no_review_needed(case, flow.handler, doc)
    services.decide(
        case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="5000", document=doc
    )
    case.refresh_from_db()
    doc.refresh_from_db()
    assert doc.status == "issued" and doc.number
    assert case.decision_document_id == doc.pk and case.decision_number == doc.number
    assert case.events.last().data["document"]["number"] == doc.number


def test_gate_refusal_leaves_document_draft(flow, head_a, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path)
    case = flow.noticed()
    doc = _draft(case, head_a)

    def gate(c, d, a):
        assert d.pk == doc.pk
        raise DomainError("须经法制审核")

    monkeypatch.setattr(effects, "review_gate", gate)
    with pytest.raises(DomainError):
        services.decide(
            case,
            actor=head_a,
            outcome="penalty",
            penalty_kinds=["fine"],
            fine="5000",
            document=doc,
        )
    doc.refresh_from_db()
    assert doc.status == "draft" and not doc.number


def test_document_of_other_case_refused(flow, head_a, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    other = flow.noticed()
    case = flow.noticed()
    doc = _draft(other, head_a)
    with pytest.raises(DomainError) as exc:
        services.decide(
            case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="5000", document=doc
        )
    assert "不属于本案件" in str(exc.value)
