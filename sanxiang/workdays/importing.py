"""Parse a year's holiday schedule from a file: holiday-cn JSON or CSV ``date,kind,name``.

Both formats list the days that differ from the weekend rule (Mon–Fri work, Sat/Sun rest):
holidays (``isOffDay: true`` / kind ``holiday``) and make-up working days (``isOffDay: false`` /
kind ``workday``). A schedule for year Y may also list days at the end of December of Y-1
(e.g. holiday-cn 2019.json lists 2018-12-29…31).

``parse_schedule`` never raises for bad content: it returns every problem with its line number
and a Chinese reason, so the caller can refuse the whole file and show all problems at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from json import decoder as json_decoder
from json import scanner as json_scanner

from django.utils.translation import gettext as _

from .models import OverrideKind

MAX_FILE_BYTES = 512 * 1024
MAX_NAME_LENGTH = 50

KIND_ALIASES = {
    "holiday": OverrideKind.HOLIDAY,
    "off": OverrideKind.HOLIDAY,
    "休": OverrideKind.HOLIDAY,
    "休息": OverrideKind.HOLIDAY,
    "休息日": OverrideKind.HOLIDAY,
    "假": OverrideKind.HOLIDAY,
    "节假日": OverrideKind.HOLIDAY,
    "放假": OverrideKind.HOLIDAY,
    "workday": OverrideKind.WORKDAY,
    "work": OverrideKind.WORKDAY,
    "班": OverrideKind.WORKDAY,
    "上班": OverrideKind.WORKDAY,
    "工作日": OverrideKind.WORKDAY,
    "调休": OverrideKind.WORKDAY,
    "调休上班": OverrideKind.WORKDAY,
}
HEADER_FIRST_CELLS = {"date", "日期"}
_DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


@dataclass
class ScheduleRow:
    line: int
    date: dt.date
    kind: str
    name: str


@dataclass
class ParsedSchedule:
    year: int | None = None
    rows: list[ScheduleRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"line": int, "reason": str}
    source: str = ""
    format: str = ""

    def error(self, line, reason):
        self.errors.append({"line": line, "reason": str(reason)})


def format_error(err: dict) -> str:
    """ "第3行：…" for a row problem, the reason alone for a file-level one (line 0)."""
    if err.get("line"):
        return _("第%(line)s行：%(reason)s") % err
    return str(err["reason"])


def parse_date(text: str) -> dt.date | None:
    match = _DATE_RE.match(text.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def decode_text(content: bytes) -> str | None:
    """UTF-8 (with or without BOM), falling back to GB18030 (Excel on Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse_schedule(content: bytes, filename: str = "", year: int | None = None) -> ParsedSchedule:
    result = ParsedSchedule()
    if len(content) > MAX_FILE_BYTES:
        result.error(0, _("文件过大（不超过512KB）。"))
        return result
    text = decode_text(content)
    if text is None:
        result.error(0, _("文件编码无法识别，请使用 UTF-8 编码。"))
        return result
    lowered = filename.lower()
    is_json = lowered.endswith(".json") or (
        not lowered.endswith(".csv") and text.lstrip().startswith("{")
    )
    if is_json:
        result.format = "json"
        _parse_json(text, result, year)
    else:
        result.format = "csv"
        _parse_csv(text, result, year)
    if result.year is not None:
        _check_rows(result)
    return result


# --------------------------------------------------------------------------- JSON


class _LineDict(dict):
    line = 0


def _line_aware_loads(text: str):
    """json.loads whose objects carry the line number where they start (``.line``)."""

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        s, end = s_and_end
        obj, new_end = json_decoder.JSONObject(
            s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo
        )
        wrapped = _LineDict(obj)
        wrapped.line = s.count("\n", 0, end) + 1
        return wrapped, new_end

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object
    decoder.scan_once = json_scanner.py_make_scanner(decoder)
    return decoder.decode(text)


def _parse_json(text: str, result: ParsedSchedule, year: int | None) -> None:
    try:
        data = _line_aware_loads(text)
    except json.JSONDecodeError as exc:
        result.error(exc.lineno, _("JSON 格式错误：%(msg)s") % {"msg": exc.msg})
        return
    if not isinstance(data, dict):
        result.error(1, _("JSON 顶层应为对象（holiday-cn 格式：year、papers、days）。"))
        return
    file_year = data.get("year")
    if isinstance(file_year, bool) or not isinstance(file_year, int):
        result.error(getattr(data, "line", 1), _("缺少有效的年份字段 year。"))
        return
    if year is not None and year != file_year:
        result.error(
            getattr(data, "line", 1),
            _("文件中的年份为%(file)s年，与所选的%(year)s年不一致。")
            % {"file": file_year, "year": year},
        )
        return
    result.year = file_year
    papers = data.get("papers", [])
    if isinstance(papers, list):
        result.source = "；".join(str(p) for p in papers if isinstance(p, str))[:500]
    days = data.get("days")
    if not isinstance(days, list):
        result.error(getattr(data, "line", 1), _("缺少节假日列表字段 days。"))
        return
    for number, entry in enumerate(days, start=1):
        line = getattr(entry, "line", 0) or number
        if not isinstance(entry, dict):
            result.error(line, _("第%(n)s条不是对象。") % {"n": number})
            continue
        reasons = []
        raw_date = entry.get("date")
        day = parse_date(raw_date) if isinstance(raw_date, str) else None
        if day is None:
            reasons.append(_("日期无效（应为 YYYY-MM-DD）：“%(v)s”") % {"v": raw_date})
        off = entry.get("isOffDay")
        if not isinstance(off, bool):
            reasons.append(_("isOffDay 应为 true（休息）或 false（上班）。"))
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            reasons.append(_("缺少节日名称 name。"))
        elif len(name.strip()) > MAX_NAME_LENGTH:
            reasons.append(_("节日名称过长（不超过%(n)s字）。") % {"n": MAX_NAME_LENGTH})
        if reasons:
            for reason in reasons:
                result.error(line, reason)
            continue
        kind = OverrideKind.HOLIDAY if off else OverrideKind.WORKDAY
        result.rows.append(ScheduleRow(line, day, kind, name.strip()))


# --------------------------------------------------------------------------- CSV


def _parse_csv(text: str, result: ParsedSchedule, year: int | None) -> None:
    reader = csv.reader(io.StringIO(text))
    first = True
    try:
        for cells in reader:
            line = reader.line_num
            cells = [c.strip() for c in cells]
            while len(cells) > 3 and not cells[-1]:
                cells.pop()
            if not any(cells) or cells[0].startswith("#"):
                continue
            if first and cells[0].lower() in HEADER_FIRST_CELLS:
                first = False
                continue
            first = False
            _parse_csv_row(line, cells, result)
    except csv.Error as exc:
        result.error(reader.line_num, _("CSV 格式错误：%(msg)s") % {"msg": exc})
    if year is not None:
        result.year = year
    elif result.rows:
        result.year = max(r.date.year for r in result.rows)
    elif not result.errors:
        result.error(0, _("文件中没有任何节假日安排。"))
    else:
        result.error(0, _("无法确定所属年份，请选择年份。"))


def _parse_csv_row(line: int, cells: list[str], result: ParsedSchedule) -> None:
    if len(cells) != 3:
        result.error(
            line,
            _("应为3列：日期,类型,名称（例如 2027-01-01,holiday,元旦），实际为%(n)s列。")
            % {"n": len(cells)},
        )
        return
    raw_date, raw_kind, name = cells
    reasons = []
    day = parse_date(raw_date)
    if day is None:
        reasons.append(_("日期无效（应为 YYYY-MM-DD）：“%(v)s”") % {"v": raw_date})
    kind = KIND_ALIASES.get(raw_kind.lower())
    if kind is None:
        reasons.append(
            _("类型“%(v)s”无效，应为 holiday（休息日）或 workday（调休上班）。") % {"v": raw_kind}
        )
    if not name:
        reasons.append(_("缺少名称（例如：春节）。"))
    elif len(name) > MAX_NAME_LENGTH:
        reasons.append(_("名称过长（不超过%(n)s字）。") % {"n": MAX_NAME_LENGTH})
    if reasons:
        for reason in reasons:
            result.error(line, reason)
        return
    result.rows.append(ScheduleRow(line, day, kind, name))


# --------------------------------------------------------------------------- checks


def _check_rows(result: ParsedSchedule) -> None:
    """Checks across rows: each date once, within the schedule's year, at least one holiday."""
    year = result.year
    seen: dict[dt.date, int] = {}
    for row in result.rows:
        if not (row.date.year == year or (row.date.year == year - 1 and row.date.month == 12)):
            result.error(
                row.line,
                _(
                    "日期%(date)s不属于%(year)s年的节假日安排（只能是%(year)s年或上一年12月的日期）。"
                )
                % {"date": row.date.isoformat(), "year": year},
            )
        if row.date in seen:
            result.error(
                row.line,
                _("日期%(date)s与第%(other)s行重复。")
                % {"date": row.date.isoformat(), "other": seen[row.date]},
            )
        else:
            seen[row.date] = row.line
    if not result.errors and not any(r.kind == OverrideKind.HOLIDAY for r in result.rows):
        result.error(
            0,
            _(
                "文件中没有%(year)s年的任何休息日，不是完整的节假日安排（国务院办公厅每年的通知都安排有节假日）。"
            )
            % {"year": year},
        )
    result.errors.sort(key=lambda e: e["line"])
