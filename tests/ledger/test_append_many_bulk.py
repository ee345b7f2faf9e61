"""``append_many`` writes a batch in bulk (one statement per table, ``COPY`` on PostgreSQL
from ``services.COPY_MIN`` leaves on), and stores exactly the tree that appending the same
events one by one stores: the same leaf rows, node rows, tree state, roots and proofs."""

import datetime as dt
import decimal
import json

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from sanxiang.ledger import merkle, services
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf, NodeHash, TreeState
from sanxiang.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db

BJ = dt.timezone(dt.timedelta(hours=8))
# Above COPY_MIN (the bulk path on PostgreSQL), not a power of two, and starting from a
# tree whose size is not one either, so the batch completes subtrees begun before it.
N = 3 * services.COPY_MIN + 5


@pytest.fixture(autouse=True)
def _frozen_clock():
    """Both ways of appending stamp the same time (never the real date)."""
    with time_machine.travel(dt.datetime(2026, 11, 18, 10, 0, tzinfo=BJ), tick=False):
        yield


def _entries(admin_user):
    shared = {"案由": "无照经营", "金额": 2000}  # one object several times in the batch
    out = []
    for i in range(N):
        if i % 5 == 0:
            out.append((EventType.CASE_EVENT, f"case:{i}", shared, admin_user))
        elif i % 5 == 1:
            out.append(
                {
                    "event_type": "case.transition",
                    "subject": f'x:"引号"\\{i}\n',
                    "payload": {"p": {2: "int key", 10: "sorted as text"}, "嵌套": {"b": [1, 2.5]}},
                }
            )
        elif i % 5 == 2:
            out.append(
                (
                    EventType.OTHER,
                    f"d:{i}",
                    {"d": dt.date(2026, 1, 2), "n": decimal.Decimal("1.10"), "s": {3, 1}},
                )
            )
        elif i % 5 == 3:
            out.append((EventType.OTHER, f"n:{i}", None))
        else:
            out.append((EventType.OTHER, f"e:{i}", {"i": i, "t": "\u2028\x01é"}, admin_user))
    return out


def _store():
    leaves = list(
        Leaf.objects.order_by("index").values_list(
            "index", "event_type", "subject", "actor_id", "actor_name", "created_at",
            "content", "leaf_hash",
        )
    )  # fmt: skip
    leaves = [(*row[:7], bytes(row[7])) for row in leaves]
    nodes = sorted(
        (lv, i, bytes(h)) for lv, i, h in NodeHash.objects.values_list("level", "index", "hash")
    )
    state = TreeState.objects.get(pk=1)
    return leaves, nodes, (state.size, bytes(state.frontier))


def _proofs(size):
    return (
        [services.root_at(s) for s in range(1, size + 1)],
        [services.inclusion_proof(i, size) for i in range(size)],
        [services.consistency_proof(s, size) for s in range(1, size + 1, 7)],
    )


def _one_by_one_then_undo(entries):
    """The store after appending ``entries`` one ``append`` at a time, then rolled back."""

    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        with transaction.atomic():
            returned = []
            for entry in entries:
                if isinstance(entry, dict):
                    entry = (entry["event_type"], entry["subject"], entry["payload"])
                returned.append(services.append(*entry))
            seen = _store(), _proofs(services.tree_size()), returned
            raise Undo
    return seen


def test_batch_stores_the_tree_of_single_appends(admin_user):
    services.append_many([(EventType.OTHER, f"pre:{i}", {"i": i}) for i in range(11)])
    before = _store()
    entries = _entries(admin_user)
    single_store, single_proofs, single_leaves = _one_by_one_then_undo(entries)
    assert _store() == before  # undone

    batch_leaves = services.append_many(entries)

    assert _store() == single_store
    assert _proofs(services.tree_size()) == single_proofs
    # the returned leaves are as if loaded from the database, the same as append's
    fields = ["index", "event_type", "subject", "actor_id", "actor_name", "content"]
    assert [[getattr(leaf, f) for f in fields] for leaf in batch_leaves] == [
        [getattr(leaf, f) for f in fields] for leaf in single_leaves
    ]
    assert [bytes(leaf.leaf_hash) for leaf in batch_leaves] == [
        bytes(leaf.leaf_hash) for leaf in single_leaves
    ]
    assert all(not leaf._state.adding for leaf in batch_leaves)
    assert batch_leaves[0].created_at == Leaf.objects.get(index=11).created_at
    # and the reference: RFC 9162 root over all leaf hashes, and a clean verification
    hashes = [row[7] for row in _store()[0]]
    assert services.root_at(len(hashes)) == merkle.root_hash(hashes)
    assert verify_ledger(chunk_size=16).ok


def test_content_is_canonical_json_of_the_leaf(admin_user):
    """The batch builds each leaf's content from pre-serialised parts: it must be exactly
    ``canonical_json`` of the leaf's fields (the content hash depends on every byte)."""
    leaves = services.append_many(_entries(admin_user))
    for leaf in leaves:
        data = json.loads(leaf.content)
        assert leaf.content == services.canonical_json(data)
        assert data["index"] == leaf.index and data["subject"] == leaf.subject
        assert data["event_type"] == leaf.event_type
        assert data["timestamp"] == "2026-11-18T02:00:00.000000Z"
        assert bytes(leaf.leaf_hash) == merkle.leaf_hash(leaf.content.encode("utf-8"))
    assert json.loads(leaves[0].content)["actor"] == {"id": admin_user.pk, "name": "管理员"}
    # int keys are sorted as the strings they become, as the one-by-one path does
    assert '"p":{"10":"sorted as text","2":"int key"}' in leaves[1].content
    assert json.loads(leaves[2].content)["payload"] == {"d": "2026-01-02", "n": "1.10", "s": [1, 3]}
    assert json.loads(leaves[3].content)["payload"] == {}


def test_batch_failing_half_way_leaves_nothing():
    """A node row the batch would write already exists: the leaves went in first, then the
    node write fails, and the whole batch is gone (no leaf, no node, same tree state)."""
    services.append_many([(EventType.OTHER, "pre", {"i": i}) for i in range(3)])
    before = _store()
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            NodeHash.objects.create(level=1, index=20, hash=b"\x00" * 32)
            services.append_many([(EventType.OTHER, f"x:{i}", {"i": i}) for i in range(N)])
    assert _store() == before
    assert verify_ledger().ok


def test_invalid_entry_half_way_writes_nothing():
    services.append(EventType.OTHER, "pre", {})
    before = _store()
    bad = [(EventType.OTHER, f"x:{i}", {"i": i}) for i in range(N)]
    bad[N // 2] = ("no.such_type", "x", {})
    with pytest.raises(ValueError):
        services.append_many(bad)
    bad[N // 2] = (EventType.OTHER, "x", {"nan": float("nan")})
    with pytest.raises(ValueError):
        services.append_many(bad)
    assert _store() == before


def test_bulk_written_rows_keep_the_append_only_triggers():
    services.append_many([(EventType.OTHER, "x", {"i": i}) for i in range(N)])
    victim = N // 2
    for query in (
        lambda: Leaf.objects.filter(index=victim).update(subject="y"),
        lambda: Leaf.objects.filter(index=victim).delete(),
        lambda: NodeHash.objects.filter(level=1, index=victim // 2).update(hash=b"\x01" * 32),
        lambda: NodeHash.objects.filter(level=2, index=0).delete(),
    ):
        with pytest.raises(IntegrityError, match="append-only"):
            with transaction.atomic():
                query()
    assert verify_ledger().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_large_batch_uses_copy_small_one_insert():
    """PostgreSQL: a large batch is one COPY per table (no INSERT of a leaf), a single
    append stays one INSERT per table."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        services.append_many([(EventType.OTHER, "x", {"i": i}) for i in range(N)])
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert not any("INSERT INTO" in s and "ledger_leaf" in s for s in sqls)
    assert Leaf.objects.count() == N
    with CaptureQueriesContext(connection) as ctx:
        services.append(EventType.OTHER, "y", {})
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum("INSERT INTO" in s and "ledger_leaf" in s for s in sqls) == 1
