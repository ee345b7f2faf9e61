"""评分表: scoring a sampled case file once, deduction rules, who may score, the case's facts."""

import pytest

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.evaluation import services
from sanxiang.evaluation.models import RoundStatus, Sheet
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf

from .conftest import first_sheet, full


def test_submit_sheet_scores_and_fixes(sampled, supervisor):
    sheet = services.submit_sheet(
        first_sheet(sampled), supervisor, deductions=full(facts=8, procedure=10), comment="意见"
    )
    assert sheet.score == 82 and sheet.grade == "pass"
    assert sheet.deductions["facts"] == {"deduction": 8, "note": "facts扣分理由"}
    assert sheet.deductions["law"] == {"deduction": 0, "note": ""}
    sampled.refresh_from_db()
    assert sampled.status == RoundStatus.SCORING
    leaf = Leaf.objects.get(event_type=EventType.EVALUATION_SHEET_SUBMITTED)
    assert leaf.payload["score"] == 82


def test_submitted_sheet_is_immutable(sampled, supervisor):
    sheet = services.submit_sheet(first_sheet(sampled), supervisor, deductions={})
    with pytest.raises(DomainError) as exc:
        services.submit_sheet(sheet, supervisor, deductions=full(facts=20))
    assert exc.value.code == ErrorCode.IMMUTABLE
    sheet.refresh_from_db()
    assert sheet.score == 100


@pytest.mark.parametrize("value", [-1, 21, "x"])
def test_deduction_bounds(sampled, supervisor, value):
    with pytest.raises(DomainError, match="事实清楚、证据确凿”扣分应为0至20"):
        services.submit_sheet(first_sheet(sampled), supervisor, deductions={"facts": (value, "n")})


def test_maximum_deduction_allowed(sampled, supervisor):
    sheet = services.submit_sheet(first_sheet(sampled), supervisor, deductions=full(facts=20))
    assert sheet.score == 80


def test_note_required_when_deducting(sampled, supervisor):
    with pytest.raises(DomainError, match="须写明扣分理由"):
        services.submit_sheet(first_sheet(sampled), supervisor, deductions={"law": (3, " ")})
    assert not Sheet.objects.filter(submitted_at__isnull=False).exists()


def test_unknown_item_refused(sampled, supervisor):
    with pytest.raises(DomainError, match="未知评查项目"):
        services.submit_sheet(first_sheet(sampled), supervisor, deductions={"bogus": (1, "n")})


@pytest.mark.parametrize("who", ["handler_a", "head_a"])
def test_agency_cannot_score(request, who, sampled):
    with pytest.raises(DomainError) as exc:
        services.submit_sheet(first_sheet(sampled), request.getfixturevalue(who), deductions={})
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_case_facts_are_read_from_the_case(sampled):
    facts = services.case_facts(first_sheet(sampled).case)
    assert facts["stage"] == "归档"
    assert facts["documents_count"] == 0 and facts["recordings_count"] == 0
    assert facts["review_exists"] is False and facts["review_passed"] is False
