"""整改通知 per agency with findings: working-day deadline and its bounds, once per agency, issued
→ reported → returned → reported → closed, notifications."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.notifications.models import Notification
from sanxiang.patrol import services
from sanxiang.patrol.models import NoticeStatus
from sanxiang.workdays import calendar
from sanxiang.workdays.models import TrackedDeadline

from .conftest import TODAY, first, with_finding


def test_notice_deadline_in_working_days(sampled, supervisor, agency_a):
    with_finding(sampled, supervisor, agency_a)
    notice = services.issue_notice(
        sampled, agency_a, supervisor, requirements="更正标题", workdays=10
    )
    assert notice.deadline == calendar.add_workdays(TODAY, 10)
    assert notice.status == NoticeStatus.ISSUED
    tracked = TrackedDeadline.objects.get(kind="patrol.rectification", object_id=notice.pk)
    assert tracked is not None
    assert Leaf.objects.filter(event_type=EventType.PATROL_NOTICE_ISSUED).count() == 1


def test_notice_deadline_bounds(sampled, supervisor, agency_a):
    with_finding(sampled, supervisor, agency_a)
    for bad in (0, 121, "5"):
        with pytest.raises(DomainError) as exc:
            services.issue_notice(sampled, agency_a, supervisor, requirements="x", workdays=bad)
        assert exc.value.code == ErrorCode.DEADLINE


def test_notice_needs_findings(sampled, supervisor, agency_a):
    services.submit_item(first(sampled, agency_a), supervisor, deductions={})
    with pytest.raises(DomainError) as exc:
        services.issue_notice(sampled, agency_a, supervisor, requirements="x")
    assert "无须整改" in str(exc.value)


def test_notice_once_per_agency(sampled, supervisor, agency_a):
    with_finding(sampled, supervisor, agency_a)
    services.issue_notice(sampled, agency_a, supervisor, requirements="x")
    with pytest.raises(DomainError) as exc:
        services.issue_notice(sampled, agency_a, supervisor, requirements="x")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_notice_flow_report_return_report_close(
    sampled, supervisor, agency_a, handler_a, head_a, handler_b, time_machine
):
    with_finding(sampled, supervisor, agency_a)
    notice = services.issue_notice(sampled, agency_a, supervisor, requirements="x", workdays=1)
    with pytest.raises(DomainError) as exc:
        services.accept_report(notice, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    with pytest.raises(PermissionDenied):
        services.submit_report(notice, handler_b, report="不是我们的")
    with pytest.raises(PermissionDenied):
        services.submit_report(notice, supervisor, report="监督人员不能代报")
    time_machine.move_to(dt.datetime(2026, 5, 25, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert notice.is_overdue(dt.date(2026, 5, 25))
    notice = services.submit_report(notice, handler_a, report="已更正标题")
    assert Notification.objects.filter(user=supervisor, title__contains="整改报告").exists()
    assert Notification.objects.filter(user=head_a, title__contains="整改通知").exists()
    assert Leaf.objects.filter(event_type=EventType.PATROL_NOTICE_REPORTED).get().payload["late"]
    with pytest.raises(PermissionDenied):
        services.accept_report(notice, head_a)
    notice = services.return_report(notice, supervisor, reason="未附截图")
    assert notice.status == NoticeStatus.RETURNED
    notice = services.submit_report(notice, head_a, report="已更正并附截图")
    with pytest.raises(DomainError) as exc:
        services.return_report(notice, supervisor, reason="再退")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    notice = services.accept_report(notice, supervisor)
    assert notice.status == NoticeStatus.CLOSED
    with pytest.raises(DomainError):
        services.submit_report(notice, handler_a, report="again")
