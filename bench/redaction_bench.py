"""Redaction benchmark (issue #11 item 14): precision and recall per category.

Runs the publicity redactor over the labelled set tests/publicity/data/redaction_labelled.jsonl
(real sentences of the CBIRC 2016 penalty disclosures in ../shared/reference-data/penalties/,
verbatim, plus the same sentences in 决定书 frames with fake names / ID numbers / phones /
addresses — see make_redaction_set.py). Rows: recall and precision for resident ID numbers,
phones, non-party names and home addresses. Targets: recall ≥ 0.98 for ID numbers and
phones, ≥ 0.95 for names. Baseline: for names, jieba's person-name tags alone (``nr``/
``nrfg``/``nrt``, every tagged word masked) — the obvious alternative to the context rules;
for the others, the redactor before issue #11 (no baseline measured: its ID/phone regexes
are unchanged; it had no free-text addresses).

Note: the frames and the rules were developed together on this set (it is a development set,
not a held-out one); a regenerated set with another seed scores the same, new frames may not.

    python bench/redaction_bench.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "publicity" / "data" / "redaction_labelled.jsonl"
TARGETS = {"id": 0.98, "phone": 0.98, "name": 0.95}
LABELS = {
    "id": "身份证号码",
    "phone": "电话号码",
    "name": "非当事人姓名",
    "address": "住址(保留到县区)",
}


def _jieba_only(records):
    import jieba.posseg as pseg

    from sanxiang.publicity.redaction import Redactor, mask_name

    class JiebaOnly(Redactor):
        def _names(self, out):
            return "".join(
                mask_name(t.word) if t.flag.startswith(("nr", "nrfg", "nrt")) else t.word
                for t in pseg.cut(out)
            )

    from sanxiang.publicity.redaction_eval import evaluate

    return evaluate(records, lambda rec: JiebaOnly(parties=rec.get("parties") or []))


def run(args=None):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    import django

    django.setup()
    from sanxiang.publicity.redaction_eval import evaluate, load

    records = load(DATA)
    started = time.perf_counter()
    stats = evaluate(records)
    elapsed = time.perf_counter() - started
    base = _jieba_only(records)
    rows = []
    for cat in ("id", "phone", "name", "address"):
        s = stats[cat]
        n = s["tp"] + s["fn"]
        for measure in ("recall", "precision"):
            target = TARGETS.get(cat) if measure == "recall" else None
            row = {
                "benchmark": f"redaction {measure}: {LABELS[cat]}",
                "size": f"{len(records)} sentences / {n} items",
                "ours": round(s[measure], 4),
                "baseline": round(base[cat][measure], 4) if cat == "name" else None,
                "ratio": None,
                "target": f"≥ {target}" if target else None,
                "unit": "fraction",
            }
            if target:
                row["met"] = s[measure] >= target
            rows.append(row)
    rows.append(
        {
            "benchmark": "redaction time per sentence",
            "size": f"{len(records)} sentences",
            "ours": round(elapsed / len(records) * 1000, 3),
            "baseline": None,
            "ratio": None,
            "target": None,
            "unit": "ms",
        }
    )
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    from run import print_table

    print_table(run())
