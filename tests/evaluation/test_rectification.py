"""整改通知: working-day deadline, refusals, issued → reported → returned → reported → closed, who
may report or decide, overdue."""

import datetime as dt

import pytest

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.evaluation import services
from sanxiang.evaluation.models import RectificationStatus
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.workdays.calendar import add_workdays

from .conftest import first_sheet, full


def test_rectification_deadline_in_working_days(rect):
    assert rect.workdays == 20
    assert rect.deadline == add_workdays(clock.local_date(rect.issued_at), 20)
    assert rect.status == RectificationStatus.ISSUED
    assert Leaf.objects.filter(event_type=EventType.EVALUATION_RECTIFICATION_ISSUED).exists()


def test_rectification_custom_workdays(sampled, supervisor):
    sheet = services.submit_sheet(first_sheet(sampled), supervisor, deductions=full(law=5))
    rect = services.issue_rectification(sheet, supervisor, requirements="整改", workdays=5)
    assert rect.deadline == add_workdays(clock.local_date(rect.issued_at), 5)


def test_rectification_refused_before_submission_without_deductions_and_twice(
    sampled, supervisor, rect
):
    sheets = list(sampled.sheets.exclude(pk=rect.sheet_id).order_by("order"))
    with pytest.raises(DomainError) as exc:
        services.issue_rectification(sheets[0], supervisor, requirements="x")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    clean = services.submit_sheet(sheets[0], supervisor, deductions={})
    with pytest.raises(DomainError, match="没有扣分项"):
        services.issue_rectification(clean, supervisor, requirements="x")
    with pytest.raises(DomainError, match="已发出整改通知"):
        services.issue_rectification(rect.sheet, supervisor, requirements="x")
    with pytest.raises(DomainError, match="请填写整改要求"):
        services.issue_rectification(
            services.submit_sheet(sheets[1], supervisor, deductions=full(law=1)),
            supervisor,
            requirements=" ",
        )


def test_rectification_state_machine(rect, supervisor, handler_a, head_a):
    with pytest.raises(DomainError) as exc:
        services.accept_report(rect, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    with pytest.raises(DomainError) as exc:
        services.return_report(rect, supervisor, reason="x")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    with pytest.raises(DomainError, match="请填写整改报告"):
        services.submit_report(rect, handler_a, report="  ")
    rect = services.submit_report(rect, handler_a, report="已补正。")
    assert rect.status == RectificationStatus.REPORTED
    with pytest.raises(DomainError) as exc:
        services.submit_report(rect, handler_a, report="再报")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    with pytest.raises(DomainError, match="请填写退回理由"):
        services.return_report(rect, supervisor, reason="")
    rect = services.return_report(rect, supervisor, reason="音像记录未补传。")
    assert rect.status == RectificationStatus.RETURNED and rect.returned_count == 1
    rect = services.submit_report(rect, head_a, report="已补传音像记录。")
    with pytest.raises(DomainError, match="不能再次退回") as exc:
        services.return_report(rect, supervisor, reason="还是不行")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    rect = services.accept_report(rect, supervisor)
    assert rect.status == RectificationStatus.CLOSED and rect.closed_by == supervisor
    with pytest.raises(DomainError) as exc:
        services.submit_report(rect, handler_a, report="x")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    types = [
        EventType.EVALUATION_RECTIFICATION_REPORTED,
        EventType.EVALUATION_RECTIFICATION_RETURNED,
        EventType.EVALUATION_RECTIFICATION_CLOSED,
    ]
    assert Leaf.objects.filter(event_type__in=types).count() == 4


def test_report_only_by_own_agency_handler_or_head(rect, handler_b, reviewer_a, supervisor):
    for user in (handler_b, reviewer_a, supervisor):
        with pytest.raises(DomainError) as exc:
            services.submit_report(rect, user, report="x")
        assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_agency_cannot_accept_its_own_report(rect, handler_a, head_a):
    services.submit_report(rect, handler_a, report="已整改")
    with pytest.raises(DomainError) as exc:
        services.accept_report(rect, head_a)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_overdue_flag(rect, handler_a):
    day = rect.deadline
    assert not rect.is_overdue(day)
    assert rect.is_overdue(day + dt.timedelta(days=1))
    rect = services.submit_report(rect, handler_a, report="已整改")
    assert not rect.is_overdue(day + dt.timedelta(days=1))
