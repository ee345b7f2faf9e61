"""Scoring validation, notices with working-day deadlines, conclusion, figures, ledger."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.notifications.models import Notification
from sanxiang.patrol import services
from sanxiang.patrol.figures import patrol_figures
from sanxiang.patrol.models import NoticeStatus, RoundStatus
from sanxiang.workdays import calendar
from sanxiang.workdays.models import TrackedDeadline

from .conftest import TODAY, make_round, publish_leaky_version, score_all


def first(rnd, agency=None):
    qs = rnd.items.order_by("order")
    return (qs.filter(agency=agency) if agency else qs).first()


# --------------------------------------------------------------------------- rounds


def test_round_needs_quarter_agencies_and_size(supervisor, agency_a):
    with pytest.raises(DomainError) as exc:
        services.create_round(
            supervisor.agency, supervisor, year=2026, quarter=5, agencies=[], sample_size=0
        )
    msg = str(exc.value)
    assert "季度" in msg and "被巡查机关" in msg and "抽取条数" in msg


def test_round_once_per_quarter(supervisor, agency_a):
    make_round(supervisor, [agency_a])
    with pytest.raises(DomainError) as exc:
        make_round(supervisor, [agency_a])
    assert exc.value.code == ErrorCode.CONFLICT


def test_future_quarter_refused(supervisor, agency_a):
    with pytest.raises(DomainError):
        make_round(supervisor, [agency_a], quarter=3)


def test_quarter_period():
    assert services.quarter_period(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert services.quarter_period(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


# --------------------------------------------------------------------------- scoring


def test_score_is_100_minus_auto_and_manual(sampled, supervisor):
    item = first(sampled)
    publish_leaky_version(item.publication, "电话13912345678")
    item = services.recheck(item, supervisor)
    assert item.auto_deduction == 20
    item = services.submit_item(
        item, supervisor, deductions={"accuracy": (5, "罚款数额与决定书不一致")}, comment="须更正"
    )
    assert item.score == 75 and item.grade == "pass"
    assert services.finding_kinds(item) == ["redaction", "manual"]
    leaf = Leaf.objects.filter(event_type=EventType.PATROL_ITEM_SCORED).get()
    assert leaf.payload["score"] == 75 and leaf.payload["auto_deduction"] == 20


@pytest.mark.parametrize(
    ("deductions", "needle"),
    [
        ({"accuracy": (16, "x")}, "0至15"),
        ({"standard": (-1, "x")}, "0至10"),
        ({"privacy": ("abc", "x")}, "0至5"),
        ({"accuracy": (3, "  ")}, "须写明扣分理由"),
        ({"redaction": (0, "")}, "自动检查项目"),
        ({"bogus": (1, "x")}, "未知巡查项目"),
    ],
)
def test_scoring_validation(sampled, supervisor, deductions, needle):
    item = first(sampled)
    with pytest.raises(DomainError) as exc:
        services.submit_item(item, supervisor, deductions=deductions)
    assert needle in str(exc.value)
    item.refresh_from_db()
    assert item.submitted_at is None


def test_submitted_item_is_immutable(sampled, supervisor):
    item = services.submit_item(first(sampled), supervisor, deductions={})
    with pytest.raises(DomainError) as exc:
        services.submit_item(item, supervisor, deductions={})
    assert exc.value.code == ErrorCode.IMMUTABLE
    with pytest.raises(DomainError):
        services.recheck(item, supervisor)


# --------------------------------------------------------------------------- notices


def _with_finding(sampled, supervisor, agency):
    item = first(sampled, agency)
    return services.submit_item(item, supervisor, deductions={"standard": (4, "标题不明确")})


def test_notice_deadline_in_working_days(sampled, supervisor, agency_a):
    _with_finding(sampled, supervisor, agency_a)
    notice = services.issue_notice(
        sampled, agency_a, supervisor, requirements="更正标题", workdays=10
    )
    assert notice.deadline == calendar.add_workdays(TODAY, 10)
    assert notice.status == NoticeStatus.ISSUED
    tracked = TrackedDeadline.objects.get(kind="patrol.rectification", object_id=notice.pk)
    assert tracked is not None
    assert Leaf.objects.filter(event_type=EventType.PATROL_NOTICE_ISSUED).count() == 1


def test_notice_deadline_bounds(sampled, supervisor, agency_a):
    _with_finding(sampled, supervisor, agency_a)
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
    _with_finding(sampled, supervisor, agency_a)
    services.issue_notice(sampled, agency_a, supervisor, requirements="x")
    with pytest.raises(DomainError) as exc:
        services.issue_notice(sampled, agency_a, supervisor, requirements="x")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_notice_flow_report_return_report_close(
    sampled, supervisor, agency_a, handler_a, head_a, handler_b, time_machine
):
    _with_finding(sampled, supervisor, agency_a)
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


# --------------------------------------------------------------------------- conclusion


def test_conclude_needs_every_item(sampled, supervisor):
    with pytest.raises(DomainError) as exc:
        services.conclude(sampled, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_conclude_draft_refused(supervisor, agency_a, pubs):
    rnd = make_round(supervisor, [agency_a])
    with pytest.raises(DomainError) as exc:
        services.conclude(rnd, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_conclude_summary_and_figures(sampled, supervisor, agency_a, agency_b):
    item = first(sampled, agency_a)
    publish_leaky_version(item.publication, "电话13912345678")
    services.recheck(item, supervisor)
    score_all(sampled, supervisor)
    services.issue_notice(sampled, agency_a, supervisor, requirements="脱敏")
    rnd = services.conclude(sampled, supervisor)
    assert rnd.status == RoundStatus.CONCLUDED
    rows = {r["agency"]: r for r in rnd.summary["agencies"]}
    assert rows[agency_a.pk]["items"] == 3 and rows[agency_b.pk]["items"] == 1
    assert rows[agency_a.pk]["findings"]["redaction"] == 1
    assert rows[agency_a.pk]["average"] == round((80 + 100 + 100) / 3, 1)
    with pytest.raises(DomainError):
        services.conclude(rnd, supervisor)
    figures = patrol_figures([agency_a, agency_b], 2026)
    a = figures["agencies"][agency_a.pk]
    assert a["rounds"] == 1 and a["items"] == 3 and a["findings"]["redaction"] == 1
    assert a["notices_issued"] == 1 and a["notices_closed"] == 0
    assert a["average"] == round(280 / 3, 1)
    assert figures["total"]["items"] == 4
    assert patrol_figures([agency_a], 2025)["total"]["rounds"] == 0


# --------------------------------------------------------------------------- permissions


def test_only_own_supervisor_runs_rounds(
    supervisor, other_supervisor, handler_a, head_a, agency_a, pubs
):
    for user in (handler_a, head_a, other_supervisor):
        with pytest.raises(PermissionDenied):
            services.create_round(
                supervisor.agency, user, year=2026, quarter=2, agencies=[agency_a]
            )
    rnd = make_round(supervisor, [agency_a])
    for user in (handler_a, other_supervisor):
        with pytest.raises(PermissionDenied):
            services.sample(rnd, user)


def test_cannot_patrol_agency_outside_supervision(other_supervisor, agency_a):
    with pytest.raises(DomainError) as exc:
        make_round(other_supervisor, [agency_a])
    assert "监督范围" in str(exc.value)


def test_foreign_supervisor_cannot_score_or_notify(sampled, other_supervisor, agency_a, supervisor):
    item = first(sampled, agency_a)
    with pytest.raises(PermissionDenied):
        services.submit_item(item, other_supervisor, deductions={})
    _with_finding(sampled, supervisor, agency_a)
    with pytest.raises(PermissionDenied):
        services.issue_notice(sampled, agency_a, other_supervisor, requirements="x")
