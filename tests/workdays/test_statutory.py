"""The provisional calendar's statutory rule against the real State Council schedules.

Data: tests/workdays/data/holiday-cn (see SOURCE.md there): every day off and make-up working
day of 2008–2026 as published by 国务院办公厅."""

import datetime as dt

import pytest

from sanxiang.workdays import statutory

from .conftest import holiday_cn


def official_days_off(year):
    return {dt.date.fromisoformat(d["date"]) for d in holiday_cn(year)["days"] if d["isOffDay"]}


@pytest.mark.parametrize("year", range(2008, 2027))
def test_every_statutory_day_is_an_official_holiday(year):
    off = official_days_off(year)
    days = statutory.statutory_holidays(year)
    missing = {d: name for d, name in days.items() if d not in off}
    assert missing == {}


def test_counts_follow_the_revisions():
    # 2025 revision: 13 days (元旦1 春节4 清明1 劳动2 端午1 中秋1 国庆3)
    assert len(statutory.statutory_holidays(2025)) == 13
    assert len(statutory.statutory_holidays(2027)) == 13
    # 2008 revision: 11 days (春节3, 劳动1)
    assert len(statutory.statutory_holidays(2008)) == 11
    assert len(statutory.statutory_holidays(2024)) == 11
    # 1999 revision: 10 days (元旦1 春节3 劳动3 国庆3)
    assert len(statutory.statutory_holidays(2007)) == 10
    assert "除夕" not in str(statutory.statutory_holidays(2024))
    # 除夕 counts from 2025: 2026-02-16 is 除夕
    assert statutory.statutory_holidays(2026)[dt.date(2026, 2, 16)] == "春节"
    assert dt.date(2024, 2, 9) not in statutory.statutory_holidays(2024)  # 2024 除夕


# Years whose notice compensated a weekend holiday elsewhere than on the next weekday.
BU_JIA_EXCEPTIONS = {2012, 2015}


@pytest.mark.parametrize("year", range(2008, 2027))
def test_bu_jia_days_are_official_holidays(year):
    off = official_days_off(year)
    extra = {
        d: n
        for d, n in statutory.provisional_holidays(year).items()
        if d not in statutory.statutory_holidays(year)
    }
    wrong = {d: n for d, n in extra.items() if d not in off}
    if year in BU_JIA_EXCEPTIONS:
        assert len(wrong) == 1
    else:
        assert wrong == {}


def test_no_rule_before_2000():
    with pytest.raises(ValueError):
        statutory.statutory_holidays(1999)
