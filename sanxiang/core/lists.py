"""Shared filtering, Excel export and print support for the staff lists (issue #13 item 5).

Every list view builds its own *scoped* queryset (``sanxiang.org.scoping.scope``) and hands
it to :func:`filter_list`, which applies the three filters every list offers:

* ``agency`` — only for users who see more than one agency (supervisors, 司法局); an id
  outside the user's scope yields no rows (never a wider scope: the queryset was already
  scoped before this helper saw it);
* ``status`` (or the list's own parameter name, e.g. ``stage`` for cases) — a value from
  the list's choices; anything else is ignored;
* ``date_from`` / ``date_to`` — inclusive dates (``YYYY-MM-DD`` from ``<input type=date>``)
  on the list's date field (a DateField or a DateTimeField, local days).

``?format=xlsx`` exports the same filtered queryset (:meth:`ListFilter.export`), so an
export can never contain a row the list would not show. The filter form, the export link
and the print button are the templates ``core/_list_filter.html`` (a whole form) or
``core/_list_filter_fields.html`` (fields only, inside a list's own form) and
``core/_list_actions.html``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.org.models import Agency
from sanxiang.org.scoping import visible_agencies

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_max_rows():
    return int(getattr(settings, "SANXIANG_EXPORT_MAX_ROWS", 10000))


@dataclass
class Column:
    """One exported column: a Chinese header and ``value(row)``."""

    header: str
    value: Callable
    width: int = 16


def parse_date(value):
    try:
        return dt.date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        return None


def _parse_id(value):
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


def _day_start(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class ListFilter:
    """The result of :func:`filter_list`: the filtered queryset and what the form shows."""

    qs: models.QuerySet
    values: dict
    agencies: list = field(default_factory=list)
    status_choices: list = field(default_factory=list)
    status_param: str = "status"
    status_label: str = ""
    date_label: str = ""
    date_options: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    wants_export: bool = False

    @property
    def show_agency(self):
        return len(self.agencies) > 1

    @property
    def status_value(self):
        return self.values.get(self.status_param, "")

    @property
    def show_dates(self):
        return bool(self.date_label)

    def params(self, **overrides):
        """The active filter parameters (plus the list's own ``extra``) as a dict."""
        out = {k: v for k, v in {**self.values, **self.extra}.items() if v not in ("", None)}
        out.update({k: v for k, v in overrides.items() if v not in ("", None)})
        return out

    @property
    def query(self):
        return urlencode(self.params())

    @property
    def export_url(self):
        return "?" + urlencode(self.params(format="xlsx"))

    @property
    def page_prefix(self):
        """``?<filters>&`` (or ``?``): the start of a pagination link, ``page=N`` follows."""
        query = self.query
        return "?" + query + "&" if query else "?"

    def export(self, columns: Iterable[Column], rows=None, *, title: str, filename: str):
        """An .xlsx of ``rows`` (default: the filtered queryset), at most
        ``SANXIANG_EXPORT_MAX_ROWS`` rows (a last line says when the list was cut)."""
        rows = self.qs if rows is None else rows
        return xlsx_response(columns, rows, title=title, filename=filename, filters=self.describe())

    def describe(self):
        """The active filters in words (the export's second line)."""
        parts = []
        agency_id = _parse_id(self.values.get("agency"))
        if agency_id:
            name = next((a.short_name or a.name for a in self.agencies if a.pk == agency_id), "")
            parts.append(_("执法主体：%(a)s") % {"a": name})
        status = self.values.get(self.status_param)
        if status:
            label = dict(self.status_choices).get(status, status)
            parts.append(f"{self.status_label or _('状态')}：{label}")
        if self.values.get("date_from") or self.values.get("date_to"):
            parts.append(
                _("%(f)s：%(a)s 至 %(b)s")
                % {
                    "f": self.date_label,
                    "a": self.values.get("date_from") or "—",
                    "b": self.values.get("date_to") or "—",
                }
            )
        return "；".join(str(p) for p in parts) or _("全部")


def filter_list(
    request,
    qs,
    *,
    agency_field="agency",
    status_field=None,
    status_choices=(),
    status_param="status",
    status_label="",
    date_field=None,
    date_label="",
    date_fields=(),
    extra_params=(),
):
    """Apply the shared filters of ``request.GET`` to the (already scoped) ``qs``.

    ``date_fields`` — optional further ``(key, field, label)`` the date range may apply to,
    chosen with ``?date_on=key`` (e.g. cases: 立案日期 by default, or 结案日期)."""
    params = request.GET
    date_options = []
    if date_field and date_fields:
        date_options = [("", date_field, date_label), *date_fields]
        chosen = next((o for o in date_fields if o[0] == params.get("date_on")), None)
        if chosen:
            date_field, date_label = chosen[1], chosen[2]
    user = request.user
    values = {}
    errors = []
    agencies = list(visible_agencies(user).only("id", "name", "short_name").order_by("id"))

    agency_id = _parse_id(params.get("agency"))
    if agency_id is not None and len(agencies) > 1:
        if any(a.pk == agency_id for a in agencies):
            qs = qs.filter(**{f"{agency_field}_id": agency_id})
        else:
            # a crafted id outside the user's scope: no rows, never a wider scope
            qs = qs.none()
        values["agency"] = str(agency_id)

    choices = [(str(c), str(label)) for c, label in status_choices]
    status = params.get(status_param) or ""
    if status_field and status in dict(choices):
        qs = qs.filter(**{status_field: status})
        values[status_param] = status

    if date_field:
        model_field = _resolve_field(qs.model, date_field)
        is_datetime = isinstance(model_field, models.DateTimeField)
        for key, op in (("date_from", "gte"), ("date_to", "lt")):
            raw = params.get(key) or ""
            day = parse_date(raw)
            if raw and day is None:
                errors.append(_("日期格式不正确，已忽略：%(v)s") % {"v": raw})
                continue
            if day is None:
                continue
            values[key] = day.isoformat()
            if op == "lt":
                bound = day + dt.timedelta(days=1)
                bound = _day_start(bound) if is_datetime else bound
            else:
                bound = _day_start(day) if is_datetime else day
            qs = qs.filter(**{f"{date_field}__{op}": bound})

    if date_options and date_field != date_options[0][1]:
        values["date_on"] = params.get("date_on")
    extra = {k: params.get(k) for k in extra_params if params.get(k)}
    return ListFilter(
        qs=qs,
        values=values,
        agencies=agencies,
        status_choices=choices,
        status_param=status_param,
        status_label=status_label or _("状态"),
        date_label=date_label,
        date_options=[(key, str(label)) for key, _field, label in date_options],
        extra=extra,
        errors=errors,
        wants_export=params.get("format") == "xlsx",
    )


def _resolve_field(model, path):
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, (dt.date, int, float)):
        return value
    return str(value)


def xlsx_response(columns, rows, *, title, filename, filters=""):
    """An .xlsx attachment: a title line, the filters line, the header, the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = list(columns)
    wb = Workbook()
    ws = wb.active
    ws.title = str(title)[:31]
    ws.append([str(title)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(
        [_("筛选条件：%(f)s") % {"f": filters}, "", _("导出时间：%(t)s") % {"t": _export_time()}]
    )
    ws.append([str(c.header) for c in columns])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    limit = export_max_rows()
    count = 0
    iterator = rows.iterator(chunk_size=500) if hasattr(rows, "iterator") else rows
    for row in iterator:
        if count >= limit:
            ws.append([_("（仅导出前 %(n)d 行，请缩小筛选范围）") % {"n": limit}])
            break
        ws.append([_cell(c.value(row)) for c in columns])
        count += 1
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A4"
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX_CONTENT_TYPE)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _export_time():
    from sanxiang.core import clock

    return timezone.localtime(clock.now()).strftime("%Y年%m月%d日 %H:%M")


def agency_name(agency: Agency | None):
    if agency is None:
        return ""
    return agency.short_name or agency.name
