"""The statutory public holidays (法定节假日) of a year, by the rules of
《全国年节及纪念日放假办法》 — the basis of the *provisional* calendar used for a year whose
State Council schedule (国务院办公厅关于…部分节假日安排的通知) has not been entered yet.

Rules modelled (the version in force on 1 January of the year decides):

* 2025 revision (国务院令第793号, in force 2025-01-01), 第二条: 元旦 1 day (1 Jan); 春节 4 days
  (农历除夕、正月初一至初三); 清明节 1 day (the 清明 solar-term day); 劳动节 2 days (1–2 May);
  端午节 1 day (农历五月初五); 中秋节 1 day (农历八月十五); 国庆节 3 days (1–3 Oct).
* 2008 revision (国务院令第513号, in force 2008-01-01): as above but 春节 3 days (正月初一至初三)
  and 劳动节 1 day (1 May).
* 1999 revision (国务院令第270号): 元旦 1; 春节 3 (正月初一至初三); 劳动节 3 (1–3 May);
  国庆节 3 (1–3 Oct). Used from 2000 on.

第六条 (all revisions): a holiday for all citizens that falls on a Saturday or Sunday is
compensated on a working day (补假). We place it on the first weekday after it that is not
already a holiday — which is where the State Council put it in 17 of the 19 years 2008–2026
(tests/workdays/test_statutory.py lists the two exceptions).

Lunar dates and the 清明 solar term come from ``lunar_python`` (6tail's calendar library),
not from arithmetic of our own. Before 2000 no rule is modelled: such a year without an
entered schedule is still refused.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from lunar_python import Lunar

FIRST_MODELLED_YEAR = 2000
ONE_DAY = dt.timedelta(days=1)


def _solar(s) -> dt.date:
    return dt.date(s.getYear(), s.getMonth(), s.getDay())


def rule_name(year: int) -> str:
    """Which revision of 《全国年节及纪念日放假办法》 applies to ``year``."""
    if year >= 2025:
        return "《全国年节及纪念日放假办法》（2024年修订，2025年1月1日起施行）"
    if year >= 2008:
        return "《全国年节及纪念日放假办法》（2007年修订，2008年1月1日起施行）"
    return "《全国年节及纪念日放假办法》（1999年修订）"


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """{date: Chinese holiday name} of the statutory days of ``year`` (no 补假, no 调休)."""
    if year < FIRST_MODELLED_YEAR:
        raise ValueError(f"no holiday rule modelled before {FIRST_MODELLED_YEAR}")
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    new_year = Lunar.fromYmd(year, 1, 1)
    spring = _solar(new_year.getSolar())
    if year >= 2025:
        days[spring - ONE_DAY] = "春节"  # 除夕
    for i in range(3):
        days[spring + i * ONE_DAY] = "春节"
    may_days = 2 if year >= 2025 else 1 if year >= 2008 else 3
    for i in range(may_days):
        days[dt.date(year, 5, 1 + i)] = "劳动节"
    if year >= 2008:
        days[_solar(new_year.getJieQiTable()["清明"])] = "清明节"
        days[_solar(Lunar.fromYmd(year, 5, 5).getSolar())] = "端午节"
        days[_solar(Lunar.fromYmd(year, 8, 15).getSolar())] = "中秋节"
    for i in range(3):
        days[dt.date(year, 10, 1 + i)] = "国庆节"
    # 除夕 of a year may fall in the previous Gregorian year only in theory (never 2000–2100);
    # keep only this year's dates.
    return {d: name for d, name in sorted(days.items()) if d.year == year}


@lru_cache(maxsize=256)
def provisional_holidays(year: int) -> dict[dt.date, str]:
    """Statutory days plus their 补假 (第六条): {date: name} of every day off on a weekday or
    weekend that the provisional calendar treats as a holiday."""
    days = dict(statutory_holidays(year))
    taken = set(days)
    for day, name in sorted(statutory_holidays(year).items()):
        if day.weekday() >= 5:
            substitute = day + ONE_DAY
            while substitute.weekday() >= 5 or substitute in taken:
                substitute += ONE_DAY
            if substitute.year == year:
                taken.add(substitute)
                days[substitute] = f"{name}补假"
    return dict(sorted(days.items()))
