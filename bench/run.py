#!/usr/bin/env python
"""`make bench`: runs every bench/*_bench.py and prints one table.

Each module exposes ``run(args) -> list[dict]`` with rows
{benchmark, size, ours, baseline, ratio, target, unit} and, for rows with a target, ``met``
(True/False, judged by the module that knows what the target applies to). The baseline is measured in the
same run (a physical limit or the obvious alternative), so the ratio is what matters on
these noisy machines. Timings are never asserted in tests.

    make bench                       # default sizes (minutes)
    make bench BENCH_ARGS="--size 1000000 --only ledger"
    make bench BENCH_ARGS="--only province --province-scale 1e6"   # only when asked for
"""

import argparse
import importlib.util
import json
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def fmt(value):
    if value is None:
        return "—"
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.4f}"
    return str(value)


def print_table(rows):
    headers = ["benchmark", "size", "ours", "baseline", "ratio", "target", "met", "unit"]
    marks = {True: "✓", False: "✗ MISSED"}
    table = [
        [marks.get(r.get(h), "—") if h == "met" else fmt(r.get(h)) for h in headers] for r in rows
    ]
    widths = [
        max(len(h), *(len(row[i]) for row in table)) if table else len(h)
        for i, h in enumerate(headers)
    ]
    line = " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for row in table:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size", type=int, default=10000, help="data size for generators (default 10000)"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated module prefixes, e.g. ledger,cases"
    )
    parser.add_argument("--json", default="", help="also write the rows to this JSON file")
    parser.add_argument(
        "--upload-mb", type=int, default=2048, help="size of the upload benchmark file"
    )
    parser.add_argument("--quick", action="store_true", help="smallest sizes only (smoke run)")
    parser.add_argument(
        "--province-scale",
        default="1e5",
        help="province bench (run only with --only province): cases at scale, 10x ledger "
        "leaves (default 1e5; the issue #16 figure is 1e6)",
    )
    parser.add_argument(
        "--province-repeat", type=int, default=40, help="province bench: runs per p95"
    )
    args = parser.parse_args(argv)
    only = [p for p in args.only.split(",") if p]
    rows, failed = [], []
    for path in sorted(HERE.glob("*_bench.py")):
        name = path.stem
        if only and not any(name.startswith(p) for p in only):
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        started = time.perf_counter()
        print(f"==> {name}", flush=True)
        try:
            spec.loader.exec_module(module)
            rows.extend(module.run(args))
        except Exception:
            traceback.print_exc()
            failed.append(name)
        print(f"    {name} took {time.perf_counter() - started:.1f} s", flush=True)
    print()
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=2))
    if failed:
        print(f"\nfailed benchmarks: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
