"""Case-page timeline entries of 复议/诉讼 and 移送: the ledger leaves of both apps."""

from __future__ import annotations

import json

from django.db.models import Q
from django.urls import reverse


def timeline(case):
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.models import Leaf

    labels = dict(EventType.choices)
    leaves = (
        Leaf.objects.filter(subject=f"case:{case.pk}")
        .filter(Q(event_type__startswith="appeals.") | Q(event_type__startswith="transfers."))
        .order_by("index")
    )
    out = []
    for leaf in leaves:
        try:
            payload = json.loads(leaf.content).get("payload") or {}
        except (TypeError, ValueError):
            payload = {}
        if leaf.event_type.startswith("appeals.") and payload.get("appeal"):
            url = reverse("appeals:detail", args=[payload["appeal"]])
        elif payload.get("transfer"):
            url = reverse("transfers:detail", args=[payload["transfer"]])
        else:
            url = ""
        label = str(labels.get(leaf.event_type, leaf.event_type))
        detail = _detail(payload)
        out.append(
            {
                "at": leaf.created_at,
                "kind": label,
                "summary": f"{label}：{detail}" if detail else label,
                "actor_name": leaf.actor_name,
                "url": url,
                "proof": f"SHA-256 {bytes(leaf.leaf_hash).hex()[:16]}…",
                "ledger_index": leaf.index,
            }
        )
    return out


def _detail(payload) -> str:
    from sanxiang.transfers.models import PoliceDecision

    from .models import AppealKind, Outcome

    parts = []
    if payload.get("kind") in AppealKind.values:
        parts.append(str(AppealKind(payload["kind"]).label))
    if payload.get("body"):
        parts.append(str(payload["body"]))
    if payload.get("outcome") in Outcome.values:
        parts.append(str(Outcome(payload["outcome"]).label))
    if payload.get("police_authority"):
        parts.append(str(payload["police_authority"]))
    if payload.get("decision") in PoliceDecision.values:
        parts.append(str(PoliceDecision(payload["decision"]).label))
    return " ".join(parts)
