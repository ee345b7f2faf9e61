"""Property tests of the working-day arithmetic (hypothesis)."""

import datetime as dt

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang.workdays import calendar, services
from sanxiang.workdays.models import OverrideKind

# Dates whose calculations (up to 500 working days later) stay inside 2004–2026.
dates = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2024, 12, 31))
counts = st.integers(min_value=0, max_value=250)
SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(d=dates, n=st.integers(min_value=1, max_value=250))
def test_the_deadline_is_a_working_day_after_d(db, d, n):
    result = calendar.add_workdays(d, n)
    assert result > d
    assert calendar.is_workday(result)
    # the day before the deadline leaves exactly one working day to go
    assert calendar.add_workdays(result - dt.timedelta(days=1), 1) == result


@SETTINGS
@given(d=dates, n=counts)
def test_between_inverts_add(db, d, n):
    assert calendar.workdays_between(d, calendar.add_workdays(d, n)) == n


@SETTINGS
@given(d=dates, n=counts, m=counts)
def test_monotonic_in_n_and_composable(db, d, n, m):
    a, b = calendar.add_workdays(d, n), calendar.add_workdays(d, n + m)
    assert a <= b
    if m:
        assert a < b
    assert calendar.add_workdays(a, m) == b


@SETTINGS
@given(d1=dates, d2=dates, n=counts)
def test_monotonic_in_the_start_date(db, d1, d2, n):
    d1, d2 = min(d1, d2), max(d1, d2)
    assert calendar.add_workdays(d1, n) <= calendar.add_workdays(d2, n)


@SETTINGS
@given(a=dates, b=dates, c=dates)
def test_between_is_additive_and_antisymmetric(db, a, b, c):
    assert calendar.workdays_between(a, b) + calendar.workdays_between(b, c) == (
        calendar.workdays_between(a, c)
    )
    assert calendar.workdays_between(a, b) == -calendar.workdays_between(b, a)


@SETTINGS
@given(d=dates)
def test_is_workday_matches_a_one_day_interval(db, d):
    assert calendar.workdays_between(d - dt.timedelta(days=1), d) == int(calendar.is_workday(d))
    nxt = calendar.next_workday(d)
    assert calendar.workdays_between(d, nxt) == 1
    assert calendar.workday_on_or_after(d) in (d, nxt)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(d=dates, probe=dates)
def test_an_override_flips_exactly_that_day(admin_user, d, probe):
    before = calendar.is_workday(d)
    probe_before = calendar.is_workday(probe)
    kind = OverrideKind.HOLIDAY if before else OverrideKind.WORKDAY
    with transaction.atomic():
        services.set_override(admin_user, d, kind, "属性测试")
        assert calendar.is_workday(d) is (not before)
        if probe != d:
            assert calendar.is_workday(probe) is probe_before
        transaction.set_rollback(True)
    assert calendar.is_workday(d) is before
