"""Precision and recall of the redactor on a labelled set (bench row and recall test).

A record: ``{"text", "labels": [{"cat": "id|phone|name|address", "text", "kept"?}],
"public": [names that must stay], "parties": [...]}``.

* **recall** — a labelled item is caught when its text no longer occurs in the output; for an
  address, when the output holds exactly its kept divisions + ``[详细地址已隐去]`` (or the
  whole-address mask when no division is kept);
* **precision** — masks the redactor wrote (per category: ID / phone masks, ``X某某`` names,
  address masks), of which those standing for labelled occurrences are right; a public name
  masked counts against the name precision.
"""

from __future__ import annotations

import json
from pathlib import Path

from .addresses import DETAIL_MASK, WHOLE_MASK
from .redaction import PHONE_MASK, RIC_MASK, Redactor

CATEGORIES = ("id", "phone", "name", "address")


def load(path) -> list[dict]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if "text" in r]


def _mask_count(cat: str, text: str) -> int:
    if cat == "id":
        return text.count(RIC_MASK)
    if cat == "phone":
        return text.count(PHONE_MASK)
    if cat == "name":
        return text.count("某某")
    return text.count(DETAIL_MASK) + text.count(WHOLE_MASK)


def _caught(label: dict, out: str) -> bool:
    if label["cat"] == "address":
        kept = label.get("kept") or ""
        return label["text"] not in out and (
            kept + DETAIL_MASK in out if kept else WHOLE_MASK in out
        )
    return label["text"] not in out


def evaluate(records, redactor_factory=None) -> dict:
    """{cat: {"tp", "fn", "fp", "precision", "recall", "missed": [...]}}."""
    make = redactor_factory or (lambda rec: Redactor(parties=rec.get("parties") or []))
    stats = {c: {"tp": 0, "fn": 0, "fp": 0, "missed": [], "wrong": []} for c in CATEGORIES}
    for rec in records:
        text = rec["text"]
        out = make(rec).text(text)
        for cat in CATEGORIES:
            labels = [lab for lab in rec.get("labels", []) if lab["cat"] == cat]
            right = 0
            for lab in labels:
                if _caught(lab, out):
                    stats[cat]["tp"] += 1
                    right += text.count(lab["text"])
                else:
                    stats[cat]["fn"] += 1
                    stats[cat]["missed"].append((lab["text"], out))
            written = _mask_count(cat, out) - _mask_count(cat, text)
            extra = max(written - right, 0)
            if cat == "name":
                extra = max(extra, sum(1 for p in rec.get("public", []) if p not in out))
            if extra:
                stats[cat]["fp"] += extra
                stats[cat]["wrong"].append(out)
    for s in stats.values():
        s["recall"] = s["tp"] / (s["tp"] + s["fn"]) if s["tp"] + s["fn"] else 1.0
        s["precision"] = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else 1.0
    return stats
