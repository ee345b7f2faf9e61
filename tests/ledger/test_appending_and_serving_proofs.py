"""append / append_many and proofs served from the stored subtree hashes."""

import json

import pytest
from django.db import transaction

from sanxiang.core.errors import DomainError
from sanxiang.ledger import merkle, services
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf, NodeHash, TreeState

pytestmark = pytest.mark.django_db


def _all_hashes():
    return [bytes(h) for h in Leaf.objects.order_by("index").values_list("leaf_hash", flat=True)]


def test_append_returns_gap_free_leaf_with_canonical_content(admin_user):
    base = services.tree_size()
    with transaction.atomic():
        first = services.append(
            EventType.CASE_OPENED, "case:12", {"案由": "无照经营", "金额": 2000}, admin_user
        )
        second = services.append("case.transition", "case:12", {"to": "investigation"})
    assert (first.index, second.index) == (base, base + 1)
    content = json.loads(first.content)
    assert content == {
        "index": base,
        "event_type": "case.opened",
        "subject": "case:12",
        "payload": {"案由": "无照经营", "金额": 2000},
        "actor": {"id": admin_user.pk, "name": "管理员"},
        "timestamp": content["timestamp"],
    }
    assert content["timestamp"].endswith("Z")
    # canonical: sorted keys, no whitespace, non-ASCII kept
    assert first.content == json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert "无照经营" in first.content
    assert first.leaf_hash == merkle.leaf_hash(first.content.encode("utf-8"))
    assert json.loads(second.content)["actor"] is None
    stored = Leaf.objects.get(index=base)
    assert stored.actor_name == "管理员"
    assert bytes(stored.leaf_hash) == first.leaf_hash


def test_rollback_gives_the_index_back():
    base = services.tree_size()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            services.append(EventType.OTHER, "x:1", {})
            raise RuntimeError("caller fails")
    assert services.tree_size() == base
    assert services.append(EventType.OTHER, "x:2", {}).index == base


def test_invalid_input_refused():
    with pytest.raises(ValueError):
        services.append("no.such.type", "x:1", {})
    with pytest.raises(ValueError):
        services.append(EventType.OTHER, "", {})
    with pytest.raises(TypeError):
        services.append(EventType.OTHER, "x:1", ["not", "a", "dict"])
    with pytest.raises(ValueError):
        services.append(EventType.OTHER, "x:1", {"n": float("nan")})


def test_payload_dates_and_decimals_are_serialised():
    import datetime as dt
    import decimal

    leaf = services.append(
        EventType.OTHER, "x:1", {"d": dt.date(2026, 1, 2), "amount": decimal.Decimal("1.50")}
    )
    assert json.loads(leaf.content)["payload"] == {"d": "2026-01-02", "amount": "1.50"}
    assert Leaf.objects.get(index=leaf.index).payload == {"d": "2026-01-02", "amount": "1.50"}


def test_proofs_from_store_match_reference():
    services.append_many([(EventType.OTHER, f"x:{i}", {"i": i}) for i in range(45)])
    for i in range(3):
        services.append(EventType.OTHER, "y", {"i": i})
    hashes = _all_hashes()
    n = len(hashes)
    assert n == services.tree_size()
    assert services.root_at(n) == merkle.root_hash(hashes)
    assert services.root_at(0) == merkle.EMPTY_ROOT
    state = TreeState.objects.get()
    assert merkle.Frontier.from_bytes(state.size, bytes(state.frontier)).root() == (
        merkle.root_hash(hashes)
    )
    # one stored node per completed perfect subtree of size >= 2
    assert NodeHash.objects.count() == sum(n >> level for level in range(1, n.bit_length()))
    for size in (1, 2, 7, 32, 33, n):
        root = merkle.root_hash(hashes[:size])
        assert services.root_at(size) == root
        for i in range(size):
            proof = services.inclusion_proof(i, size)
            assert proof == merkle.inclusion_proof(i, hashes[:size])
            assert merkle.verify_inclusion(hashes[i], i, size, proof, root)
        for m in range(1, size + 1):
            proof = services.consistency_proof(m, size)
            assert proof == merkle.consistency_proof(m, hashes[:size])


def test_proof_requests_out_of_range_are_domain_errors():
    services.append(EventType.OTHER, "x", {})
    n = services.tree_size()
    for call in (
        lambda: services.inclusion_proof(n, n),
        lambda: services.inclusion_proof(0, n + 1),
        lambda: services.inclusion_proof(n, n + 1),
        lambda: services.consistency_proof(n, n + 1),
        lambda: services.sign_tree_head(n + 1),
        lambda: services.consistency_proof(0, n),
        lambda: services.consistency_proof(1, n + 1),
        lambda: services.root_at(n + 1),
        lambda: services.get_leaf(n + 5),
    ):
        with pytest.raises(DomainError):
            call()


def test_append_many_accepts_dicts_and_keeps_order(admin_user):
    base = services.tree_size()
    leaves = services.append_many(
        [
            {"event_type": EventType.OTHER, "subject": "a", "payload": {"n": 1}},
            {"event_type": EventType.OTHER, "subject": "b", "actor": admin_user},
        ]
    )
    assert [leaf.index for leaf in leaves] == [base, base + 1]
    assert services.append_many([]) == []


def test_state_row_rebuilt_when_missing():
    base = services.tree_size()
    services.append_many([(EventType.OTHER, "x", {"i": i}) for i in range(11)])
    TreeState.objects.all().delete()  # the state row is a cache, not protected
    leaf = services.append(EventType.OTHER, "x", {})
    assert leaf.index == base + 11
    assert services.root_at(services.tree_size()) == merkle.root_hash(_all_hashes())
