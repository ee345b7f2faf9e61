"""Real parallel writers (separate processes and DB connections) never leave gaps or
duplicate indices. SQLite: a file copy of the test database (``VACUUM INTO``) opened by
each process with the project's WAL + BEGIN IMMEDIATE settings. PostgreSQL: the test
database itself (the ``TreeState`` row lock serialises the appends)."""

import multiprocessing

import pytest
from django.db import connection, connections, transaction

from sanxiang.ledger import merkle

from ..conftest import sqlite_file_copy

WRITERS = 4
APPENDS = 25
BATCHES = 5
BATCH = 10


def _use_db(db_name):
    conn = connections["default"]
    if db_name:
        # Forget (without closing) the inherited in-memory connection, point at the file.
        conn.connection = None
        conn.settings_dict["NAME"] = db_name
    return conn


def _writer(db_name, worker, barrier, errors):
    try:
        _use_db(db_name)
        from sanxiang.ledger import services
        from sanxiang.ledger.events import EventType

        barrier.wait(timeout=60)
        for i in range(APPENDS):
            with transaction.atomic():
                services.append(EventType.OTHER, f"worker:{worker}", {"i": i})
        for b in range(BATCHES):
            with transaction.atomic():
                services.append_many(
                    [(EventType.OTHER, f"worker:{worker}", {"b": b, "j": j}) for j in range(BATCH)]
                )
        connections.close_all()
    except Exception as exc:  # report to the parent
        errors.put(f"worker {worker}: {exc!r}")


def _checker(db_name, results):
    try:
        _use_db(db_name)
        from sanxiang.ledger.models import Leaf
        from sanxiang.ledger.verify import verify_ledger

        indices = list(Leaf.objects.order_by("index").values_list("index", flat=True))
        hashes = [
            bytes(h) for h in Leaf.objects.order_by("index").values_list("leaf_hash", flat=True)
        ]
        result = verify_ledger(chunk_size=50)
        from sanxiang.ledger import services

        results.put(
            (
                indices,
                result.ok,
                result.reason,
                services.root_at(len(indices)) == merkle.root_hash(hashes),
            )
        )
        connections.close_all()
    except Exception as exc:
        results.put(repr(exc))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_gap_free(tmp_path):
    db_name = None
    if connection.vendor == "sqlite":
        db_name = sqlite_file_copy(connection, tmp_path / "parallel.sqlite3")
    else:
        connections.close_all()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WRITERS)
    errors, results = ctx.Queue(), ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(db_name, w, barrier, errors)) for w in range(WRITERS)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert all(p.exitcode == 0 for p in procs)
    assert errors.empty(), errors.get()
    checker = ctx.Process(target=_checker, args=(db_name, results))
    checker.start()
    checker.join(timeout=60)
    outcome = results.get(timeout=5)
    assert not isinstance(outcome, str), outcome
    indices, ok, reason, root_ok = outcome
    expected = WRITERS * (APPENDS + BATCHES * BATCH)
    assert indices == list(range(expected))  # no gap, no duplicate
    assert ok, reason
    assert root_ok
