"""网上巡查 figures for the annual report (issue #15 item 6).

``patrol_figures(agencies, year)`` reads only ledgered records: the ``patrol.concluded`` leaves
of the year's rounds (each carries the round's summary, whose SHA-256 the round row also
stores) and the ``patrol.notice_*`` leaves. So the figures are reproducible from the ledger.

Call it from ``sanxiang.publicity.reports`` where the annual report's figures are built
(alongside the evaluation figures), with the report's agencies and year.
"""

from __future__ import annotations

from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf

from .services import FINDING_KINDS


def _leaves(event_type):
    return Leaf.objects.filter(event_type=event_type).order_by("index")


def patrol_figures(agencies, year):
    """{agency id: {"rounds", "items", "average", "findings": {kind: n}, "notices_issued",
    "notices_closed"}} plus ``"total"`` for the given agencies and year (rounds of that year,
    concluded)."""
    ids = {getattr(a, "pk", a) for a in agencies}
    rows = {
        i: {
            "rounds": 0,
            "items": 0,
            "average": None,
            "findings": dict.fromkeys(FINDING_KINDS, 0),
            "notices_issued": 0,
            "notices_closed": 0,
            "_sum": 0,
            "_scored": 0,
        }
        for i in ids
    }
    year_rounds = set()
    for leaf in _leaves(EventType.PATROL_CONCLUDED):
        summary = (leaf.payload or {}).get("summary") or {}
        if summary.get("year") != year:
            continue
        year_rounds.add(summary.get("round"))
        for row in summary.get("agencies", []):
            target = rows.get(row["agency"])
            if target is None:
                continue
            target["rounds"] += 1
            target["items"] += row["items"]
            target["_sum"] += row.get("score_sum", 0)
            target["_scored"] += row.get("scored", 0)
            for kind, n in (row.get("findings") or {}).items():
                target["findings"][kind] = target["findings"].get(kind, 0) + n
    issued = {}
    for leaf in _leaves(EventType.PATROL_NOTICE_ISSUED):
        p = leaf.payload or {}
        if p.get("round") in year_rounds and p.get("agency") in rows:
            issued[p["notice"]] = p["agency"]
            rows[p["agency"]]["notices_issued"] += 1
    for leaf in _leaves(EventType.PATROL_NOTICE_CLOSED):
        agency = issued.get((leaf.payload or {}).get("notice"))
        if agency is not None:
            rows[agency]["notices_closed"] += 1
    total = {
        "rounds": len(year_rounds),
        "items": 0,
        "findings": dict.fromkeys(FINDING_KINDS, 0),
        "notices_issued": 0,
        "notices_closed": 0,
    }
    for row in rows.values():
        scored = row.pop("_scored")
        total_sum = row.pop("_sum")
        row["average"] = round(total_sum / scored, 1) if scored else None
        total["items"] += row["items"]
        total["notices_issued"] += row["notices_issued"]
        total["notices_closed"] += row["notices_closed"]
        for kind, n in row["findings"].items():
            total["findings"][kind] = total["findings"].get(kind, 0) + n
    return {"agencies": rows, "total": total}
