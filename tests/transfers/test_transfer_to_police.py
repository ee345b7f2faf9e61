"""Transferring a case to the police (移送规定第五条、第六条): approval, materials, time limits."""

import datetime as dt

import pytest

from sanxiang.appeals import limits
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.transfers import services
from sanxiang.transfers.models import TransferStatus
from tests.transfers.conftest import ago, transfer

pytestmark = pytest.mark.django_db


def test_limits_are_calendar_days_extended_over_holidays():
    d = dt.date(2026, 9, 30)  # + 3 days = 3 October (国庆节)
    assert limits.days_limit(d, 3) > dt.date(2026, 10, 3)
    assert limits.days_limit(dt.date(2026, 6, 8), 3) == dt.date(2026, 6, 11)  # calendar days
    assert limits.hours_limit(dt.date(2026, 9, 30)) == dt.date(2026, 10, 1)  # 24 hours


def test_record_transfer_with_deadlines(flow, head_a):
    case = flow.in_decision()
    t = transfer(case, head_a)
    assert t.status == TransferStatus.TRANSFERRED
    assert t.approval_deadline == limits.days_limit(ago(9), 3)  # 第五条
    assert t.transfer_deadline == ago(7)  # 24 hours
    assert t.police_deadline == limits.days_limit(ago(8), 3)  # 第八条
    assert not t.approval_late and not t.transfer_late


def test_late_approval_and_late_transfer_are_flagged(flow, head_a):
    case = flow.in_decision()
    t = transfer(case, head_a, reported_on=ago(20), approved_on=ago(10), transferred_on=ago(8))
    assert t.approval_late and t.transfer_late
    texts = services.flags(t)
    assert any("3日" in f for f in texts) and any("24小时" in f for f in texts)


def test_materials_of_article_6_required(flow, head_a):
    case = flow.in_decision()
    with pytest.raises(DomainError) as e:
        transfer(case, head_a, materials=["涉案物品清单"])
    assert "第六条" in str(e.value) and "移送书" in str(e.value)


def test_only_the_head_of_the_agency_approves(flow, handler_a, head_b, supervisor):
    case = flow.in_decision()
    for user in (handler_a, head_b, supervisor):
        with pytest.raises(PermissionDenied):
            transfer(case, user)


def test_dates_in_order(flow, head_a):
    case = flow.in_decision()
    with pytest.raises(DomainError):
        transfer(case, head_a, approved_on=ago(10))  # before the report
    with pytest.raises(DomainError):
        transfer(case, head_a, transferred_on=ago(9))  # before approval
    with pytest.raises(DomainError):
        transfer(case, head_a, transferred_on=clock.today() + dt.timedelta(days=1))


def test_one_open_transfer_per_case(flow, head_a):
    case = flow.in_decision()
    transfer(case, head_a)
    with pytest.raises(DomainError) as e:
        transfer(case, head_a)
    assert e.value.code == ErrorCode.CONFLICT
