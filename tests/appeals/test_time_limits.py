"""Time limits of 行政复议 / 行政诉讼: applying, deciding, extending (行政复议法, 行政诉讼法)."""

import datetime as dt

import pytest

from sanxiang.appeals import limits, services
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from tests.appeals.conftest import ago, recon

pytestmark = pytest.mark.django_db


def test_limits_match_the_law_texts():
    assert limits.RECONSIDERATION_APPLY_DAYS == 60  # 行政复议法第二十条
    assert limits.RECONSIDERATION_DECIDE_DAYS == 60  # 第六十二条
    assert limits.RECONSIDERATION_EXTEND_MAX_DAYS == 30
    assert limits.RECONSIDERATION_ACCEPT_WORKDAYS == 5  # 第三十条 + 第八十八条
    assert limits.LITIGATION_DIRECT_MONTHS == 6  # 行政诉讼法第四十六条
    assert limits.LITIGATION_AFTER_RECONSIDERATION_DAYS == 15  # 第四十五条
    assert limits.POLICE_DECISION_DAYS == 3  # 移送规定第八条
    assert limits.RECONSIDERATION_REQUEST_DAYS == 3  # 第九条
    assert limits.TRANSFER_APPROVAL_DAYS == 3  # 第五条


def test_calendar_periods_end_on_a_working_day():
    # 2026-08-02 + 60 days = 2026-10-01 (国庆节) → first working day after the holiday
    end = limits.days_limit(dt.date(2026, 8, 2), 60)
    assert end > dt.date(2026, 10, 1) and end.weekday() < 5
    # an ordinary weekday is kept
    assert limits.days_limit(dt.date(2026, 3, 2), 60) == dt.date(2026, 5, 1) or (
        limits.days_limit(dt.date(2026, 3, 2), 60) > dt.date(2026, 5, 1)
    )
    assert limits.days_limit(dt.date(2026, 6, 1), 2) == dt.date(2026, 6, 3)
    # six months from 31 August ends on the last day of February
    assert limits.months_limit(dt.date(2025, 8, 29), 6) >= dt.date(2026, 2, 28)
    assert limits.months_limit(dt.date(2026, 6, 10), 6) == dt.date(2026, 12, 10)


def test_application_deadlines_by_kind(flow, handler_a):
    case = flow.decided()
    known = ago(8)
    a = recon(case, handler_a, known_on=known)
    assert a.application_deadline == limits.days_limit(known, 60)
    assert not a.late_application
    lit = services.record_appeal(
        case, handler_a, kind="litigation", body="测试县人民法院", applied_on=ago(5), known_on=known
    )
    assert lit.application_deadline == limits.months_limit(known, 6)


def test_late_application_is_recorded_and_flagged(flow, handler_a):
    """行政复议法第二十条: 60 days; a late application is recorded (the body decides whether a
    正当理由 excuses it) and flagged."""
    import time_machine
    from django.utils import timezone

    case = flow.decided()
    decided = clock.local_date(case.decision_at)
    with time_machine.travel(timezone.now() + dt.timedelta(days=75), tick=False):
        a = recon(case, handler_a, applied_on=clock.today())
        assert a.application_deadline == limits.days_limit(decided, 60)
        assert a.late_application
        assert any("超过法定期限" in f for f in services.flags(a))
    b = recon(case, handler_a, applied_on=ago(1))
    assert not b.late_application


def test_reconsideration_decision_deadline_and_extension(flow, handler_a):
    case = flow.decided()
    a = recon(case, handler_a)
    a = services.accept(a, handler_a, accepted_on=ago(4))
    assert a.decision_deadline == limits.days_limit(ago(4), 60)
    a = services.extend(a, handler_a, days=20, note="情况复杂，经复议机构负责人批准")
    assert a.decision_deadline == limits.days_limit(ago(4), 80)
    with pytest.raises(DomainError) as e:
        services.extend(a, handler_a, days=11, note="再次延长")
    assert e.value.code == ErrorCode.DEADLINE
    a = services.extend(a, handler_a, days=10, note="再次延长")
    assert a.extension_days == 30


def test_simple_procedure_is_30_days_and_not_extended(flow, handler_a):
    case = flow.decided()
    a = recon(case, handler_a, simple_procedure=True)
    a = services.accept(a, handler_a, accepted_on=ago(4))
    assert a.decision_deadline == limits.days_limit(ago(4), 30)
    with pytest.raises(DomainError):
        services.extend(a, handler_a, days=5, note="x")


def test_litigation_first_instance_six_months(flow, handler_a):
    case = flow.decided()
    a = services.record_appeal(
        case, handler_a, kind="litigation", body="测试县人民法院", applied_on=ago(5)
    )
    a = services.accept(a, handler_a, accepted_on=ago(3))
    assert a.decision_deadline == limits.months_limit(ago(3), 6)
    with pytest.raises(DomainError):
        services.extend(a, handler_a, days=5, note="x")
