"""``{{ some_date|deadline }}``: a deadline as 「2027-02-11」, or, when it lies in a year whose
holiday schedule is not entered yet, as 「2027-02-11（暂定）」 followed by the one-line reason
(「2027年节假日安排尚未录入，暂按法定节假日推算，录入后自动重算」). An optional argument is a
Django date format (default ``Y-m-d``). Empty values render as "" so ``|default:"—"`` works."""

import datetime as dt

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def deadline(value, fmt="Y-m-d"):
    if not isinstance(value, dt.date):
        return value or ""
    if isinstance(value, dt.datetime):
        value = value.date()
    from sanxiang.workdays import calendar

    text = date_filter(value, fmt)
    if not calendar.date_is_provisional(value):
        return text
    note = calendar.provisional_note([value.year])
    return format_html(
        '<span class="provisional" title="{}">{}{}</span>'
        '<small class="provisional-note">{}</small>',
        note,
        text,
        _("（暂定）"),
        note,
    )
