"""Concurrent issuing from separate processes never yields gaps or duplicate 文号.

Two worker processes (own interpreter, own database connection) each issue 20 drafts of
the same agency and kind at the same time; the serials must be exactly 1..40.

PostgreSQL: the workers connect to the test database (``transaction=True`` so the
fixtures are committed). SQLite: the test database is in memory, so its committed
content is copied to a file switched to WAL before the workers open it (BEGIN IMMEDIATE
as configured in settings), and the result is read back from that file.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from sanxiang.documents import services
from sanxiang.documents.models import Document

from ..conftest import sqlite_file_copy

ROOT = Path(__file__).resolve().parents[2]
PER_WORKER = 20
WORKERS = 2


def _database_url(tmp_path):
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        user = db.get("USER") or ""
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = db.get("HOST") or "127.0.0.1"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{user}{password}@{host}{port}/{db['NAME']}", None
    target = sqlite_file_copy(connection, tmp_path / "concurrency.sqlite3")
    return f"sqlite:///{target}", target


@pytest.mark.slow
@pytest.mark.skipif(
    "faketime" in os.environ.get("LD_PRELOAD", ""),
    reason="under libfaketime (scripts/test_year_end.sh) time.sleep and subprocess timeouts "
    "fail with EINVAL; the processes' race is about locks, not dates, and runs in make test",
)
@pytest.mark.django_db(transaction=True)
def test_parallel_processes_issue_gap_free_numbers(handler_a, agency_a, tmp_path):
    drafts = [
        services.create_draft(None, "other", {"title": f"通知{i}", "body": "正文"}, handler_a)
        for i in range(PER_WORKER * WORKERS)
    ]
    url, sqlite_file = _database_url(tmp_path)
    go = tmp_path / "go"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SANXIANG_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    procs = []
    for w in range(WORKERS):
        ids = [str(d.pk) for d in drafts[w::WORKERS]]
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.documents.concurrency_worker",
                    str(go),
                    str(handler_a.pk),
                    *ids,
                ],
                cwd=str(ROOT),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    time.sleep(0.5)
    go.touch()
    numbers = {}
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-3000:]
        numbers.update(json.loads(out.strip().splitlines()[-1]))
    assert len(numbers) == PER_WORKER * WORKERS
    assert len(set(numbers.values())) == PER_WORKER * WORKERS  # no duplicates

    if sqlite_file is None:
        rows = list(
            Document.objects.filter(pk__in=[d.pk for d in drafts]).values_list(
                "status", "serial", "number", "sha256"
            )
        )
    else:
        with sqlite3.connect(str(sqlite_file)) as db:
            marks = ",".join("?" for _ in drafts)
            rows = db.execute(
                f"SELECT status, serial, number, sha256 FROM documents_document WHERE id IN ({marks})",
                [d.pk for d in drafts],
            ).fetchall()
    assert all(r[0] == "issued" and r[3] for r in rows)
    serials = sorted(r[1] for r in rows)
    assert serials == list(range(1, PER_WORKER * WORKERS + 1))  # no gaps, no duplicates
    assert {r[2] for r in rows} == set(numbers.values())
