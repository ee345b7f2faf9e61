"""Database triggers refuse UPDATE/DELETE; flush still works; the helper is reusable."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from sanxiang.ledger import services
from sanxiang.ledger.append_only import append_only_operations, install_sql
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf, NodeHash, SignedTreeHead, TreeState

STATEMENTS = [
    "UPDATE ledger_leaf SET content = 'x'",
    "UPDATE ledger_leaf SET subject = subject",  # even a same-value rewrite
    "DELETE FROM ledger_leaf",
    "UPDATE ledger_nodehash SET hash = hash",
    "DELETE FROM ledger_nodehash",
    "UPDATE ledger_signedtreehead SET tree_size = 0",
    "DELETE FROM ledger_signedtreehead",
]


@pytest.mark.django_db
@pytest.mark.parametrize("sql", STATEMENTS)
def test_raw_update_and_delete_fail(sql):
    services.append_many([(EventType.OTHER, "x", {"i": i}) for i in range(4)])
    services.sign_tree_head()
    with pytest.raises(IntegrityError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.mark.django_db
def test_orm_update_and_delete_fail():
    leaf = services.append(EventType.OTHER, "x", {})
    with pytest.raises(IntegrityError), transaction.atomic():
        Leaf.objects.filter(index=leaf.index).update(subject="y")
    with pytest.raises(IntegrityError), transaction.atomic():
        Leaf.objects.filter(index=leaf.index).delete()
    assert Leaf.objects.get(index=leaf.index).subject == "x"


@pytest.mark.django_db(transaction=True)
def test_flush_still_clears_the_ledger():
    """pytest-django flushes after transactional tests: TRUNCATE on PostgreSQL, DELETE
    with the flush-only bypass on SQLite. Afterwards appends restart at 0."""
    services.append_many([(EventType.OTHER, "x", {"i": i}) for i in range(5)])
    services.sign_tree_head()
    call_command("flush", interactive=False, verbosity=0)
    assert not Leaf.objects.exists() and not NodeHash.objects.exists()
    assert not SignedTreeHead.objects.exists() and not TreeState.objects.exists()
    # the bypass ended with the flush
    services.append_many([(EventType.OTHER, "x", {"i": i}) for i in range(3)])
    with pytest.raises(IntegrityError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM ledger_leaf")
    assert services.append(EventType.OTHER, "x", {}).index == 3
    # leave rows behind on purpose: pytest-django's own flush must cope with them


@pytest.mark.django_db
def test_append_only_operations_on_any_table():
    ops = append_only_operations("ledgertest_doc", allow_update_columns=["status"])
    assert len(ops) == 1 and ops[0].reversible
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE ledgertest_doc (id integer PRIMARY KEY, body text, status text)"
        )
        # what the RunPython operation executes (a schema editor cannot run inside the
        # test transaction on SQLite)
        for sql in install_sql(connection, "ledgertest_doc", ["status"]):
            cursor.execute(sql)
        cursor.execute("INSERT INTO ledgertest_doc VALUES (1, 'text', 'draft')")
        cursor.execute("UPDATE ledgertest_doc SET status = 'issued' WHERE id = 1")
        cursor.execute("UPDATE ledgertest_doc SET status = 'final', body = body WHERE id = 1")
        for sql in (
            "UPDATE ledgertest_doc SET body = 'changed' WHERE id = 1",
            "DELETE FROM ledgertest_doc WHERE id = 1",
        ):
            with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
                cursor.execute(sql)
        cursor.execute("SELECT body, status FROM ledgertest_doc")
        assert cursor.fetchall() == [("text", "final")]


def test_identifiers_are_checked():
    with pytest.raises(ValueError):
        append_only_operations("x; DROP TABLE y")
    with pytest.raises(ValueError):
        append_only_operations("t", allow_update_columns=["a'b"])
