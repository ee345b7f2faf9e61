"""复议/诉讼 outcomes by month for the supervisor's dashboard (``core.dashboard``, issue #15
item 5): appeals decided (决定/裁判日期) per month and outcome, over what the user may see
(``org.scoping.scope``). A fixed number of queries; every figure links to the filtered
list (``/appeals/?outcome=…&date_on=decided&date_from=…&date_to=…``)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse

from sanxiang.core.months import month_end, month_start
from sanxiang.org.scoping import scope

from .models import CORRECTED_OUTCOMES, Appeal, AppealStatus, Outcome

# the chart's groups (the table shows every outcome)
GROUPS = (
    ("upheld", "维持/驳回", (Outcome.UPHELD,)),
    ("corrected", "被纠错（撤销·变更·确认违法·责令履行）", tuple(CORRECTED_OUTCOMES)),
    ("other", "调解/和解·撤回", (Outcome.SETTLED, Outcome.WITHDRAWN)),
)


def _url(**params):
    return reverse("appeals:index") + "?" + urlencode({k: v for k, v in params.items() if v})


def outcomes_by_month(user, months: list[dt.date]) -> dict:
    """``{"outcomes": [(code, label)], "rows": [{label, short, total, total_url,
    counts: {code: n}, urls: {code: url}, cells: [(code, n, url)], groups: {group: n},
    group_urls: {group: url}}]}`` for ``months`` (first days, oldest first); 复议 and 诉讼
    together (the list filters by kind). A group's URL is ``?outcome=<group>``, which the
    appeals list reads as its group's outcomes."""
    counts = {}
    for r in (
        scope(Appeal.objects.all(), user)
        .filter(status=AppealStatus.DECIDED, decided_on__gte=months[0])
        .annotate(m=TruncMonth("decided_on"))
        .values("m", "outcome")
        .annotate(n=Count("id"))
    ):
        key = month_start(r["m"])
        slot = counts.setdefault(key, {})
        slot[r["outcome"]] = slot.get(r["outcome"], 0) + r["n"]
    rows = []
    for first in months:
        window = {
            "date_on": "decided",
            "date_from": first.isoformat(),
            "date_to": month_end(first).isoformat(),
        }
        c = counts.get(first, {})
        rows.append(
            {
                "label": f"{first.year}年{first.month}月",
                "short": f"{first.month}月",
                "total": sum(c.values()),
                "total_url": _url(status=AppealStatus.DECIDED, **window),
                "counts": {code: c.get(code, 0) for code in Outcome.values},
                "urls": {code: _url(outcome=code, **window) for code in Outcome.values},
                "cells": [
                    (code, c.get(code, 0), _url(outcome=code, **window)) for code in Outcome.values
                ],
                "groups": {g: sum(c.get(o, 0) for o in members) for g, _l, members in GROUPS},
                "group_urls": {g: _url(outcome=g, **window) for g, _l, _m in GROUPS},
            }
        )
    return {"outcomes": list(Outcome.choices), "rows": rows}


def by_agency(agency_ids, start: dt.date) -> dict:
    """``{agency_id: {applied, decided, corrected, applied_url, decided_url,
    corrected_url}}`` — 复议/诉讼 applied for since ``start``, decided since ``start`` and,
    of those, 被纠错 (撤销·变更·确认违法·责令履行); the rates per decision (被复议率 …) are
    on the appeals page. ``agency_ids``: the agencies the user may see, as the caller
    scoped them (``org.scoping.visible_agencies``). One query."""
    counts = {
        r["agency_id"]: r
        for r in Appeal.objects.filter(agency_id__in=agency_ids)
        .values("agency_id")
        .annotate(
            applied=Count("id", filter=Q(applied_on__gte=start)),
            decided=Count("id", filter=Q(status=AppealStatus.DECIDED, decided_on__gte=start)),
            corrected=Count(
                "id",
                filter=Q(
                    status=AppealStatus.DECIDED,
                    decided_on__gte=start,
                    outcome__in=CORRECTED_OUTCOMES,
                ),
            ),
        )
    }
    since = start.isoformat()
    out = {}
    for pk in agency_ids:
        c = counts.get(pk, {})
        decided = {"agency": pk, "date_on": "decided", "date_from": since}
        out[pk] = {
            "applied": c.get("applied", 0),
            "decided": c.get("decided", 0),
            "corrected": c.get("corrected", 0),
            "applied_url": _url(agency=pk, date_from=since),
            "decided_url": _url(status=AppealStatus.DECIDED, **decided),
            "corrected_url": _url(outcome="corrected", **decided),
        }
    return out
