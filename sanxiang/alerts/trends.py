"""Alert figures for the supervisor's dashboard (``core.dashboard``, issue #15 item 5):
alerts raised and resolved by month, and by rule, over what the user may see
(``services.visible_alerts``). A fixed number of queries whatever the rows; every figure
carries the URL of the filtered alert list that holds its rows (``core.lists`` filters)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from sanxiang.core.months import counts_by_month, month_end

from . import services
from .models import LIVE_STATUSES, Alert, AlertStatus
from .rules import RULES


def _url(**params):
    return reverse("alerts:index") + "?" + urlencode({k: v for k, v in params.items() if v})


def trends(user, months: list[dt.date]) -> dict:
    """``months``: first days, oldest first. ``{"by_month": [{label, short, raised,
    resolved, raised_url, resolved_url}], "by_rule": [{number, title, code, raised, live,
    url, live_url}]}`` — raised = alerts raised in the window (预警日期), resolved = alerts
    a person closed as 已整改 (办结日期), live = open or acknowledged now."""
    qs = services.visible_alerts(user)
    start = months[0]
    start_at = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    raised = counts_by_month(qs.filter(raised_on__gte=start), "raised_on")
    resolved = counts_by_month(
        qs.filter(status=AlertStatus.RESOLVED, closed_at__gte=start_at), "closed_at"
    )
    by_month = []
    for first in months:
        dates = {"date_from": first.isoformat(), "date_to": month_end(first).isoformat()}
        by_month.append(
            {
                "label": f"{first.year}年{first.month}月",
                "short": f"{first.month}月",
                "raised": raised.get(first, 0),
                "resolved": resolved.get(first, 0),
                "raised_url": _url(status="all", **dates),
                "resolved_url": _url(status=AlertStatus.RESOLVED, date_on="closed", **dates),
            }
        )
    counts = {
        r["rule"]: r
        for r in qs.values("rule").annotate(
            raised=Count("id", filter=Q(raised_on__gte=start)),
            live=Count("id", filter=Q(status__in=LIVE_STATUSES)),
        )
    }
    by_rule = []
    for rule in RULES:
        c = counts.get(rule.code, {})
        by_rule.append(
            {
                "number": rule.number,
                "code": rule.code,
                "title": rule.title,
                "raised": c.get("raised", 0),
                "live": c.get("live", 0),
                "url": _url(rule=rule.code, status="all", date_from=start.isoformat()),
                "live_url": _url(rule=rule.code),
            }
        )
    return {"by_month": by_month, "by_rule": by_rule}


def by_agency(agency_ids, start: dt.date) -> dict:
    """``{agency_id: {live, raised, resolved, live_url, raised_url, resolved_url}}`` —
    live now, raised since ``start`` (预警日期), closed as 已整改 since ``start`` (办结日期).
    ``agency_ids``: the agencies the user may see, as the caller scoped them
    (``org.scoping.visible_agencies``); no scoping query is repeated here. One query."""
    start_at = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    counts = {
        r["agency_id"]: r
        for r in Alert.objects.filter(agency_id__in=agency_ids)
        .values("agency_id")
        .annotate(
            live=Count("id", filter=Q(status__in=LIVE_STATUSES)),
            raised=Count("id", filter=Q(raised_on__gte=start)),
            resolved=Count("id", filter=Q(status=AlertStatus.RESOLVED, closed_at__gte=start_at)),
        )
    }
    since = start.isoformat()
    out = {}
    for pk in agency_ids:
        c = counts.get(pk, {})
        out[pk] = {
            "live": c.get("live", 0),
            "raised": c.get("raised", 0),
            "resolved": c.get("resolved", 0),
            "live_url": _url(agency=pk),
            "raised_url": _url(agency=pk, status="all", date_from=since),
            "resolved_url": _url(
                agency=pk, status=AlertStatus.RESOLVED, date_on="closed", date_from=since
            ),
        }
    return out
