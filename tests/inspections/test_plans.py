"""Planning a 双随机 inspection: who may plan, what a plan must say, editing in draft only."""

import datetime as dt

import pytest

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.inspections import services

from .conftest import add_targets, plan_data

SEED = "00" * 31 + "01"


@pytest.mark.parametrize(
    "over, fragment",
    [
        ({"ratio_a": 101}, "A类抽查比例"),
        ({"ratio_d": -1}, "D类抽查比例"),
        ({"ratio_b": "5"}, "B类抽查比例"),
        ({"inspectors_per_task": 1}, "不得少于2名"),
        ({"end_date": dt.date(2026, 9, 30)}, "结束日期不能早于开始日期"),
        ({"title": "  "}, "计划名称不能为空"),
    ],
)
def test_plan_validation(agency_a, handler_a, item_a, over, fragment):
    with pytest.raises(DomainError) as err:
        services.create_plan(agency_a, handler_a, **plan_data(item_a, **over))
    assert fragment in str(err.value)


def test_plan_ratio_bounds_are_inclusive(agency_a, handler_a, item_a):
    plan = services.create_plan(agency_a, handler_a, **plan_data(item_a, ratio_a=0, ratio_d=100))
    assert plan.ratios == {"A": 0, "B": 5, "C": 10, "D": 100}


def test_plan_item_must_be_the_agencys_published_item(agency_a, handler_a, item_b):
    with pytest.raises(DomainError) as err:
        services.create_plan(agency_a, handler_a, **plan_data(item_b))
    assert "随机抽查事项清单" in str(err.value)


def test_reviewer_and_other_agency_cannot_plan(agency_a, reviewer_a, handler_b, item_a):
    with pytest.raises(PermissionDenied):
        services.create_plan(agency_a, reviewer_a, **plan_data(item_a))
    with pytest.raises(PermissionDenied):
        services.create_plan(agency_a, handler_b, **plan_data(item_a))


def test_edit_in_draft_only(plan_a, handler_a, inspectors_a):
    services.update_plan(plan_a, handler_a, ratio_b=7, title="改名")
    plan_a.refresh_from_db()
    assert (plan_a.ratio_b, plan_a.title) == (7, "改名")
    add_targets(plan_a.agency, handler_a, {"B": 3})
    services.draw(plan_a, handler_a, seed_hex=SEED)
    with pytest.raises(DomainError) as err:
        services.update_plan(plan_a, handler_a, ratio_b=50)
    assert err.value.code == ErrorCode.ILLEGAL_TRANSITION
    plan_a.refresh_from_db()
    assert plan_a.ratio_b == 7


def test_update_validates_too(plan_a, handler_a):
    with pytest.raises(DomainError):
        services.update_plan(plan_a, handler_a, inspectors_per_task=1)


def test_unknown_plan_fields_refused(agency_a, handler_a, item_a, plan_a):
    with pytest.raises(DomainError):
        services.create_plan(agency_a, handler_a, **plan_data(item_a, status="completed"))
    with pytest.raises(DomainError):
        services.update_plan(plan_a, handler_a, seed="00")
