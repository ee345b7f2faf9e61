"""网上巡查 figures for the supervisor's dashboard (``core.dashboard``, issue #15 item 5):
per quarter, the items scored and their average score (by the round's quarter) and the
整改通知 issued and closed (by the date they were issued), over what the user may see
(``org.scoping.scope``). A fixed number of queries; every figure links to its records."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Avg, Count, Min, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse

from sanxiang.org.scoping import scope

from .labels import quarter_label
from .models import NoticeStatus, PatrolItem, PatrolNotice


def quarters(today, n=4):
    """(year, quarter) of the last ``n`` quarters, oldest first."""
    y, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _i in range(n):
        out.append((y, q))
        y, q = (y - 1, 4) if q == 1 else (y, q - 1)
    return list(reversed(out))


def quarter_dates(year, quarter):
    first = dt.date(year, 3 * quarter - 2, 1)
    nxt = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def trends(user, qs_: list[tuple[int, int]]) -> list[dict]:
    """``[{label, year, quarter, items, average, notices, closed, items_url, notices_url}]``
    for the quarters ``qs_`` (oldest first)."""
    first_year = qs_[0][0]
    items = {
        (r["round__year"], r["round__quarter"]): r
        for r in scope(PatrolItem.objects.all(), user)
        .filter(submitted_at__isnull=False, round__year__gte=first_year)
        .values("round__year", "round__quarter")
        .annotate(n=Count("id"), avg=Avg("score"), rounds=Count("round", distinct=True))
        .annotate(round_id=Min("round_id"))
    }
    start = quarter_dates(*qs_[0])[0]
    notices = {}
    for r in (
        scope(PatrolNotice.objects.all(), user)
        .filter(issued_at__date__gte=start)
        .annotate(y=ExtractYear("issued_at"), m=ExtractMonth("issued_at"))
        .values("y", "m")
        .annotate(n=Count("id"), closed=Count("id", filter=Q(status=NoticeStatus.CLOSED)))
    ):
        key = (r["y"], (r["m"] - 1) // 3 + 1)
        slot = notices.setdefault(key, {"n": 0, "closed": 0})
        slot["n"] += r["n"]
        slot["closed"] += r["closed"]
    rows = []
    for year, quarter in qs_:
        i = items.get((year, quarter), {})
        n = notices.get((year, quarter), {})
        first, last = quarter_dates(year, quarter)
        window = {"date_from": first.isoformat(), "date_to": last.isoformat()}
        if i.get("rounds") == 1:
            items_url = reverse("patrol:round", args=[i["round_id"]])
        else:
            items_url = reverse("patrol:index")
        avg = i.get("avg")
        rows.append(
            {
                "label": quarter_label(year, quarter),
                # the chart's category: the same words (never 「26Q4」, issue #13 item 9)
                "short": quarter_label(year, quarter),
                "year": year,
                "quarter": quarter,
                "items": i.get("n", 0),
                "average": round(avg, 1) if avg is not None else None,
                "notices": n.get("n", 0),
                "closed": n.get("closed", 0),
                "items_url": items_url,
                "notices_url": reverse("patrol:notices") + "?" + urlencode(window),
                "closed_url": reverse("patrol:notices")
                + "?"
                + urlencode({"status": NoticeStatus.CLOSED, **window}),
            }
        )
    return rows


def by_agency(agency_ids, qs_: list[tuple[int, int]]) -> dict:
    """Per agency of ``agency_ids`` over the quarters ``qs_``: ``{agency_id: {items,
    average, notices, closed, items_url, notices_url, closed_url}}`` — items scored (by
    the round's quarter), their average score, 整改通知 issued since the first quarter and
    those of them closed (销号). ``agency_ids``: the agencies the user may see, as the
    caller scoped them (``org.scoping.visible_agencies``). Two queries."""
    first_year, first_q = qs_[0]
    start = quarter_dates(first_year, first_q)[0]
    in_window = Q(round__year__gt=first_year) | Q(
        round__year=first_year, round__quarter__gte=first_q
    )
    items = {
        r["agency_id"]: r
        for r in PatrolItem.objects.filter(
            in_window, agency_id__in=agency_ids, submitted_at__isnull=False
        )
        .values("agency_id")
        .annotate(n=Count("id"), avg=Avg("score"), rounds=Count("round", distinct=True))
        .annotate(round_id=Min("round_id"))
    }
    notices = {
        r["agency_id"]: r
        for r in PatrolNotice.objects.filter(agency_id__in=agency_ids, issued_at__date__gte=start)
        .values("agency_id")
        .annotate(n=Count("id"), closed=Count("id", filter=Q(status=NoticeStatus.CLOSED)))
    }
    url = reverse("patrol:notices")
    out = {}
    for pk in agency_ids:
        i, n = items.get(pk, {}), notices.get(pk, {})
        avg = i.get("avg")
        if i.get("rounds") == 1:
            items_url = reverse("patrol:round", args=[i["round_id"]])
        else:
            items_url = reverse("patrol:index")
        window = {"agency": pk, "date_from": start.isoformat()}
        out[pk] = {
            "items": i.get("n", 0),
            "average": round(avg, 1) if avg is not None else None,
            "notices": n.get("n", 0),
            "closed": n.get("closed", 0),
            "items_url": items_url,
            "notices_url": url + "?" + urlencode(window),
            "closed_url": url + "?" + urlencode({"status": NoticeStatus.CLOSED, **window}),
        }
    return out
