"""Ledger benchmarks: appends (single / batched), proofs at 10^4..10^6 leaves, verification.

``run(args)`` starts one worker process per database (a scratch SQLite file in a temp
directory; a scratch PostgreSQL database ``sanxiang_bench`` created and dropped at
``LEDGER_BENCH_PG``, default postgres://postgres@127.0.0.1:5432/). Workers run with
``SANXIANG_VAR_DIR`` in a temp directory, so the user's var/ (database, keys) is never
touched. Only the ledger app is migrated in the scratch database.

Baselines, measured in the same worker on the same data:
* appends: plain INSERTs of the same rows into an unindexed log table (no hashing,
  no lock, no tree) - single-row transactions and batched like ours; on PostgreSQL also
  the same batches with ``COPY`` (what ``append_many`` uses for a large batch);
* proofs: the obvious alternative, loading every leaf hash and computing the proof in
  memory with the reference algorithm (what a store without subtree hashes must do);
* verification: one process streaming the same leaf contents the fastest plain way (a
  raw DB-API cursor, server-side on PostgreSQL) and only hashing them with hashlib,
  against ``ledger verify`` with its default worker processes and with ``--jobs 1``;
  (informational) the Merkle root recomputed in memory in one process against hashlib
  over the same contents (~2 hashes per leaf, so 0.5 is the single-process ceiling).

    python bench/ledger_bench.py --size 10000       # or via bench/run.py --only ledger
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BASE = os.environ.get("LEDGER_BENCH_PG", "postgres://postgres@127.0.0.1:5432/")
# The scratch database (created and dropped) and the vendors to run, both overridable so
# that runs on a shared machine do not collide: LEDGER_BENCH_DB=sx_x LEDGER_BENCH_VENDORS=postgresql
PG_DB = os.environ.get("LEDGER_BENCH_DB", "sanxiang_bench")
VENDORS = [
    v for v in os.environ.get("LEDGER_BENCH_VENDORS", "sqlite,postgresql").split(",") if v.strip()
]
MARK = "LEDGER_BENCH_ROWS="


def row(benchmark, size, ours, baseline, target, unit, higher_is_better=True, met=None):
    ratio = None
    if ours and baseline:
        ratio = ours / baseline if higher_is_better else baseline / ours
    return {
        "met": met,
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


def _run_worker(vendor, size, quick, tmp):
    env = dict(os.environ)
    env["SANXIANG_VAR_DIR"] = str(Path(tmp) / "var")
    env["SANXIANG_KEYS_DIR"] = str(Path(tmp) / "var" / "keys")
    env["DJANGO_SETTINGS_MODULE"] = "sanxiang.settings"
    env["PYTHONPATH"] = str(ROOT)
    if vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    else:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
        _pg_admin(f"CREATE DATABASE {PG_DB}")
        env["DATABASE_URL"] = PG_BASE.rstrip("/") + "/" + PG_DB
    cmd = [sys.executable, __file__, "--worker", vendor, "--size", str(size)]
    if quick:
        cmd.append("--quick")
    try:
        done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    finally:
        if vendor == "postgresql":
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
    sys.stderr.write(done.stderr[-4000:] if done.returncode else "")
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    raise RuntimeError(f"ledger bench worker ({vendor}) failed: {done.stderr[-2000:]}")


def run(args) -> list[dict]:
    size = int(getattr(args, "size", 10000) or 10000)
    quick = bool(getattr(args, "quick", False))
    rows = []
    for vendor in [v.strip() for v in VENDORS]:
        with tempfile.TemporaryDirectory(prefix="ledger-bench-") as tmp:
            try:
                rows += _run_worker(vendor, size, quick, tmp)
            except Exception as exc:  # e.g. no PostgreSQL here: report, keep going
                print(f"ledger bench on {vendor} skipped: {exc}", file=sys.stderr)
    return rows


# --- worker side -------------------------------------------------------------------


def _timed(fn, *a):
    t = time.perf_counter()
    result = fn(*a)
    return time.perf_counter() - t, result


def _best(fn, repeat=3):
    """Fastest of ``repeat`` runs (these 2-core machines are shared and noisy)."""
    runs = [_timed(fn) for _ in range(repeat)]
    return min(r[0] for r in runs), runs[0][1]


def _setup_django():
    import django
    from django.conf import settings

    # Only the ledger's tables are needed: leave other apps' migrations out, so the
    # bench does not depend on (or wait for) them.
    settings.MIGRATION_MODULES = {
        app.rsplit(".", 1)[-1]: None
        for app in settings.INSTALLED_APPS
        if app.startswith("sanxiang.") and app != "sanxiang.ledger"
    } | {
        "auth": None,
        "admin": None,
        "contenttypes": None,
        "sessions": None,
        "authtoken": None,
        "axes": None,
    }
    django.setup()
    from django.core.management import call_command
    from django.db.models.signals import post_migrate

    post_migrate.receivers = []  # no content types/permissions: those tables are absent

    call_command("migrate", "ledger", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_plainlog (id bigint PRIMARY KEY, event_type varchar(64), "
            "subject varchar(200), created_at varchar(40), content text)"
        )
    return connection


def _bench_appends(vendor, n_single, n_batch, batch):
    from django.db import connection, transaction

    from sanxiang.ledger import services
    from sanxiang.ledger.events import EventType

    out = []
    payload = {"案由": "基准测试", "金额": 1234, "当事人": "某某有限公司"}
    ins = "INSERT INTO bench_plainlog VALUES (%s, %s, %s, %s, %s)"
    content = json.dumps(payload, ensure_ascii=False)

    def ours_single():
        for i in range(n_single):
            with transaction.atomic():
                services.append(EventType.CASE_EVENT, f"case:{i}", payload)

    def base_single():
        with connection.cursor() as cursor:
            for i in range(n_single):
                with transaction.atomic():
                    cursor.execute(ins, [i, "case.event", f"case:{i}", "t", content])

    t_ours, _ = _timed(ours_single)
    t_base, _ = _timed(base_single)
    out.append(
        row(
            f"ledger append single txn ({vendor})",
            n_single,
            n_single / t_ours,
            n_single / t_base,
            None,
            "leaves/s",
        )
    )

    def ours_batch():
        for start in range(0, n_batch, batch):
            with transaction.atomic():
                services.append_many(
                    [
                        (EventType.CASE_EVENT, f"case:{i}", payload)
                        for i in range(start, min(start + batch, n_batch))
                    ]
                )

    def base_batch():
        with connection.cursor() as cursor:
            for start in range(0, n_batch, batch):
                with transaction.atomic():
                    cursor.executemany(
                        ins,
                        [
                            [10**9 + i, "case.event", f"case:{i}", "t", content]
                            for i in range(start, min(start + batch, n_batch))
                        ],
                    )

    def base_copy():
        raw = connection.connection
        with raw.cursor() as cursor:
            for start in range(0, n_batch, batch):
                with transaction.atomic():
                    with cursor.copy("COPY bench_plainlog FROM STDIN") as copy:
                        for i in range(start, min(start + batch, n_batch)):
                            copy.write_row((2 * 10**9 + i, "case.event", f"case:{i}", "t", content))

    t_ours, _ = _timed(ours_batch)
    t_base, _ = _timed(base_batch)
    # issue #16 item 6: >= 10,000 leaves/s batched on PostgreSQL. On these shared 2-core
    # machines the plain INSERTs / COPY of the same rows, measured next to it, say what the
    # machine could do at the time; the ratio is what compares runs.
    target = "≥ 10,000" if vendor == "postgresql" else None
    out.append(
        row(
            f"ledger append batched x{batch} vs plain INSERTs ({vendor})",
            n_batch,
            n_batch / t_ours,
            n_batch / t_base,
            target,
            "leaves/s",
            met=(n_batch / t_ours >= 10000) if target else None,
        )
    )
    if vendor == "postgresql":
        t_copy, _ = _timed(base_copy)
        out.append(
            row(
                f"ledger append batched x{batch} vs plain COPY ({vendor})",
                n_batch,
                n_batch / t_ours,
                n_batch / t_copy,
                None,
                "leaves/s",
            )
        )
    return out


def _synthetic(i):
    return (
        f'{{"actor":null,"event_type":"other","index":{i},"payload":{{"n":{i},"备注":"批量生成"}},'
        f'"subject":"bench:{i}","timestamp":"2026-01-01T00:00:00.000000Z"}}'
    )


def _grow_tree(vendor, target_size):
    """Bulk-insert synthetic leaves and their subtree hashes up to ``target_size``."""
    import datetime as dt

    from django.db import connection, transaction

    from sanxiang.ledger import merkle
    from sanxiang.ledger.models import TreeState
    from sanxiang.ledger.services import _lock_state

    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    chunk = 50000
    with transaction.atomic():
        state = _lock_state()
        frontier = merkle.Frontier.from_bytes(state.size, bytes(state.frontier))
        while frontier.size < target_size:
            leaves, nodes = [], []
            for _ in range(min(chunk, target_size - frontier.size)):
                i = frontier.size
                content = _synthetic(i)
                h = merkle.leaf_hash(content.encode())
                leaves.append((i, "other", f"bench:{i}", None, "", created, content, h))
                nodes.extend(frontier.append(h))
            cols_leaf = (
                "(index, event_type, subject, actor_id, actor_name, created_at, content, leaf_hash)"
            )
            if vendor == "postgresql":
                raw = connection.connection
                with raw.cursor() as cur:
                    with cur.copy(
                        f"COPY ledger_leaf {cols_leaf.replace('index', chr(34) + 'index' + chr(34))} FROM STDIN"
                    ) as cp:
                        for r in leaves:
                            cp.write_row(r)
                    with cur.copy('COPY ledger_nodehash (level, "index", hash) FROM STDIN') as cp:
                        for r in nodes:
                            cp.write_row(r)
            else:
                with connection.cursor() as cur:
                    cur.executemany(
                        'INSERT INTO ledger_leaf ("index", event_type, subject, actor_id, '
                        "actor_name, created_at, content, leaf_hash) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
                        [(a, b, c, d, e, f.isoformat(), g, h) for a, b, c, d, e, f, g, h in leaves],
                    )
                    cur.executemany(
                        'INSERT INTO ledger_nodehash (level, "index", hash) VALUES (%s,%s,%s)',
                        nodes,
                    )
        TreeState.objects.filter(pk=1).update(size=frontier.size, frontier=frontier.to_bytes())


def _bench_proofs(vendor, size, samples):
    from sanxiang.ledger import merkle, services
    from sanxiang.ledger.models import Leaf

    rng = random.Random(size)
    idx = [rng.randrange(size) for _ in range(samples)]
    t, _ = _timed(lambda: [services.inclusion_proof(i, size) for i in idx])
    ours_ms = t / samples * 1000
    pairs = [(rng.randrange(1, size), size) for _ in range(samples)]
    t, _ = _timed(lambda: [services.consistency_proof(a, b) for a, b in pairs])
    cons_ms = t / samples * 1000

    def naive():
        hashes = [
            bytes(h)
            for h in Leaf.objects.filter(index__lt=size)
            .order_by("index")
            .values_list("leaf_hash", flat=True)
            .iterator(chunk_size=20000)
        ]
        return merkle.inclusion_proof(idx[0], hashes)

    t_naive, proof = _timed(naive)
    assert proof == services.inclusion_proof(idx[0], size)
    naive_ms = t_naive * 1000
    target = "≤ 5 ms" if size >= 10**6 else None
    return [
        row(
            f"ledger inclusion proof ({vendor})",
            size,
            ours_ms,
            naive_ms,
            target,
            "ms/proof",
            higher_is_better=False,
            met=(ours_ms <= 5) if target else None,
        ),
        row(
            f"ledger consistency proof ({vendor})",
            size,
            cons_ms,
            naive_ms,
            target,
            "ms/proof",
            higher_is_better=False,
            met=(cons_ms <= 5) if target else None,
        ),
    ]


def _plain_hashlib(vendor):
    """The baseline: stream the same leaves the fastest plain way (raw DB-API cursor;
    a server-side cursor on PostgreSQL) and SHA-256 each one, in this one process."""
    from django.db import connection, transaction

    sha = hashlib.sha256
    sql = 'SELECT content, leaf_hash FROM ledger_leaf ORDER BY "index"'
    with transaction.atomic():
        connection.ensure_connection()
        raw = connection.connection
        cursor = raw.cursor(name="bench_plain") if vendor == "postgresql" else raw.cursor()
        if vendor == "postgresql":
            cursor.itersize = 8192
        cursor.execute(sql)
        n = 0
        while rows := cursor.fetchmany(8192):
            for content, _h in rows:
                sha(b"\x00" + content.encode("utf-8")).digest()
            n += len(rows)
        cursor.close()
    return n


def _bench_verify(vendor, size):
    from sanxiang.ledger import merkle
    from sanxiang.ledger.verify import verify_ledger

    t_base, n_base = _best(lambda: _plain_hashlib(vendor))
    t_one, result = _best(lambda: verify_ledger(jobs=1))
    assert result.ok and result.jobs == 1, result.summary()
    t_ours, result = _best(verify_ledger)
    assert result.ok, result.summary()
    n = result.size
    assert n == n_base
    jobs = result.jobs
    rows = [
        row(
            f"ledger verify, default: {jobs} process{'es' if jobs > 1 else ''} ({vendor})",
            n,
            n / t_ours,
            n / t_base,
            "≥ 0.5× hashlib",
            "leaves/s",
            met=t_base / t_ours >= 0.5,
        ),
        row(f"ledger verify, --jobs 1 ({vendor})", n, n / t_one, n / t_base, None, "leaves/s"),
    ]
    contents = [_synthetic(i).encode() for i in range(min(n, 200000))]

    def tree():
        sha = hashlib.sha256
        return merkle.root_hash([sha(b"\x00" + c).digest() for c in contents])

    def hashes():
        sha = hashlib.sha256
        for c in contents:
            sha(c).digest()

    t_tree, _ = _best(tree)
    t_hash, _ = _best(hashes)
    m = len(contents)
    rows.append(
        row(
            f"Merkle root in memory, 1 process, 2 hashes/leaf ({vendor})",
            m,
            m / t_tree,
            m / t_hash,
            None,
            "leaves/s",
        )
    )
    return rows


def worker(vendor, size, quick):
    _setup_django()
    rows = []
    n_single = 200 if quick else 1000
    n_batch = 2000 if quick else min(max(size, 10000), 100000)
    rows += _bench_appends(vendor, n_single, n_batch, 1000)
    stages = [10**3, 10**4] if quick else sorted({10**4, 10**5, 10**6, size})
    verify_at = stages[-1]  # the largest tree: the 10^6 one unless --quick
    for stage in stages:
        from sanxiang.ledger import services

        if services.tree_size() < stage:
            t, _ = _timed(_grow_tree, vendor, stage)
            print(f"{vendor}: grew tree to {stage} in {t:.1f} s", file=sys.stderr)
        rows += _bench_proofs(vendor, stage, 50 if quick else 200)
        if stage == verify_at:
            rows += _bench_verify(vendor, stage)
    if quick:  # smoke run: sizes far below those the targets are stated for
        for r in rows:
            r["met"] = None
    print(MARK + json.dumps(rows, ensure_ascii=False))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", choices=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    if args.worker:
        sys.path.insert(0, str(ROOT))
        worker(args.worker, args.size, args.quick)
        return 0
    sys.path.insert(0, str(ROOT / "bench"))
    rows = run(args)
    try:
        from run import print_table

        print_table(rows)
    except ImportError:
        for r in rows:
            print(r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
