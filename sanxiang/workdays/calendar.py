"""Working-day arithmetic (工作日计算): THE one place that counts working days.

Base calendar: ``chinese_calendar`` (State Council schedules 2004–2026 in v1.11). On top of it,
the administrator-edited holiday table (``HolidayOverride``) wins for any date it lists, and a
year beyond the package's data counts as *known* only once an administrator has marked its
``HolidayYear`` complete (then: Monday–Friday are working days, except the listed overrides).
Any calculation that needs an unknown year raises ``DomainError(code=CALENDAR_MISSING)`` naming
that year — never a silent weekends-only guess.

Semantics (all dates are ``datetime.date``):

* ``is_workday(d)`` — whether ``d`` is a working day (工作日), including make-up workdays (调休上班).
* ``add_workdays(d, n)`` — the deadline "within n working days after d" (在 d 之后 n 个工作日内):
  counting starts on the day after ``d`` (d itself never counts, whether or not it is a working
  day); the result is the n-th working day strictly after ``d``. ``n == 0`` returns ``d``.
  Example: ``add_workdays(date(2026, 9, 30), 7) == date(2026, 10, 15)`` (National Day
  10-01…10-07 off; 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13, 10-14, 10-15).
* ``workdays_between(start, end)`` — the number of working days in the half-open interval
  ``(start, end]`` (start excluded, end included), so that
  ``workdays_between(d, add_workdays(d, n)) == n``. If ``end < start`` the result is negative:
  ``-workdays_between(end, start)`` (useful for "overdue by k working days").
* ``next_workday(d)`` — the first working day strictly after ``d`` (= ``add_workdays(d, 1)``).
* ``workday_on_or_after(d)`` — ``d`` itself when it is a working day, else ``next_workday(d)``
  (for a deadline that falls on a holiday and is postponed to the next working day).

Only the years actually needed are required to be known: ``add_workdays(date(2003, 12, 31), 1)``
needs only 2004.

Caching: per-year sorted working-day ordinals (and a set) are kept in memory. Each edit of the
holiday table changes a random token in ``CalendarRevision``; readers compare it at most every
``settings.WORKDAYS_REVISION_CHECK_SECONDS`` (default 1 s) — and on every call after an edit in
this process until that edit is committed — so edits are seen at once in the editing process
and within a second in other processes.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache

import chinese_calendar
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode

WEEKDAY_NAMES = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]

# chinese_calendar's holiday names (English enum values) in Chinese.
HOLIDAY_NAMES = {
    chinese_calendar.Holiday.new_years_day.value: "元旦",
    chinese_calendar.Holiday.spring_festival.value: "春节",
    chinese_calendar.Holiday.tomb_sweeping_day.value: "清明节",
    chinese_calendar.Holiday.labour_day.value: "劳动节",
    chinese_calendar.Holiday.dragon_boat_festival.value: "端午节",
    chinese_calendar.Holiday.national_day.value: "国庆节",
    chinese_calendar.Holiday.mid_autumn_festival.value: "中秋节",
    chinese_calendar.Holiday.anti_fascist_70th_day.value: "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

SOURCE_OVERRIDE = "override"
SOURCE_BUILTIN = "chinese_calendar"
SOURCE_WEEKEND_RULE = "weekend_rule"


# --------------------------------------------------------------------------- base calendar


@cache
def builtin_covers(year: int) -> bool:
    """Whether the installed ``chinese_calendar`` has the State Council schedule of ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except (NotImplementedError, ValueError, OverflowError):
        return False
    return True


@lru_cache(maxsize=1)
def builtin_range() -> tuple[int, int]:
    """(first, last) year covered by ``chinese_calendar`` (2004, 2026 for v1.11)."""
    years = sorted(
        {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    )
    return years[0], years[-1]


def builtin_day(d: dt.date) -> tuple[bool, str]:
    """(is_workday, Chinese holiday name or "") from ``chinese_calendar`` alone."""
    workday = chinese_calendar.is_workday(d)
    _holiday, name = chinese_calendar.get_holiday_detail(d)
    return workday, HOLIDAY_NAMES.get(name, name or "")


# --------------------------------------------------------------------------- errors


def missing_year_error(year: int, incomplete: bool = False) -> DomainError:
    if incomplete:
        message = _(
            "%(year)s年的节假日安排尚未确认完整，无法计算工作日。"
            "请系统管理员按国务院办公厅公布的%(year)s年节假日安排核对后标记为“已完整录入”。"
        ) % {"year": year}
    else:
        message = _(
            "%(year)s年的节假日安排尚未录入，无法计算工作日。"
            "请系统管理员先录入国务院办公厅公布的%(year)s年节假日安排。"
        ) % {"year": year}
    return DomainError(message, code=ErrorCode.CALENDAR_MISSING, details=[{"year": year}])


# --------------------------------------------------------------------------- cache


@dataclass
class _YearData:
    ordinals: list[int]  # sorted ordinals of the year's working days
    members: frozenset[int]


@dataclass
class _Snapshot:
    token: str | None
    overrides: dict[dt.date, tuple[bool, str]]  # date -> (is_workday, name)
    years_status: dict[int, bool]  # HolidayYear rows: year -> complete
    started_years: frozenset[int]  # years with a HolidayYear row or an override
    checked: float = 0.0
    years: dict[int, _YearData | None] = field(default_factory=dict)


_lock = threading.RLock()
_snapshot: _Snapshot | None = None
_force_check = True  # check the revision on every call (until an edit is committed)


def _read_token():
    from .models import CalendarRevision

    return CalendarRevision.objects.filter(pk=1).values_list("token", flat=True).first()


def _load(token) -> _Snapshot:
    from .models import HolidayOverride, HolidayYear, OverrideKind

    overrides = {
        d: (kind == OverrideKind.WORKDAY, name)
        for d, kind, name in HolidayOverride.objects.values_list("date", "kind", "name")
    }
    status = dict(HolidayYear.objects.values_list("year", "complete"))
    started = frozenset(status) | frozenset(d.year for d in overrides)
    return _Snapshot(token=token, overrides=overrides, years_status=status, started_years=started)


def _check_seconds() -> float:
    return float(getattr(settings, "WORKDAYS_REVISION_CHECK_SECONDS", 1.0))


def _current() -> _Snapshot:
    global _snapshot, _force_check
    with _lock:
        snap = _snapshot
        now = time.monotonic()
        if snap is None or _force_check or now - snap.checked >= _check_seconds():
            token = _read_token()
            if snap is None or token != snap.token:
                snap = _load(token)
                _snapshot = snap
            snap.checked = now
            if _force_check and not connection.in_atomic_block:
                # Read in autocommit mode: what we hold is committed state.
                _force_check = False
        return snap


def invalidate() -> None:
    """Drop the caches (called by every edit of the holiday table, inside its transaction)."""
    global _snapshot, _force_check
    with _lock:
        _snapshot = None
        _force_check = True
    if connection.in_atomic_block:
        transaction.on_commit(_committed)


def _committed() -> None:
    global _snapshot, _force_check
    with _lock:
        _snapshot = None
        _force_check = connection.in_atomic_block


def _year_data(snap: _Snapshot, year: int) -> _YearData:
    if year in snap.years:
        data = snap.years[year]
    else:
        data = _build_year(snap, year)
        snap.years[year] = data
    if data is None:
        raise missing_year_error(year, incomplete=year in snap.started_years)
    return data


def _build_year(snap: _Snapshot, year: int) -> _YearData | None:
    builtin = builtin_covers(year)
    if not builtin and not snap.years_status.get(year, False):
        return None
    ordinals = []
    day = dt.date(year, 1, 1)
    one = dt.timedelta(days=1)
    while day.year == year:
        override = snap.overrides.get(day)
        if override is not None:
            workday = override[0]
        elif builtin:
            workday = chinese_calendar.is_workday(day)
        else:
            workday = day.weekday() < 5
        if workday:
            ordinals.append(day.toordinal())
        day += one
    return _YearData(ordinals=ordinals, members=frozenset(ordinals))


# --------------------------------------------------------------------------- public API


def year_is_known(year: int) -> bool:
    """True when working days of ``year`` can be computed."""
    snap = _current()
    return builtin_covers(year) or snap.years_status.get(year, False)


def require_year(year: int) -> None:
    """Raise the CALENDAR_MISSING error when ``year`` is unknown."""
    _year_data(_current(), year)


def is_workday(d: dt.date) -> bool:
    """Whether ``d`` is a working day (工作日, including make-up workdays 调休上班)."""
    d = _as_date(d)
    return d.toordinal() in _year_data(_current(), d.year).members


def add_workdays(d: dt.date, n: int) -> dt.date:
    """The n-th working day strictly after ``d`` ("within n working days after d").

    ``n`` must be ≥ 0; ``add_workdays(d, 0) == d``.
    """
    d = _as_date(d)
    if isinstance(n, bool) or not isinstance(n, int):
        raise DomainError(_("工作日天数必须是整数。"), code=ErrorCode.INVALID)
    if n < 0:
        raise DomainError(_("工作日天数不能为负数。"), code=ErrorCode.INVALID)
    if n == 0:
        return d
    snap = _current()
    position = d.toordinal()
    year = d.year
    if d == dt.date(year, 12, 31):
        year += 1
    while True:
        if year > dt.MAXYEAR:
            raise DomainError(_("日期超出可计算范围。"), code=ErrorCode.INVALID)
        ordinals = _year_data(snap, year).ordinals
        index = bisect_right(ordinals, position)
        available = len(ordinals) - index
        if n <= available:
            return dt.date.fromordinal(ordinals[index + n - 1])
        n -= available
        year += 1


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Number of working days in ``(start, end]``; negative when ``end < start``."""
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -workdays_between(end, start)
    if end == start:
        return 0
    snap = _current()
    low, high = start.toordinal(), end.toordinal()
    first_year = dt.date.fromordinal(low + 1).year
    count = 0
    for year in range(first_year, end.year + 1):
        ordinals = _year_data(snap, year).ordinals
        count += bisect_right(ordinals, high) - bisect_right(ordinals, low)
    return count


def next_workday(d: dt.date) -> dt.date:
    """The first working day strictly after ``d``."""
    return add_workdays(d, 1)


def workday_on_or_after(d: dt.date) -> dt.date:
    """``d`` when it is a working day, otherwise the next working day."""
    d = _as_date(d)
    return d if is_workday(d) else next_workday(d)


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_workday: bool
    name: str  # holiday name (e.g. 国庆节) or ""
    source: str  # SOURCE_OVERRIDE / SOURCE_BUILTIN / SOURCE_WEEKEND_RULE

    @property
    def weekday_name(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()]

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    def describe(self) -> str:
        """Chinese one-line description, e.g. "工作日（调休上班：国庆节）"."""
        if self.is_workday:
            if self.is_weekend:
                return _("工作日（调休上班：%(name)s）") % {"name": self.name or _("调休")}
            return _("工作日")
        if self.name:
            return _("休息日（%(name)s）") % {"name": self.name}
        if self.is_weekend:
            return _("休息日（周末）")
        return _("休息日")


def day_info(d: dt.date) -> DayInfo:
    """Working-day status of ``d`` with the holiday name and where the answer comes from."""
    d = _as_date(d)
    snap = _current()
    workday = d.toordinal() in _year_data(snap, d.year).members
    override = snap.overrides.get(d)
    if override is not None:
        return DayInfo(d, workday, override[1], SOURCE_OVERRIDE)
    if builtin_covers(d.year):
        return DayInfo(d, workday, builtin_day(d)[1], SOURCE_BUILTIN)
    return DayInfo(d, workday, "", SOURCE_WEEKEND_RULE)


def _as_date(d) -> dt.date:
    if isinstance(d, dt.datetime):
        raise DomainError(
            _("请传入日期而非日期时间（先换算为北京时间的日期）。"), code=ErrorCode.INVALID
        )
    if not isinstance(d, dt.date):
        raise DomainError(_("日期格式无效。"), code=ErrorCode.INVALID)
    return d
