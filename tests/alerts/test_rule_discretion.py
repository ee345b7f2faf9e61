"""Rule 5: a decision issued with a discretion flag and no written reason for that fine."""

import datetime as dt
from decimal import Decimal

import pytest

from sanxiang.alerts.rules import RULES

from .conftest import at, decided_case, discretion_for, live, make_review, run

pytestmark = pytest.mark.django_db


def test_rule_five_is_in_the_catalogue():
    assert [r.number for r in RULES][:6] == [1, 2, 3, 4, 5, 6]


def test_fine_decided_above_the_tier_without_reason_raises(agency_a, tiers):
    # reviewed at 5,000 (inside 一般 2,000–6,000), then decided at 9,000 with no reason
    case = decided_case(agency_a, 1, 9000)
    make_review(case, discretion=discretion_for(tiers["一般"], 5000))
    run("flagged_fine_without_reason")
    [alert] = live("flagged_fine_without_reason")
    assert "未书面说明理由" in alert.detail and "高于该档次上限" in alert.detail


def test_fine_inside_the_tier_or_without_tier_no_alert(agency_a, tiers):
    case = decided_case(agency_a, 1, 5000)
    make_review(case, discretion=discretion_for(tiers["一般"], 5000))
    decided_case(agency_a, 2, 90000)  # no tier named anywhere: nothing to compare
    run("flagged_fine_without_reason")
    assert live("flagged_fine_without_reason") == []


def test_written_reason_for_that_very_fine_no_alert(agency_a, tiers, handler_a):
    from sanxiang.discretion.models import Assessment

    case = decided_case(agency_a, 1, 9000)
    make_review(case, discretion=discretion_for(tiers["一般"], 9000))

    def assessed(fine, reason):
        return Assessment.objects.create(
            case=case,
            agency=agency_a,
            tier=tiers["一般"],
            fine=Decimal(fine),
            flagged=True,
            flags=["高于该档次上限"],
            reason=reason,
            created_by=handler_a,
            created_at=at(dt.date(2026, 10, 30)),
        )

    assessed("8000", "理由针对另一金额")
    run("flagged_fine_without_reason")
    assert len(live("flagged_fine_without_reason")) == 1
    assessed("9000", "违法持续时间长，从重处罚。")
    run("flagged_fine_without_reason")
    assert live("flagged_fine_without_reason") == []  # auto-resolved by the next run
