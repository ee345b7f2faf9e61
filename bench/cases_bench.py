"""Case list benchmarks: the workbench list page and the REST list at 10^4 and 10^5/10^6
cases (keyset pagination by id on the (agency, -id) indexes, no COUNT(*)).

``run(args)`` starts one worker process per database: a scratch SQLite file in a temp
directory, and a scratch PostgreSQL database ``sanxiang_bench_cases`` created and dropped
at ``CASES_BENCH_PG`` (default postgres://postgres@127.0.0.1:5432/). The worker builds
the schema from the models (``migrate --run-syncdb`` with migrations off, so the bench
does not depend on other apps' migration state) and generates cases with bulk_create.

Sizes: 10^4, then the larger size ``--size`` (values ≤ 10^4, e.g. the default of
bench/run.py, mean 10^5 so that a default run stays within a few minutes;
``--size 1000000`` measures 10^6, generation then takes a few minutes). ``--quick``
measures 10^4 only.

Rows: for each page the baseline is the same page at 10^4 cases measured in the same
run, so ``ratio`` = time at N / time at 10^4; the target is ≈ 1 (flat). One extra row
compares our deep page (keyset) with the obvious alternative, OFFSET pagination with a
COUNT(*) (Django's Paginator), at the largest size.

    python bench/cases_bench.py --size 1000000     # or: bench/run.py --only cases
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BASE = os.environ.get("CASES_BENCH_PG", "postgres://postgres@127.0.0.1:5432/")
PG_DB = "sanxiang_bench_cases"
MARK = "CASES_BENCH_ROWS="
SMALL = 10_000


def row(benchmark, size, ours, baseline, target, unit):
    ratio = ours / baseline if ours and baseline else None
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


def _sizes(size, quick):
    if quick:
        return [SMALL]
    big = size if size and size > SMALL else 100_000
    return [SMALL, big]


def _run_worker(vendor, sizes, tmp):
    env = dict(os.environ)
    env["SANXIANG_VAR_DIR"] = str(Path(tmp) / "var")
    env["DJANGO_SETTINGS_MODULE"] = "sanxiang.settings"
    env["PYTHONPATH"] = str(ROOT)
    if vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    else:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
        _pg_admin(f"CREATE DATABASE {PG_DB}")
        env["DATABASE_URL"] = PG_BASE.rstrip("/") + "/" + PG_DB
    cmd = [sys.executable, __file__, "--worker", vendor, "--sizes", ",".join(map(str, sizes))]
    try:
        done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    finally:
        if vendor == "postgresql":
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
    if done.returncode:
        sys.stderr.write(done.stderr[-4000:])
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    raise RuntimeError(f"cases bench worker ({vendor}) failed: {done.stderr[-2000:]}")


def run(args) -> list[dict]:
    sizes = _sizes(int(getattr(args, "size", SMALL) or SMALL), bool(getattr(args, "quick", False)))
    rows = []
    vendors = os.environ.get("CASES_BENCH_VENDORS", "sqlite,postgresql").split(",")
    for vendor in vendors:
        with tempfile.TemporaryDirectory(prefix="cases-bench-") as tmp:
            try:
                rows += _run_worker(vendor, sizes, tmp)
            except Exception as exc:  # e.g. no PostgreSQL here: report, keep going
                print(f"cases bench on {vendor} skipped: {exc}", file=sys.stderr)
    return rows


# --- worker side -------------------------------------------------------------------


def _setup_django():
    import django
    from django.conf import settings

    settings.MIGRATION_MODULES = {
        app.rsplit(".", 1)[-1]: None for app in settings.INSTALLED_APPS
    } | {
        "auth": None,
        "admin": None,
        "contenttypes": None,
        "sessions": None,
        "authtoken": None,
        "axes": None,
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    from django.db import connection

    from sanxiang.cases.dbstats import install

    install(connection)  # what migration cases.0003 does


def _fixtures():
    import datetime as dt

    from sanxiang.core.fields import EnforcementField
    from sanxiang.org import services as org
    from sanxiang.org.demo import make_usci
    from sanxiang.org.models import AgencyLevel, Role

    agencies = [
        org.create_agency(
            name=f"基准测试局{i}",
            short_name=f"基准{i}",
            level=AgencyLevel.COUNTY,
            usci=make_usci("11", "339999", f"MB1BC{i:04d}"),
            region="基准县",
            fields=[EnforcementField.MARKET],
        )
        for i in range(2)
    ]
    user = org.create_user(
        username="bench", password="x", role=Role.HANDLER, agency=agencies[0], full_name="基准"
    )
    return agencies, user, dt


def _generate(agencies, user, start, stop):
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from sanxiang.cases.models import Case, Party, Stage

    stages = [s for s in Stage.values]
    now = timezone.now()
    batch = 5000
    for lo in range(start, stop, batch):
        hi = min(lo + batch, stop)
        with transaction.atomic():
            cases = Case.objects.bulk_create(
                [
                    Case(
                        agency=agencies[i % 2],
                        act_type="penalty_general",
                        number=f"基准立〔2026〕{i + 1}号",
                        title=f"基准案件{i}",
                        stage=stages[i % len(stages)],
                        field="market",
                        region="基准县",
                        source="patrol",
                        created_by=user,
                        opened_at=now - dt.timedelta(minutes=i),
                        deadline=now.date(),
                    )
                    for i in range(lo, hi)
                ],
                batch_size=batch,
            )
            Party.objects.bulk_create(
                [
                    Party(
                        case=c,
                        party_type="legal_person",
                        name=f"基准公司{c.pk}",
                        usci="91110108MA01ABCD0B",
                    )
                    for c in cases
                ],
                batch_size=batch,
            )


def _median_ms(fn, repeat=7):
    fn()  # warm up
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


def _measure(client, user):
    from django.core.paginator import Paginator
    from django.db import connection

    from sanxiang.cases.models import Case
    from sanxiang.org.scoping import scope

    def get(url):
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        return r

    qs = scope(Case.objects.all(), user)
    oldest = qs.order_by("id").values_list("id", flat=True)[100]
    deep = oldest  # keyset cursor near the end of the list
    # the API's cursor is DRF's (CursorPagination): base64 of "p=<id>", URL-quoted
    api_cursor = urllib.parse.quote(base64.b64encode(f"p={deep}".encode()).decode())

    def offset_deep():
        paginator = Paginator(qs.order_by("-id").select_related("agency"), 50)
        page = paginator.page(paginator.num_pages - 2)
        list(page.object_list)

    def keyset_deep():
        list(qs.filter(id__lt=deep).order_by("-id").select_related("agency")[:50])

    with connection.cursor():
        pass
    return {
        "page": _median_ms(lambda: get("/cases/")),
        "page_deep": _median_ms(lambda: get(f"/cases/?cursor={deep}")),
        "page_filter": _median_ms(lambda: get("/cases/?stage=service")),
        "api": _median_ms(lambda: get("/api/cases/?limit=50")),
        "api_deep": _median_ms(lambda: get(f"/api/cases/?limit=50&cursor={api_cursor}")),
        "keyset_deep": _median_ms(keyset_deep),
        "offset_deep": _median_ms(offset_deep, repeat=3),
    }


LABELS = {
    "page": "cases list page, first",
    "page_deep": "cases list page, deep (keyset)",
    "page_filter": "cases list page, stage filter",
    "api": "cases API list, first",
    "api_deep": "cases API list, deep (keyset)",
}


def worker(vendor, sizes):
    _setup_django()
    from django.db import connection
    from django.test import Client

    agencies, user, _dt = _fixtures()
    client = Client()
    client.force_login(user)
    results = {}
    have = 0
    for size in sizes:
        t = time.perf_counter()
        _generate(agencies, user, have, size)
        have = size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE cases_case; ANALYZE cases_party;")
        print(f"generated {size} cases in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        results[size] = _measure(client, user)
    rows = []
    small, big = sizes[0], sizes[-1]
    for key, label in LABELS.items():
        for size in sizes:
            rows.append(
                row(
                    f"{label} ({vendor})",
                    size,
                    results[size][key],
                    results[small][key],
                    "≈1 (flat)",
                    "ms",
                )
            )
    rows.append(
        row(
            f"deep page: keyset vs OFFSET+COUNT ({vendor})",
            big,
            results[big]["keyset_deep"],
            results[big]["offset_deep"],
            "< 1",
            "ms",
        )
    )
    print(MARK + json.dumps(rows))


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=SMALL)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", choices=["sqlite", "postgresql"])
    parser.add_argument("--sizes", default="")
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, [int(s) for s in args.sizes.split(",") if s])
        return 0
    sys.path.insert(0, str(ROOT))
    from run import print_table  # bench/run.py

    print_table(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
