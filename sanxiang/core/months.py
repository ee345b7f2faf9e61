"""Calendar months for the dashboard's monthly figures: first and last days, and rows counted
by the month of a date or datetime column (one grouped query; Beijing-time months)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone


def month_start(value) -> dt.date | None:
    """The first day of the (Beijing-time) month of a date or datetime."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return dt.date(value.year, value.month, 1)


def month_end(first: dt.date) -> dt.date:
    """The last day of the month that starts on ``first``."""
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def counts_by_month(queryset, field: str) -> dict[dt.date, int]:
    """``{first day of month: rows}`` of ``queryset`` by the month of ``field``."""
    counts: dict[dt.date, int] = {}
    for row in queryset.annotate(m=TruncMonth(field)).values("m").annotate(n=Count("id")):
        key = month_start(row["m"])
        counts[key] = counts.get(key, 0) + row["n"]
    return counts
