"""Edits of the holiday table. Administrators only; every edit is written to the ledger
(``EventType.HOLIDAY_CHANGED``) in the same transaction and drops the working-day caches.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.ledger import services as ledger
from sanxiang.ledger.events import EventType
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_role

from . import calendar, deadlines
from .importing import ParsedSchedule, parse_schedule
from .models import CalendarRevision, HolidayOverride, HolidayYear, OverrideKind

MIN_YEAR = 1949
MAX_YEAR = 2100


def _require_admin(actor):
    require_role(actor, Role.ADMIN, message=_("只有系统管理员可以维护节假日安排。"))


def _actor_name(actor) -> str:
    return str(getattr(actor, "display_name", "") or actor.get_username())


def _check_year(year) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(
            _("年份无效（应在%(min)s至%(max)s之间）。") % {"min": MIN_YEAR, "max": MAX_YEAR},
            code=ErrorCode.OUT_OF_RANGE,
        )
    return year


def _check_date(day) -> dt.date:
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise DomainError(_("日期格式无效。"), code=ErrorCode.BAD_FORMAT)
    _check_year(day.year)
    return day


def _changed():
    """Record a new revision of the holiday table and drop the caches."""
    token = uuid.uuid4().hex
    CalendarRevision.objects.update_or_create(pk=1, defaults={"token": token})
    calendar.invalidate(token)


def _log(subject: str, payload: dict, actor):
    ledger.append(EventType.HOLIDAY_CHANGED, subject, payload, actor)


# --------------------------------------------------------------------------- single days


@transaction.atomic
def set_override(actor, day: dt.date, kind: str, name: str) -> HolidayOverride:
    """Make ``day`` a holiday or a make-up working day (replacing an existing override)."""
    _require_admin(actor)
    day = _check_date(day)
    if kind not in OverrideKind.values:
        raise DomainError(_("类型无效，应为休息日或调休上班日。"), code=ErrorCode.BAD_CHOICE)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("请填写名称（例如：春节、国庆节调休）。"), code=ErrorCode.REQUIRED)
    if len(name) > 50:
        raise DomainError(_("名称过长（不超过50字）。"), code=ErrorCode.OUT_OF_RANGE)
    existing = HolidayOverride.objects.select_for_update().filter(date=day).first()
    previous = None
    if existing is not None:
        if existing.kind == kind and existing.name == name:
            return existing
        previous = {"kind": existing.kind, "name": existing.name}
        override = existing
        override.kind, override.name = kind, name
        override.entered_by, override.entered_by_name = actor, _actor_name(actor)
        override.save()
    else:
        override = HolidayOverride.objects.create(
            date=day, kind=kind, name=name, entered_by=actor, entered_by_name=_actor_name(actor)
        )
    _changed()
    _log(
        f"holiday:{day.isoformat()}",
        {
            "action": "override_set",
            "date": day.isoformat(),
            "kind": kind,
            "name": name,
            "previous": previous,
        },
        actor,
    )
    return override


@transaction.atomic
def remove_override(actor, day: dt.date) -> None:
    _require_admin(actor)
    day = _check_date(day)
    existing = HolidayOverride.objects.select_for_update().filter(date=day).first()
    if existing is None:
        raise DomainError(
            _("%(date)s没有录入调整，无需删除。") % {"date": day.isoformat()},
            code=ErrorCode.NOT_FOUND,
        )
    payload = {
        "action": "override_removed",
        "date": day.isoformat(),
        "kind": existing.kind,
        "name": existing.name,
    }
    existing.delete()
    _changed()
    _log(f"holiday:{day.isoformat()}", payload, actor)


# --------------------------------------------------------------------------- years


def _year_row(year: int) -> HolidayYear:
    row, _created = HolidayYear.objects.select_for_update().get_or_create(year=year)
    return row


@transaction.atomic
def mark_year_complete(actor, year: int, notice: str = "", source: str = "") -> HolidayYear:
    """Confirm that ``year``'s State Council schedule has been entered completely.

    From then on working days of ``year`` are computed (Mon–Fri, except the overrides).
    Refused when no holiday of that year has been entered (that would be a weekends-only guess)
    or when neither the notice number nor the source is given.
    """
    _require_admin(actor)
    year = _check_year(year)
    notice, source = (notice or "").strip(), (source or "").strip()
    if not notice and not source:
        raise DomainError(
            _("请填写国务院办公厅通知的发文字号或来源，以便核查。"), code=ErrorCode.REQUIRED
        )
    if len(notice) > 100 or len(source) > 500:
        raise DomainError(_("发文字号或来源过长。"), code=ErrorCode.OUT_OF_RANGE)
    holidays = HolidayOverride.objects.filter(date__year=year, kind=OverrideKind.HOLIDAY).count()
    if holidays == 0 and not calendar.builtin_covers(year):
        raise DomainError(
            _(
                "%(year)s年尚未录入任何休息日，不能标记为已完整录入。"
                "请先按国务院办公厅的通知逐日录入或导入节假日安排。"
            )
            % {"year": year},
            code=ErrorCode.CALENDAR_MISSING,
        )
    row = _year_row(year)
    was_complete = row.complete
    row.notice, row.source = notice, source
    row.complete = True
    row.completed_at = clock.now()
    row.entered_by, row.entered_by_name = actor, _actor_name(actor)
    row.save()
    _changed()
    _log(
        f"holiday-year:{year}",
        {
            "action": "year_completed",
            "year": year,
            "notice": notice,
            "source": source,
            "holidays": holidays,
            "workdays": HolidayOverride.objects.filter(
                date__year=year, kind=OverrideKind.WORKDAY
            ).count(),
            "was_complete": was_complete,
        },
        actor,
    )
    row.moved = deadlines.recompute_year(year, actor)
    return row


@transaction.atomic
def reopen_year(actor, year: int, reason: str) -> HolidayYear:
    """Withdraw the "complete" mark (e.g. marked by mistake): the year becomes unknown again
    unless ``chinese_calendar`` covers it."""
    _require_admin(actor)
    year = _check_year(year)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请说明撤销“已完整录入”的原因。"), code=ErrorCode.REASON_REQUIRED)
    row = HolidayYear.objects.select_for_update().filter(year=year, complete=True).first()
    if row is None:
        raise DomainError(
            _("%(year)s年未被标记为已完整录入。") % {"year": year},
            code=ErrorCode.ILLEGAL_TRANSITION,
        )
    row.complete = False
    row.completed_at = None
    row.save()
    _changed()
    _log(
        f"holiday-year:{year}",
        {"action": "year_reopened", "year": year, "reason": reason[:500]},
        actor,
    )
    return row


# --------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    year: int
    format: str
    created: int
    replaced: int
    removed: list[str]
    holidays: int
    workdays: int
    moved: list = field(default_factory=list)  # deadlines.Moved, one per recomputed deadline


@transaction.atomic
def import_schedule(
    actor,
    content: bytes,
    filename: str = "",
    year: int | None = None,
    notice: str = "",
    source: str = "",
) -> ImportResult:
    """Import a year's schedule (holiday-cn JSON or CSV ``date,kind,name``) and mark the year
    complete. All or nothing: any bad row refuses the whole file; the error's ``details`` list
    every problem as ``{"line": n, "reason": "…"}``.

    The file replaces the overrides dated in that year; days of the previous December listed
    by the file are set as well.
    """
    _require_admin(actor)
    if year is not None:
        year = _check_year(year)
    parsed: ParsedSchedule = parse_schedule(content, filename, year)
    if parsed.errors:
        raise DomainError(
            _("导入失败：文件有%(n)s处错误，未导入任何数据。请改正后重新导入。")
            % {"n": len(parsed.errors)},
            code=ErrorCode.IMPORT_FAILED,
            details=parsed.errors,
        )
    year = _check_year(parsed.year)
    source = (source or "").strip() or parsed.source
    if not (notice or "").strip() and not source:
        source = _("导入文件：%(name)s") % {"name": filename or parsed.format}
    existing = {
        o.date: o for o in HolidayOverride.objects.select_for_update().filter(date__year=year)
    }
    file_dates = {row.date for row in parsed.rows}
    removed = sorted(d.isoformat() for d in existing if d not in file_dates)
    HolidayOverride.objects.filter(date__year=year).delete()
    previous_december = [row.date for row in parsed.rows if row.date.year != year]
    replaced = len(existing) - len(removed)
    if previous_december:
        replaced += HolidayOverride.objects.filter(date__in=previous_december).count()
        HolidayOverride.objects.filter(date__in=previous_december).delete()
    name = _actor_name(actor)
    HolidayOverride.objects.bulk_create(
        [
            HolidayOverride(
                date=row.date, kind=row.kind, name=row.name, entered_by=actor, entered_by_name=name
            )
            for row in sorted(parsed.rows, key=lambda r: r.date)
        ]
    )
    holidays = sum(1 for r in parsed.rows if r.kind == OverrideKind.HOLIDAY)
    result = ImportResult(
        year=year,
        format=parsed.format,
        created=len(parsed.rows) - replaced,
        replaced=replaced,
        removed=removed,
        holidays=holidays,
        workdays=len(parsed.rows) - holidays,
    )
    _changed()
    _log(
        f"holiday-year:{year}",
        {
            "action": "imported",
            "year": year,
            "format": parsed.format,
            "filename": filename[:200],
            "days": [
                {"date": r.date.isoformat(), "kind": r.kind, "name": r.name}
                for r in sorted(parsed.rows, key=lambda r: r.date)
            ],
            "removed": removed,
        },
        actor,
    )
    row = mark_year_complete(actor, year, notice=notice, source=source)
    result.moved = row.moved
    return result


# --------------------------------------------------------------------------- overview (read)


STATUS_BUILTIN = "builtin"
STATUS_COMPLETE = "complete"
STATUS_INCOMPLETE = "incomplete"
STATUS_MISSING = "missing"


@dataclass
class YearStatus:
    year: int
    status: str
    builtin: bool
    record: HolidayYear | None
    holidays: int
    workdays: int

    @property
    def known(self) -> bool:
        return self.status in (STATUS_BUILTIN, STATUS_COMPLETE)

    @property
    def label(self) -> str:
        return {
            STATUS_BUILTIN: _("已有数据（内置）"),
            STATUS_COMPLETE: _("已完整录入"),
            STATUS_INCOMPLETE: _("录入中，未确认完整（暂按法定节假日推算）"),
            STATUS_MISSING: _("未录入（暂按法定节假日推算）"),
        }[self.status]

    @property
    def badge(self) -> str:
        return {
            STATUS_BUILTIN: "ok",
            STATUS_COMPLETE: "ok",
            STATUS_INCOMPLETE: "warn",
            STATUS_MISSING: "bad",
        }[self.status]


def year_status(year: int) -> YearStatus:
    return _statuses([year])[0]


def _statuses(years) -> list[YearStatus]:
    from django.db.models import Count, Q
    from django.db.models.functions import ExtractYear

    records = {r.year: r for r in HolidayYear.objects.filter(year__in=years)}
    counts = {
        row["y"]: row
        for row in HolidayOverride.objects.annotate(y=ExtractYear("date"))
        .filter(y__in=years)
        .values("y")
        .annotate(
            holidays=Count("id", filter=Q(kind=OverrideKind.HOLIDAY)),
            workdays=Count("id", filter=Q(kind=OverrideKind.WORKDAY)),
        )
    }
    out = []
    for year in years:
        record = records.get(year)
        builtin = calendar.builtin_covers(year)
        if record is not None and record.complete:
            status = STATUS_COMPLETE
        elif builtin:
            status = STATUS_BUILTIN
        elif record is not None or year in counts:
            status = STATUS_INCOMPLETE
        else:
            status = STATUS_MISSING
        c = counts.get(year, {})
        out.append(
            YearStatus(year, status, builtin, record, c.get("holidays", 0), c.get("workdays", 0))
        )
    return out


def year_overview(today: dt.date | None = None) -> list[YearStatus]:
    """All years the administrator should see, newest first: the built-in range, every year
    with a record or an override, and the current and next year."""
    today = today or clock.today()
    first, last = calendar.builtin_range()
    years = set(range(first, last + 1)) | {today.year, today.year + 1}
    years |= set(HolidayYear.objects.values_list("year", flat=True))
    years |= {d.year for d in HolidayOverride.objects.values_list("date", flat=True)}
    return _statuses(sorted(years, reverse=True))


def builtin_days(year: int) -> list[calendar.DayInfo]:
    """The days of a built-in year that differ from the weekend rule (for comparison with the
    notice): holidays on weekdays and make-up working days on weekends."""
    if not calendar.builtin_covers(year):
        return []
    out = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        workday, name = calendar.builtin_day(day)
        if workday != (day.weekday() < 5) or (name and not workday):
            out.append(calendar.DayInfo(day, workday, name, calendar.SOURCE_BUILTIN))
        day += dt.timedelta(days=1)
    return out
