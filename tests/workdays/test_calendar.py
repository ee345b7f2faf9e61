"""Working-day arithmetic against chinese_calendar and holiday-cn; unknown years refused."""

import datetime as dt

import chinese_calendar
import pytest

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.workdays import calendar, services
from sanxiang.workdays.models import OverrideKind

from .conftest import holiday_cn

D = dt.date


def _all_days(first, last):
    day = D(first, 1, 1)
    while day.year <= last:
        yield day
        day += dt.timedelta(days=1)


def test_agrees_with_chinese_calendar_on_every_date_2004_to_2026(db):
    days = list(_all_days(2004, 2026))
    assert len(days) == 8401
    mismatches = [d for d in days if calendar.is_workday(d) != chinese_calendar.is_workday(d)]
    assert mismatches == []


def test_agrees_with_holiday_cn_where_it_has_data(db):
    # holiday-cn lists the days that differ from the weekend rule; a file for year Y may list
    # days of the previous December.
    listed = {}
    for year in range(2007, 2028):
        for entry in holiday_cn(year)["days"]:
            listed[D.fromisoformat(entry["date"])] = not entry["isOffDay"]
    assert len(listed) > 600
    mismatches = []
    for day in _all_days(2007, 2026):
        expected = listed.get(day, day.weekday() < 5)
        if calendar.is_workday(day) != expected:
            mismatches.append(day)
    assert mismatches == []


def test_national_day_2026_as_in_the_data(db):
    # Given chinese_calendar's 2026 schedule: 中秋 09-25..27, National Day 10-01..10-07 off,
    # make-up workdays Sunday 09-20 and Saturday 10-10.
    for day in range(1, 8):
        assert not calendar.is_workday(D(2026, 10, day))
    assert calendar.is_workday(D(2026, 10, 8))
    assert calendar.is_workday(D(2026, 10, 10))  # Saturday, 调休上班
    assert calendar.is_workday(D(2026, 9, 20))  # Sunday, 调休上班
    assert not calendar.is_workday(D(2026, 10, 11))
    info = calendar.day_info(D(2026, 10, 10))
    assert (info.is_workday, info.name, info.describe()) == (
        True,
        "国庆节",
        "工作日（调休上班：国庆节）",
    )
    assert calendar.day_info(D(2026, 10, 1)).describe() == "休息日（国庆节）"
    assert calendar.day_info(D(2026, 10, 11)).describe() == "休息日（周末）"
    assert calendar.day_info(D(2026, 10, 12)).describe() == "工作日"


def test_add_workdays_counts_from_the_next_day(db):
    # 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13, 10-14, 10-15
    assert calendar.add_workdays(D(2026, 9, 30), 7) == D(2026, 10, 15)
    assert calendar.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.add_workdays(D(2026, 9, 30), 0) == D(2026, 9, 30)
    # starting on a holiday: the holiday itself never counts
    assert calendar.add_workdays(D(2026, 10, 3), 1) == D(2026, 10, 8)
    # starting on a working day: it does not count either
    assert calendar.add_workdays(D(2026, 10, 12), 1) == D(2026, 10, 13)
    # across a year boundary (2025-12-31 Wed; 2026-01-01..03 off, 01-04 Sunday make-up)
    assert calendar.add_workdays(D(2025, 12, 31), 1) == D(2026, 1, 4)
    # 10 working days (legal review) and 20 (publication of other decisions)
    assert calendar.add_workdays(D(2026, 9, 30), 10) == D(2026, 10, 20)
    # Spring Festival 2026: 02-15..23 off, Saturdays 02-14 and 02-28 make-up workdays:
    # 02-02..06 (5), 02-09..13 (10), 02-14 (11), 02-24..27 (15), 02-28 (16), 03-02..05 (20)
    assert calendar.add_workdays(D(2026, 1, 30), 20) == D(2026, 3, 5)


def test_next_workday_and_on_or_after(db):
    assert calendar.next_workday(D(2026, 9, 30)) == D(2026, 10, 8)
    assert calendar.next_workday(D(2026, 10, 12)) == D(2026, 10, 13)
    assert calendar.workday_on_or_after(D(2026, 10, 12)) == D(2026, 10, 12)
    assert calendar.workday_on_or_after(D(2026, 10, 1)) == D(2026, 10, 8)


def test_workdays_between_is_half_open(db):
    assert calendar.workdays_between(D(2026, 9, 30), D(2026, 10, 15)) == 7
    assert calendar.workdays_between(D(2026, 9, 30), D(2026, 9, 30)) == 0
    # start excluded, end included
    assert calendar.workdays_between(D(2026, 10, 12), D(2026, 10, 13)) == 1
    assert calendar.workdays_between(D(2026, 10, 11), D(2026, 10, 12)) == 1
    assert calendar.workdays_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    # reversed: negative
    assert calendar.workdays_between(D(2026, 10, 15), D(2026, 9, 30)) == -7
    # a whole year: 2026 has 250 working days in chinese_calendar
    expected = len(chinese_calendar.get_workdays(D(2026, 1, 1), D(2026, 12, 31)))
    assert calendar.workdays_between(D(2025, 12, 31), D(2026, 12, 31)) == expected
    # many years at once
    expected = len(chinese_calendar.get_workdays(D(2004, 1, 1), D(2026, 12, 31)))
    assert calendar.workdays_between(D(2003, 12, 31), D(2026, 12, 31)) == expected


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda: calendar.is_workday(D(2027, 1, 4)), True),
        (lambda: calendar.add_workdays(D(2026, 12, 28), 5), D(2027, 1, 5)),  # runs into 2027
        (lambda: calendar.add_workdays(D(2027, 3, 1), 1), D(2027, 3, 2)),
        (lambda: calendar.workdays_between(D(2026, 12, 31), D(2027, 1, 1)), 0),  # 元旦
        (lambda: calendar.next_workday(D(2026, 12, 31)), D(2027, 1, 4)),
        (lambda: calendar.day_info(D(2027, 10, 1)).describe(), "休息日（国庆节）"),
    ],
)
def test_unknown_year_2027_is_computed_provisionally_never_refused(db, call, expected):
    assert call() == expected


def test_a_deadline_into_an_unknown_year_says_it_is_provisional(db):
    d = calendar.deadline(D(2026, 12, 28), 5)
    assert d.date == D(2027, 1, 5)
    assert d.provisional and d.provisional_years == (2027,)
    assert d.display() == "2027-01-05（暂定）"
    assert d.note == "2027年节假日安排尚未录入，暂按法定节假日推算，录入后自动重算"
    # inside an official year: not provisional
    d = calendar.deadline(D(2026, 9, 30), 7)
    assert (d.date, d.provisional, d.display()) == (D(2026, 10, 15), False, "2026-10-15")
    assert calendar.between_provisional_years(D(2026, 12, 1), D(2027, 1, 8)) == (2027,)
    assert calendar.between_provisional_years(D(2026, 1, 1), D(2026, 12, 31)) == ()
    assert calendar.date_is_provisional(D(2027, 2, 11))
    assert not calendar.date_is_provisional(D(2026, 12, 31))


def test_issue_example_2028(db):
    # 2028-01-24 (Mon): 除夕 01-25 … 初三 01-28 off; 01-31, 02-01, 02-02
    d = calendar.deadline(D(2028, 1, 24), 3)
    assert (d.date, d.provisional_years) == (D(2028, 2, 2), (2028,))


def test_provisional_year_is_weekdays_minus_statutory_days_and_bu_jia(db):
    # 2027: 国庆 10-01 (Fri), 10-02/03 weekend → 补假 Mon 10-04, Tue 10-05
    for day in (D(2027, 10, 1), D(2027, 10, 4), D(2027, 10, 5)):
        assert not calendar.is_workday(day)
    assert calendar.is_workday(D(2027, 10, 6))
    assert calendar.day_info(D(2027, 10, 4)).describe() == "休息日（国庆节补假）"
    assert calendar.day_info(D(2027, 10, 4)).source == calendar.SOURCE_PROVISIONAL
    # no 调休 is guessed: weekends stay off
    assert not calendar.is_workday(D(2027, 2, 13))


def test_year_before_2000_without_schedule_is_refused(db):
    with pytest.raises(DomainError) as exc:
        calendar.is_workday(D(1999, 6, 1))
    assert exc.value.code == ErrorCode.CALENDAR_MISSING
    assert "1999年的节假日安排尚未录入" in str(exc.value)
    with pytest.raises(DomainError):
        calendar.workdays_between(D(1999, 12, 30), D(2000, 1, 5))
    # 2003 (before chinese_calendar's range) is provisional under the 1999 rule
    assert not calendar.is_workday(D(2003, 5, 2))  # 劳动节 3 days
    assert calendar.date_is_provisional(D(2003, 5, 2))


def test_only_the_years_needed_must_be_known(db):
    # (2003-12-31, …] needs only 2004; 2004-01-01 is New Year's Day
    assert calendar.add_workdays(D(2003, 12, 31), 1) == D(2004, 1, 2)
    assert calendar.workdays_between(D(2003, 12, 31), D(2004, 1, 2)) == 1
    # the last days of 2026 need nothing of 2027
    assert calendar.workdays_between(D(2026, 12, 1), D(2026, 12, 31)) == 22
    assert calendar.add_workdays(D(2026, 12, 28), 3) == D(2026, 12, 31)


def test_a_started_but_unconfirmed_year_is_provisional_with_its_overrides(admin_user):
    services.set_override(admin_user, D(2027, 3, 1), OverrideKind.HOLIDAY, "测试休息日")
    assert not calendar.is_workday(D(2027, 3, 1))  # the entered day counts
    assert calendar.is_workday(D(2027, 1, 4))
    assert calendar.deadline(D(2027, 2, 26), 1).provisional_years == (2027,)
    assert services.year_status(2027).status == services.STATUS_INCOMPLETE


def test_bad_arguments_are_refused(db):
    with pytest.raises(DomainError) as exc:
        calendar.add_workdays(D(2026, 9, 30), -1)
    assert exc.value.code == ErrorCode.OUT_OF_RANGE
    for bad in (1.5, True):
        with pytest.raises(DomainError) as exc:
            calendar.add_workdays(D(2026, 9, 30), bad)
        assert exc.value.code == ErrorCode.BAD_FORMAT
    for bad in (dt.datetime(2026, 9, 30, 12, 0), "2026-09-30"):
        with pytest.raises(DomainError) as exc:
            calendar.is_workday(bad)
        assert exc.value.code == ErrorCode.BAD_FORMAT


def test_builtin_range_is_what_chinese_calendar_covers():
    assert calendar.builtin_range() == (2004, 2026)
    assert calendar.builtin_covers(2004) and calendar.builtin_covers(2026)
    assert not calendar.builtin_covers(2003) and not calendar.builtin_covers(2027)


def test_year_is_known(db):
    assert calendar.year_is_known(2026)
    assert not calendar.year_is_known(2027) and calendar.is_provisional(2027)
    calendar.require_year(2027)  # computable (provisionally)
    with pytest.raises(DomainError):
        calendar.require_year(1999)
