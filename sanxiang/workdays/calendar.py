"""Working-day arithmetic (工作日计算): THE one place that counts working days.

Base calendar: ``chinese_calendar`` (State Council schedules 2004–2026 in v1.11). On top of it,
the administrator-edited holiday table (``HolidayOverride``) wins for any date it lists. A year
is *official* when ``chinese_calendar`` covers it or an administrator has marked its
``HolidayYear`` complete (then: Monday–Friday are working days, except the listed overrides).

A year that is not official is computed *provisionally* — never refused, never silently:
Monday–Friday minus the statutory holidays of 《全国年节及纪念日放假办法》 and their 补假
(``statutory.py``), with any overrides already entered on top. Every result that touched a
provisional year says so (``Deadline.provisional`` and ``provisional_years``), the pages show
「（暂定）」 with the reason, and importing or completing the year recomputes the open
provisional deadlines (``deadlines.recompute_year``). Only a year before 2000 (no rule
modelled) without a schedule is refused with ``DomainError(code=CALENDAR_MISSING)``.

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

from . import statutory

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
SOURCE_PROVISIONAL = "provisional"  # statutory rule of a year whose schedule is not entered


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
    provisional: bool = False


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
_force_check = True  # check the revision on the next call(s)
# The revision token written by an edit of this process whose transaction has not committed
# yet (None: no such edit). While the database still shows that token we are inside the
# editing transaction and keep checking on every call; once it shows another token the edit
# was rolled back (or superseded) and the reloaded snapshot is committed state.
_dirty_token: str | None = None
_untracked_dirty = False  # a direct model save (signal) inside a transaction
DISPLAY_MAX_AGE = 30.0  # seconds a display-only reader may reuse a checked snapshot


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


def _current(max_age: float | None = None) -> _Snapshot:
    """The snapshot, re-validated against the revision token when it is older than
    ``max_age`` seconds (default: the configured check interval) or an edit is pending."""
    global _snapshot, _force_check, _dirty_token, _untracked_dirty
    with _lock:
        snap = _snapshot
        now = time.monotonic()
        age = _check_seconds() if max_age is None else max_age
        if snap is None or _force_check or now - snap.checked >= age:
            token = _read_token()
            if snap is None or token != snap.token:
                snap = _load(token)
                _snapshot = snap
            snap.checked = now
            if _force_check:
                in_txn = connection.in_atomic_block
                pending = in_txn and (
                    _untracked_dirty or (_dirty_token is not None and token == _dirty_token)
                )
                if not pending:
                    _force_check = False
                    _dirty_token = None
                    _untracked_dirty = False
        return snap


def invalidate(token: str | None = None) -> None:
    """Drop the caches (called by every edit of the holiday table, inside its transaction).

    ``token`` is the new revision the edit wrote (services); without it (a direct model save)
    the caches are re-validated on every call until the transaction commits."""
    global _snapshot, _force_check, _dirty_token, _untracked_dirty
    with _lock:
        _snapshot = None
        _force_check = True
        if connection.in_atomic_block:
            if token is None:
                _untracked_dirty = True
            else:
                _dirty_token = token
                _untracked_dirty = False
    if connection.in_atomic_block:
        transaction.on_commit(_committed)


def reset() -> None:
    """Forget every cached state, pending edits included (between tests; after a restore):
    the next call reloads committed state."""
    global _snapshot, _force_check, _dirty_token, _untracked_dirty
    with _lock:
        _snapshot = None
        _force_check = True
        _dirty_token = None
        _untracked_dirty = False


def _committed() -> None:
    global _snapshot, _force_check, _dirty_token, _untracked_dirty
    with _lock:
        _snapshot = None
        _force_check = True
        if not connection.in_atomic_block:
            _dirty_token = None
            _untracked_dirty = False


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
    provisional = not builtin and not snap.years_status.get(year, False)
    if provisional and year < statutory.FIRST_MODELLED_YEAR:
        return None
    rule_days = statutory.provisional_holidays(year) if provisional else {}
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
            workday = day.weekday() < 5 and day not in rule_days
        if workday:
            ordinals.append(day.toordinal())
        day += one
    return _YearData(ordinals=ordinals, members=frozenset(ordinals), provisional=provisional)


# --------------------------------------------------------------------------- public API


def year_is_known(year: int) -> bool:
    """True when ``year`` is *official*: its State Council schedule is built in or entered and
    confirmed complete. Other years are computed provisionally (see ``is_provisional``)."""
    snap = _current()
    return builtin_covers(year) or snap.years_status.get(year, False)


is_official = year_is_known


def is_provisional(year: int) -> bool:
    """True when working days of ``year`` come from the statutory rule, not the schedule."""
    return not year_is_known(year)


def require_year(year: int) -> None:
    """Raise the CALENDAR_MISSING error when ``year`` cannot be computed at all (before 2000
    without a schedule)."""
    _year_data(_current(), year)


def revision() -> str:
    """The holiday table's current revision token ("" before the first edit)."""
    return _current().token or ""


def provisional_note(years) -> str:
    """One line explaining a provisional date, e.g. 「2027年节假日安排尚未录入，暂按法定节假日
    推算，录入后自动重算」."""
    years = sorted(set(years))
    if not years:
        return ""
    return _("%(years)s年节假日安排尚未录入，暂按法定节假日推算，录入后自动重算") % {
        "years": "、".join(str(y) for y in years)
    }


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the date, and whether it rests on a provisional year."""

    date: dt.date
    start: dt.date
    workdays: int
    provisional_years: tuple[int, ...] = ()
    revision: str = ""

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def note(self) -> str:
        return provisional_note(self.provisional_years)

    def display(self) -> str:
        """「2027-02-11（暂定）」 or 「2026-10-15」."""
        return (
            f"{self.date.isoformat()}{_('（暂定）')}" if self.provisional else self.date.isoformat()
        )

    def __str__(self):
        return self.display()


def _provisional_years(snap: _Snapshot, first: dt.date, last: dt.date) -> tuple[int, ...]:
    """The provisional years among the years whose days in ``(first, last]`` were counted."""
    if last <= first:
        return ()
    low_year = (first + dt.timedelta(days=1)).year
    return tuple(y for y in range(low_year, last.year + 1) if _year_data(snap, y).provisional)


def deadline(d: dt.date, n: int) -> Deadline:
    """``add_workdays(d, n)`` with its provisional flag and the calendar revision."""
    result = add_workdays(d, n)
    snap = _current()
    return Deadline(
        date=result,
        start=d,
        workdays=n,
        provisional_years=_provisional_years(snap, d, result),
        revision=snap.token or "",
    )


def between_provisional_years(start: dt.date, end: dt.date) -> tuple[int, ...]:
    """The provisional years that ``workdays_between(start, end)`` counted."""
    start, end = _as_date(start), _as_date(end)
    low, high = (start, end) if start <= end else (end, start)
    return _provisional_years(_current(), low, high)


def date_is_provisional(d: dt.date | None) -> bool:
    """Whether a stored deadline ``d`` lies in a provisional year (for display)."""
    if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
        return False
    try:
        return _year_data(_current(DISPLAY_MAX_AGE), d.year).provisional
    except DomainError:
        return True


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
        raise DomainError(_("工作日天数必须是整数。"), code=ErrorCode.BAD_FORMAT)
    if n < 0:
        raise DomainError(_("工作日天数不能为负数。"), code=ErrorCode.OUT_OF_RANGE)
    if n == 0:
        return d
    snap = _current()
    position = d.toordinal()
    year = d.year
    if d == dt.date(year, 12, 31):
        year += 1
    while True:
        if year > dt.MAXYEAR:
            raise DomainError(_("日期超出可计算范围。"), code=ErrorCode.OUT_OF_RANGE)
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
    if _year_data(snap, d.year).provisional:
        return DayInfo(
            d, workday, statutory.provisional_holidays(d.year).get(d, ""), SOURCE_PROVISIONAL
        )
    return DayInfo(d, workday, "", SOURCE_WEEKEND_RULE)


def _as_date(d) -> dt.date:
    if isinstance(d, dt.datetime):
        raise DomainError(
            _("请传入日期而非日期时间（先换算为北京时间的日期）。"), code=ErrorCode.BAD_FORMAT
        )
    if not isinstance(d, dt.date):
        raise DomainError(_("日期格式无效。"), code=ErrorCode.BAD_FORMAT)
    return d
