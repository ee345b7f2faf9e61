"""RFC 9162 Merkle functions against published vectors and hypothesis properties."""

import base64
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang.ledger import merkle, verify_bundle

DATA = Path(__file__).parent / "data"
TD = DATA / "transparency-dev-testdata"
INCLUSION = sorted((TD / "inclusion").rglob("*.json"))
CONSISTENCY = sorted((TD / "consistency").rglob("*.json"))
REF = json.loads((DATA / "rfc6962_reference_vectors.json").read_text())


def b64(value):
    return base64.b64decode(value)


def test_vector_files_present():
    assert len(INCLUSION) + len(CONSISTENCY) == 196


@pytest.mark.parametrize("path", INCLUSION, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_inclusion_vectors(path):
    v = json.loads(path.read_text())
    args = (b64(v["leafHash"]), v["leafIdx"], v["treeSize"], [b64(p) for p in v["proof"] or []])
    root = b64(v["root"])
    assert merkle.verify_inclusion(*args, root) is (not v["wantErr"])
    assert verify_bundle.verify_inclusion(*args, root) is (not v["wantErr"])


@pytest.mark.parametrize("path", CONSISTENCY, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_consistency_vectors(path):
    v = json.loads(path.read_text())
    ok = merkle.verify_consistency(
        v["size1"], v["size2"], b64(v["root1"]), b64(v["root2"]), [b64(p) for p in v["proof"] or []]
    )
    assert ok is (not v["wantErr"])


def _ref_leaves():
    return [merkle.leaf_hash(bytes.fromhex(x)) for x in REF["leaf_inputs_hex"]]


def test_reference_roots():
    leaves = _ref_leaves()
    for size, root in enumerate(REF["root_by_tree_size_hex"]):
        assert merkle.root_hash(leaves[:size]).hex() == root
    assert (
        merkle.root_hash([]) == merkle.EMPTY_ROOT == bytes.fromhex(REF["root_by_tree_size_hex"][0])
    )


def test_reference_inclusion_proofs():
    leaves = _ref_leaves()
    for case in REF["inclusion_proofs_hex"]:
        index, size = case["leaf_index_1based"] - 1, case["tree_size"]
        proof = merkle.inclusion_proof(index, leaves[:size])
        assert [p.hex() for p in proof] == case["proof"]
        root = bytes.fromhex(REF["root_by_tree_size_hex"][size])
        assert merkle.verify_inclusion(leaves[index], index, size, proof, root)


def test_strictness_rules():
    leaf = merkle.leaf_hash(b"x")
    # size1 = 0 is an error even for 0 -> 0 with an empty proof
    assert not merkle.verify_consistency(0, 0, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [])
    # hashes must be 32 bytes
    assert not merkle.verify_inclusion(leaf[:31], 0, 1, [], leaf[:31])
    assert not merkle.verify_inclusion(leaf, 0, 1, [], leaf + b"\x00")
    assert merkle.verify_inclusion(leaf, 0, 1, [], leaf)
    with pytest.raises(ValueError):
        merkle.consistency_proof(0, [leaf])
    with pytest.raises(ValueError):
        merkle.inclusion_proof(1, [leaf])


def _leaves(n):
    return [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def _stored(leaves):
    """get_node(level, index) as a store of perfect subtrees would answer it."""
    return lambda level, index: merkle._mth(leaves, index << level, (index + 1) << level)


def test_planned_proofs_equal_reference_exhaustive_small():
    for n in range(1, 40):
        leaves = _leaves(n)
        get = _stored(leaves)
        for i in range(n):
            planned = [merkle.range_hash(a, b, get) for a, b in merkle.inclusion_ranges(i, n)]
            assert planned == merkle.inclusion_proof(i, leaves)
        for m in range(1, n + 1):
            planned = [merkle.range_hash(a, b, get) for a, b in merkle.consistency_ranges(m, n)]
            assert planned == merkle.consistency_proof(m, leaves)


def test_frontier_matches_root_and_completions():
    frontier = merkle.Frontier()
    leaves = _leaves(70)
    for n, leaf in enumerate(leaves, start=1):
        for level, index, h in frontier.append(leaf):
            assert h == merkle._mth(leaves, index << level, (index + 1) << level)
        assert frontier.root() == merkle.root_hash(leaves[:n])
        copy = merkle.Frontier.from_bytes(frontier.size, frontier.to_bytes())
        assert copy.root() == frontier.root()


def _flip(h, bit):
    b = bytearray(h)
    b[(bit // 8) % len(b)] ^= 1 << (bit % 8)
    return bytes(b)


def _shape(ranges, pivot):
    return tuple(b <= pivot for _a, b in ranges)


sizes = st.integers(min_value=1, max_value=300)


# the properties, not the speed of generating examples, are under test: on a loaded machine
# hypothesis's "too slow" health check failed the run once
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n=sizes)
def test_inclusion_properties(data, n):
    leaves = _leaves(n)
    root = merkle.root_hash(leaves)
    i = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof(i, leaves)
    assert merkle.verify_inclusion(leaves[i], i, n, proof, root)
    bit = data.draw(st.integers(0, 255))
    assert not merkle.verify_inclusion(_flip(leaves[i], bit), i, n, proof, root)
    assert not merkle.verify_inclusion(leaves[i], i, n, proof, _flip(root, bit))
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        bad = list(proof)
        bad[k] = _flip(bad[k], bit)
        assert not merkle.verify_inclusion(leaves[i], i, n, bad, root)
    if n > 1:
        j = data.draw(st.integers(0, n - 1).filter(lambda j: j != i))
        assert not merkle.verify_inclusion(leaves[i], j, n, proof, root)
    other = data.draw(st.integers(1, 400).filter(lambda s: s != n))
    # A wrong size fails unless that size has the very same proof shape (e.g. leaf 0
    # in trees of 65 and 66 leaves): the algorithm binds the size only through it.
    assert merkle.verify_inclusion(leaves[i], i, other, proof, root) is (
        i < other
        and _shape(merkle.inclusion_ranges(i, other), i) == _shape(merkle.inclusion_ranges(i, n), i)
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n=sizes)
def test_consistency_properties(data, n):
    leaves = _leaves(n)
    m = data.draw(st.integers(1, n))
    root1, root2 = merkle.root_hash(leaves[:m]), merkle.root_hash(leaves)
    proof = merkle.consistency_proof(m, leaves)
    assert merkle.verify_consistency(m, n, root1, root2, proof)
    bit = data.draw(st.integers(0, 255))
    assert not merkle.verify_consistency(m, n, _flip(root1, bit), root2, proof)
    assert not merkle.verify_consistency(m, n, root1, _flip(root2, bit), proof)
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        bad = list(proof)
        bad[k] = _flip(bad[k], bit)
        assert not merkle.verify_consistency(m, n, root1, root2, bad)
    other = data.draw(st.integers(1, 400).filter(lambda s: s != n))
    assert merkle.verify_consistency(m, other, root1, root2, proof) is (
        m <= other
        and _shape(merkle.consistency_ranges(m, other), m)
        == _shape(merkle.consistency_ranges(m, n), m)
    )
    other1 = data.draw(st.integers(1, n).filter(lambda s: s != m))
    assert not merkle.verify_consistency(other1, n, root1, root2, proof)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n=st.integers(2, 2000))
def test_planned_proofs_equal_reference(data, n):
    leaves = _leaves(n)
    get = _stored(leaves)
    i = data.draw(st.integers(0, n - 1))
    m = data.draw(st.integers(1, n))
    assert [merkle.range_hash(a, b, get) for a, b in merkle.inclusion_ranges(i, n)] == (
        merkle.inclusion_proof(i, leaves)
    )
    assert [merkle.range_hash(a, b, get) for a, b in merkle.consistency_ranges(m, n)] == (
        merkle.consistency_proof(m, leaves)
    )
    # O(log n): a proof never needs more than ~2 log2(n) stored subtree hashes
    needed = {p for a, b in merkle.consistency_ranges(m, n) for p in merkle.perfect_nodes(a, b)}
    assert len(needed) <= 2 * n.bit_length() + 2
