"""Publicity benchmarks on PostgreSQL: decision search and the decision page.

``run(args)`` starts a worker process on a scratch PostgreSQL database
``sanxiang_bench_pub`` (created and dropped at ``PUBLICITY_BENCH_PG``, default
postgres://postgres@127.0.0.1:5432/), migrates it, bulk-generates N published decision
snapshots with COPY (pre-segmented text built from a fixed vocabulary, so generation does
not run jieba a million times) and measures, on the same data:

* search — ``publicity.search.search`` (jieba → tsquery, GIN expression index over
  to_tsvector('simple', search_text), ts_rank, count + first page) against the obvious
  alternative: a ``LIKE '%term%'`` scan with the same count + first page. Two kinds of
  query: a selective one (a company name, a few rows) and a common one (a violation type,
  ~0.5 % of the rows); ms per query, best of 3, several terms each;
* decision page — ``GET /gs/jd/<id>/`` uncached (the cache cleared before each request)
  vs cached (snapshot id + version key), ms per request;
* requests per second of the cached decision page through the Django test client (one
  process, no network), against the uncached page.

Sizes: 10^4 by default; ``--size 1000000`` adds 10^6 (about 3-6 minutes on a 2-core
machine, most of it COPY and the GIN index build). ``--quick`` runs 10^4 only.

    python bench/publicity_bench.py --size 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BASE = os.environ.get("PUBLICITY_BENCH_PG", "postgres://postgres@127.0.0.1:5432/")
PG_DB = os.environ.get("PUBLICITY_BENCH_DB", "sanxiang_bench_pub")
MARK = "PUBLICITY_BENCH_ROWS="


def row(benchmark, size, ours, baseline, target, unit, higher_is_better=False):
    ratio = None
    if ours and baseline:
        ratio = ours / baseline if higher_is_better else baseline / ours
    return {
        "benchmark": benchmark,
        "size": size,
        "ours": ours,
        "baseline": baseline,
        "ratio": ratio,
        "target": target,
        "unit": unit,
    }


# --- parent side -------------------------------------------------------------------


def _pg_admin(sql):
    import psycopg

    with psycopg.connect(PG_BASE.rstrip("/") + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _run_worker(size, tmp):
    env = dict(os.environ)
    env["SANXIANG_VAR_DIR"] = str(Path(tmp) / "var")
    env["DJANGO_SETTINGS_MODULE"] = "sanxiang.settings"
    env["PYTHONPATH"] = str(ROOT)
    env.pop("CACHE_URL", None)
    _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
    _pg_admin(f"CREATE DATABASE {PG_DB}")
    env["DATABASE_URL"] = PG_BASE.rstrip("/") + "/" + PG_DB
    cmd = [sys.executable, __file__, "--worker", "--size", str(size)]
    try:
        done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    finally:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
    if done.returncode:
        sys.stderr.write(done.stderr[-4000:])
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    raise RuntimeError(f"publicity bench worker failed: {done.stderr[-2000:]}")


def run(args) -> list[dict]:
    size = int(getattr(args, "size", 10000) or 10000)
    quick = bool(getattr(args, "quick", False))
    sizes = [10_000] if quick or size <= 10_000 else [10_000, size]
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="publicity-bench-") as tmp:
            try:
                rows += _run_worker(n, tmp)
            except Exception as exc:  # e.g. no PostgreSQL here: report, keep going
                print(f"publicity bench at {n} skipped: {exc}", file=sys.stderr)
    return rows


# --- worker side -------------------------------------------------------------------

VIOLATIONS = [
    "销售超过保质期的食品",
    "发布虚假广告",
    "未取得营业执照从事经营活动",
    "生产销售不符合安全标准的产品",
    "超标排放大气污染物",
    "未批先建建设项目",
    "违法倾倒建筑垃圾",
    "擅自占用城市道路",
    "未按规定维护运输车辆",
    "无证经营道路货物运输",
    "价格欺诈",
    "销售假冒注册商标的商品",
    "计量器具未经检定",
    "未如实记录食品进货查验",
    "违规设置户外广告",
    "夜间施工噪声扰民",
]
TOWNS = ["城关", "城南", "新桥", "溪口", "白沙", "石门", "兴业", "丰泽", "青禾", "龙山"]
TRADES = ["食品", "餐饮", "运输", "印染", "化工", "建材", "商贸", "科技", "饲料", "医药"]
MARKS = ["鑫盛", "恒泰", "永丰", "华兴", "宏达", "金源", "瑞祥", "博远", "汇通", "嘉禾"]


def _setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _best(fn, repeat=3):
    times = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def _generate(size, agency, rng):
    """Bulk-load ``size`` published publications + snapshots with COPY."""
    from django.db import connection

    from sanxiang.publicity.search import segment

    seg_cache = {}

    def seg(text):
        if text not in seg_cache:
            seg_cache[text] = segment(text)
        return seg_cache[text]

    with connection.cursor() as cur:
        cur.execute("DROP INDEX IF EXISTS pub_snap_vector")
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM publicity_publication")
        start = cur.fetchone()[0] + 1
    raw = connection.connection  # psycopg 3 connection
    pub_cols = (
        "id, agency_id, source_key, category, case_act_type, document_number, decision_date, "
        "due_date, due_note, source, marks, handler_ids, status, created_at, published_at, "
        "published_late, visible_until, withdrawal_kind, withdrawal_reason, removed_reason, version"
    )
    snap_cols = (
        "id, publication_id, version, state, agency_id, agency_name, agency_usci, category, "
        "case_act_type, document_number, title, decision_date, target_type, target_name, "
        "target_usci, target_legal_rep, conclusion, full_text, details, search_text, "
        "published_at, visible_until, withdrawal_kind, withdrawal_reason, correction_note, "
        "content_sha256, created_at, updated_at"
    )
    base = "2026-01-01"
    with raw.cursor() as cur:
        with cur.copy(f"COPY publicity_publication ({pub_cols}) FROM STDIN") as copy:
            for i in range(start, start + size):
                day = f"2026-{1 + i % 10:02d}-{1 + i % 27:02d}"
                copy.write_row(
                    (
                        i,
                        agency.pk,
                        f"bench:{i}",
                        "penalty",
                        "penalty_general",
                        f"罚决〔2026〕{i}号",
                        day,
                        day,
                        "",
                        "{}",
                        "[]",
                        "[]",
                        "published",
                        base,
                        base,
                        False,
                        "2029-12-31",
                        "",
                        "",
                        "",
                        1,
                    )
                )
        with cur.copy(f"COPY publicity_snapshot ({snap_cols}) FROM STDIN") as copy:
            for i in range(start, start + size):
                day = f"2026-{1 + i % 10:02d}-{1 + i % 27:02d}"
                violation = VIOLATIONS[rng.randrange(len(VIOLATIONS))]
                name = (
                    f"{TOWNS[rng.randrange(10)]}{MARKS[rng.randrange(10)]}"
                    f"{TRADES[rng.randrange(10)]}{rng.randrange(1000):03d}有限公司"
                )
                # a unique-ish company name ≈ 1 in 1000 rows share one; violations ≈ 1/16
                facts = f"当事人{name}{violation}，违法所得{rng.randrange(100, 99999)}元。"
                conclusion = f"给予行政处罚：罚款人民币{rng.randrange(1, 200) * 500}元"
                text = " ".join(
                    (
                        seg(violation),
                        seg(name),
                        seg(f"罚决〔2026〕{i}号"),
                        seg(conclusion[:9]),
                        seg("当事人"),
                        seg("违法所得"),
                        str(rng.randrange(100, 99999)),
                    )
                )
                copy.write_row(
                    (
                        i,
                        i,
                        1,
                        "published",
                        agency.pk,
                        agency.name,
                        agency.usci,
                        "penalty",
                        "penalty_general",
                        f"罚决〔2026〕{i}号",
                        violation,
                        day,
                        "legal_person",
                        name,
                        "",
                        "",
                        conclusion,
                        "[]",
                        json.dumps({"facts": facts}, ensure_ascii=False),
                        text,
                        base,
                        "2029-12-31",
                        "",
                        "",
                        "",
                        "",
                        base,
                        base,
                    )
                )
    raw.commit()
    with connection.cursor() as cur:
        cur.execute("CREATE INDEX pub_snap_vector ON publicity_snapshot USING GIN (search_vector)")
        cur.execute("ANALYZE publicity_snapshot")
        cur.execute("ANALYZE publicity_publication")
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('publicity_snapshot','id'), %s)", [start + size]
        )
    return start


def _like_baseline(term):
    """The plain alternative: LIKE '%term%' over the raw text fields, same count + page."""
    from django.db.models import Q

    from sanxiang.publicity.models import Snapshot
    from sanxiang.publicity.search import public_q

    qs = Snapshot.objects.filter(public_q()).filter(
        Q(title__contains=term) | Q(target_name__contains=term) | Q(conclusion__contains=term)
    )
    total = qs.count()
    page = list(qs.order_by("-decision_date", "-id")[:20])
    return page, total


def worker(size):
    _setup_django()
    from django.core.cache import cache
    from django.test import Client

    from sanxiang.core.fields import EnforcementField
    from sanxiang.org import services as org
    from sanxiang.org.demo import make_usci
    from sanxiang.org.models import AgencyKind, AgencyLevel
    from sanxiang.publicity.search import Filters, search

    rng = random.Random(7)
    sup = org.create_agency(
        name="基准测试司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339999", "MB1BN0001"),
        region="基准县",
    )
    agency = org.create_agency(
        name="基准县市场监督管理局",
        level=AgencyLevel.COUNTY,
        parent=sup,
        usci=make_usci("11", "339999", "MB1BN0002"),
        region="基准县",
        fields=[EnforcementField.MARKET],
    )
    t0 = time.perf_counter()
    start = _generate(size, agency, rng)
    gen_s = time.perf_counter() - t0
    print(f"generated {size} in {gen_s:.1f}s", file=sys.stderr)
    rows = []
    from sanxiang.publicity.models import Snapshot

    sample = [start + rng.randrange(size) for _ in range(3)]
    names = list(Snapshot.objects.filter(id__in=sample).values_list("target_name", flat=True))
    queries = {
        # what people look up: a company by its name, a decision by its number
        "selective": names + [f"罚决〔2026〕{start + size // 2}号"],
        # a violation type shared by ~1/16 of all decisions
        "common": ["虚假广告", "建筑垃圾", "噪声扰民"],
    }
    for kind, terms in queries.items():
        ours_t, base_t = [], []
        for term in terms:
            search(Filters(q=term))  # warm
            t, (_rows, total) = _best(lambda term=term: search(Filters(q=term)))
            ours_t.append(t)
            b, (_r, n) = _best(lambda term=term: _like_baseline(term), repeat=2)
            print(f"{kind} {term}: ours {total} rows, LIKE {n} rows", file=sys.stderr)
            base_t.append(b)
        ours = 1000 * sum(ours_t) / len(ours_t)
        base = 1000 * sum(base_t) / len(base_t)
        r = row(f"publicity search ({kind}) vs LIKE", size, ours, base, "≥100× at 10⁶", "ms")
        r["met"] = r["ratio"] >= 100 if size >= 10**6 and r["ratio"] else None
        rows.append(r)
    client = Client()
    ids = [start + rng.randrange(size) for _ in range(30)]
    for pid in ids[:3]:
        client.get(f"/gs/jd/{pid}/")

    def uncached():
        for pid in ids:
            cache.clear()
            r = client.get(f"/gs/jd/{pid}/")
            assert r.status_code == 200, r.status_code

    def cached():
        for pid in ids:
            client.get(f"/gs/jd/{pid}/")

    cached()
    u, _ = _best(uncached)
    c, _ = _best(cached)
    rows.append(
        row(
            "decision page (cached vs uncached)",
            size,
            1000 * c / len(ids),
            1000 * u / len(ids),
            "0 queries when cached",
            "ms",
        )
    )
    rows.append(
        row(
            "decision page requests/s (cached vs uncached)",
            size,
            len(ids) / c,
            len(ids) / u,
            "—",
            "req/s",
            higher_is_better=True,
        )
    )
    rows.append(row("generate published snapshots (COPY + GIN)", size, gen_s, None, "—", "s"))
    print(MARK + json.dumps(rows, ensure_ascii=False))


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", action="store_true")
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.size)
    sys.path.insert(0, str(ROOT / "bench"))
    from run import print_table

    print_table(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
