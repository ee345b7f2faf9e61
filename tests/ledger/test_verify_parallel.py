"""``ledger verify`` with worker processes: same answer as one process, the first bad
leaf still named, and a safe fall-back to one process where workers cannot see the data.

Workers need committed data they can open themselves: on PostgreSQL the test database
(``transaction=True``); on SQLite a file copy of the in-memory test database
(``VACUUM INTO``) that the default connection is pointed at for the test.
"""

import contextlib

import pytest
from django.db import connection, connections

from sanxiang.ledger import services
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import SignedTreeHead
from sanxiang.ledger.verify import verify_ledger

from ..conftest import sqlite_file_copy

CHUNK = 8  # small chunks: 300 leaves make 38 chunks, so 3 workers get 13 each


@pytest.fixture
def committed_db(tmp_path):
    conn = connections["default"]
    if conn.vendor != "sqlite":
        yield conn
        return
    path = sqlite_file_copy(conn, tmp_path / "verify.sqlite3")
    saved, name = conn.connection, conn.settings_dict["NAME"]
    conn.connection = None  # forget, without closing, the in-memory test database
    conn.settings_dict["NAME"] = path
    try:
        yield conn
    finally:
        conn.close()
        conn.settings_dict["NAME"] = name
        conn.connection = saved


@contextlib.contextmanager
def tampering():
    """Raw SQL past the append-only triggers, as a rogue DBA would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                yield cursor
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
        else:  # the file copy is thrown away after the test
            for table in ("ledger_leaf", "ledger_nodehash"):
                cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only_update"')
                cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only_delete"')
            yield cursor


def _fill():
    base = services.tree_size()
    for n in (3, 74, 51, 72, 100):  # heads at sizes inside chunks and on boundaries
        services.append_many([(EventType.OTHER, f"p:{i}", {"i": i}) for i in range(n)])
        services.sign_tree_head()
    services.append_many([(EventType.CASE_EVENT, "case:tail", {"备注": "记录"})])
    return base


@pytest.mark.django_db(transaction=True)
def test_workers_agree_with_one_process(committed_db):
    _fill()
    one = verify_ledger(chunk_size=CHUNK, jobs=1)
    three = verify_ledger(chunk_size=CHUNK, jobs=3)
    assert one.ok and three.ok, (one.summary(), three.summary())
    assert (one.jobs, three.jobs) == (1, 3)
    assert "3 processes" in three.summary()
    assert three.size == one.size == services.tree_size()
    assert three.root == one.root == services.root_at(three.size)
    # 5 signed here, plus one signed on the commit of each append batch (#11.9)
    assert three.heads == one.heads == SignedTreeHead.objects.count() >= 5
    # the default uses workers only for large ledgers
    assert verify_ledger(chunk_size=CHUNK).ok


@pytest.mark.django_db(transaction=True)
def test_workers_name_the_first_bad_leaf(committed_db):
    base = _fill()
    late, early = base + 280, base + 20
    with tampering() as cursor:
        cursor.execute(
            "UPDATE ledger_leaf SET content = REPLACE(content, '\"i\":', '\"i\":9') "
            'WHERE "index" = %s',
            [late],
        )
    result = verify_ledger(chunk_size=CHUNK, jobs=3)
    assert result.jobs == 3
    assert not result.ok and result.bad_index == late
    assert "content does not match" in result.reason
    with tampering() as cursor:
        cursor.execute('DELETE FROM ledger_leaf WHERE "index" = %s', [early])
    result = verify_ledger(chunk_size=CHUNK, jobs=3)
    assert not result.ok and result.bad_index == early and "missing" in result.reason


@pytest.mark.django_db(transaction=True)
def test_workers_find_a_forged_subtree_hash(committed_db):
    base = _fill()
    level, idx = 2, (base >> 2) + 40  # leaves 160..163 past base: the second worker's
    with tampering() as cursor:
        cursor.execute(
            'UPDATE ledger_nodehash SET hash = %s WHERE level = %s AND "index" = %s',
            [b"\x07" * 32, level, idx],
        )
    result = verify_ledger(chunk_size=CHUNK, jobs=3)
    assert not result.ok and result.bad_index == idx << level
    assert f"({level}, {idx})" in result.reason


@pytest.mark.django_db
def test_inside_a_transaction_one_process_checks():
    # Workers could not see this test's uncommitted leaves: verify must not use them.
    _fill()
    result = verify_ledger(chunk_size=2, jobs=4)
    assert result.ok and result.jobs == 1


@pytest.mark.django_db
def test_deleted_newest_leaves_are_missed_by_nobody():
    services.append_many([(EventType.OTHER, "x", {"i": i}) for i in range(12)])
    services.sign_tree_head()
    services.append_many([(EventType.OTHER, "y", {"i": i}) for i in range(5)])
    size = services.tree_size()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute('DROP TRIGGER "ledger_leaf_append_only" ON "ledger_leaf"')
            cursor.execute('DROP TRIGGER "ledger_nodehash_append_only" ON "ledger_nodehash"')
        else:
            for table in ("ledger_leaf", "ledger_nodehash"):
                cursor.execute(f'DROP TRIGGER "{table}_append_only_delete"')
        # delete the newest leaves and the subtree hashes they completed
        cursor.execute('DELETE FROM ledger_leaf WHERE "index" >= %s', [size - 3])
        cursor.execute(
            'DELETE FROM ledger_nodehash WHERE (("index" + 1) << level) > %s', [size - 3]
        )
    result = verify_ledger()
    assert not result.ok and result.bad_index == size - 3
    assert "missing" in result.reason
