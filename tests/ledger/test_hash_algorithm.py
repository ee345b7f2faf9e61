"""Hash-algorithm agility (issue #16 item 7): a log is SHA-256 (RFC 9162) or SM3
(GB/T 32905) for life; heads, bundles and proof responses name the algorithm; the two
are never mixed."""

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from sanxiang.ledger import algorithm, heads, merkle, services, verify_bundle
from sanxiang.ledger.bundle import export_bundle
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf, LogParameters
from sanxiang.ledger.verify import head_from_dict, verify_ledger

pytestmark = pytest.mark.django_db

# GB/T 32905-2016 appendix A, examples 1 and 2.
SM3_VECTORS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


def _crypto_sm3(data):
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


@pytest.mark.parametrize("data,digest", SM3_VECTORS)
def test_sm3_standard_vectors_every_implementation(data, digest):
    assert merkle.SM3.new(data).digest().hex() == digest
    assert _crypto_sm3(data).hex() == digest  # the pinned cryptography's own SM3
    assert verify_bundle._hash_new("sm3")(data).digest().hex() == digest
    assert merkle.SM3.leaf(data) == _crypto_sm3(b"\x00" + data)
    assert merkle.SM3.node(data, data) == _crypto_sm3(b"\x01" + data + data)


def test_sm3_tree_has_the_rfc_9162_shape():
    leaves = [merkle.SM3.leaf(bytes([i])) for i in range(7)]
    root = merkle.root_hash(leaves, merkle.SM3)
    assert merkle.root_hash([], merkle.SM3) == _crypto_sm3(b"")
    assert merkle._mth(leaves, 0, 7, merkle.SM3) == root
    for i in range(7):
        proof = merkle.inclusion_proof(i, leaves, merkle.SM3)
        assert merkle.verify_inclusion(leaves[i], i, 7, proof, root, merkle.SM3)
        assert not merkle.verify_inclusion(leaves[i], i, 7, proof, root)  # as SHA-256
    frontier = merkle.Frontier(hasher=merkle.SM3)
    for h in leaves:
        frontier.append(h)
    assert frontier.root() == root
    for m in range(1, 7):
        proof = merkle.consistency_proof(m, leaves, merkle.SM3)
        old = merkle.root_hash(leaves[:m], merkle.SM3)
        assert merkle.verify_consistency(m, 7, old, root, proof, merkle.SM3)
        assert not merkle.verify_consistency(m, 7, old, root, proof)


def test_unknown_algorithm_is_refused(settings):
    with pytest.raises(ValueError):
        merkle.hasher("md5")
    settings.SANXIANG_LEDGER_HASH = "md5"
    with pytest.raises(ImproperlyConfigured):
        algorithm.configured()


def _fill(n=11):
    services.append_many([(EventType.OTHER, f"x:{i}", {"i": i}) for i in range(n // 2)])
    services.sign_tree_head()
    for i in range(n - n // 2):
        services.append(EventType.CASE_EVENT, f"case:{i}", {"备注": "记录"})
    return services.sign_tree_head()


@pytest.fixture
def sm3_log(settings):
    settings.SANXIANG_LEDGER_HASH = "sm3"
    head = _fill()
    return head


def test_default_log_is_sha256_and_unchanged():
    head = _fill()
    assert LogParameters.objects.get().hash_algorithm == "sha256"
    assert head.hash_algorithm == "sha256" and head.as_dict()["hash_algorithm"] == "sha256"
    leaf = Leaf.objects.get(index=0)
    assert bytes(leaf.leaf_hash) == hashlib.sha256(b"\x00" + leaf.content.encode()).digest()
    # the signed message of a SHA-256 head is exactly RFC 6962's (old heads still verify)
    assert len(verify_bundle.tree_head_message(1, bytes(32), 0)) == 50
    assert heads.verify_head(head)


def test_sm3_log_end_to_end(sm3_log):
    head = sm3_log
    assert LogParameters.objects.get().hash_algorithm == "sm3"
    leaves = list(Leaf.objects.order_by("index"))
    for leaf in leaves:
        assert bytes(leaf.leaf_hash) == _crypto_sm3(b"\x00" + leaf.content.encode())
    hashes_ = [bytes(leaf.leaf_hash) for leaf in leaves]
    size = len(hashes_)
    root = services.root_at(size)
    assert root == merkle.root_hash(hashes_, merkle.SM3) != merkle.root_hash(hashes_)
    assert head.hash_algorithm == "sm3" and bytes(head.root_hash) == root
    assert heads.verify_head(head)
    for i in (0, 4, size - 1):
        proof = services.inclusion_proof(i, size)
        assert merkle.verify_inclusion(hashes_[i], i, size, proof, root, merkle.SM3)
    old = services.root_at(5)
    proof = services.consistency_proof(5, size)
    assert merkle.verify_consistency(5, size, old, root, proof, merkle.SM3)
    assert not merkle.verify_consistency(5, size, old, root, proof)  # no mixing
    result = verify_ledger(chunk_size=4)
    assert result.ok and result.hash_algorithm == "sm3" and result.root == root
    assert "(sm3)" in result.summary()


def test_setting_does_not_change_an_existing_log(settings):
    _fill(3)
    settings.SANXIANG_LEDGER_HASH = "sm3"
    services.append(EventType.OTHER, "x:later", {})
    assert algorithm.log_algorithm() == "sha256"
    assert services.sign_tree_head().hash_algorithm == "sha256"
    assert verify_ledger().ok


def test_sm3_head_relabelled_sha256_fails_its_signature(sm3_log):
    data = sm3_log.as_dict()
    forged = head_from_dict({**data, "hash_algorithm": "sha256"})
    assert heads.verify_head(head_from_dict(data))
    assert not heads.verify_head(forged)
    result = verify_ledger(known_heads=[forged])
    assert not result.ok and "bad signature" in result.reason


def test_a_sha256_head_in_an_sm3_log_is_refused(sm3_log):
    """A head genuinely signed over the SHA-256 root of the same leaves (a DBA re-signing
    with the key) does not pass in an SM3 log."""
    size = sm3_log.tree_size
    hashes_ = [bytes(h) for h in Leaf.objects.order_by("index").values_list("leaf_hash", flat=True)]
    sha_root = merkle.root_hash([hashlib.sha256(b"\x00" + bytes(h)).digest() for h in hashes_])
    ts = sm3_log.timestamp_ms + 1
    message = verify_bundle.tree_head_message(size, sha_root, ts)
    forged = head_from_dict(
        {
            "tree_size": size,
            "root_hash": base64.b64encode(sha_root).decode(),
            "timestamp": ts,
            "key_id": heads.key_id(),
            "signature": base64.b64encode(heads.private_key().sign(message)).decode(),
            "hash_algorithm": "sha256",
        }
    )
    result = verify_ledger(known_heads=[forged])
    assert not result.ok and "不得混用哈希算法" in result.reason


def _drop_triggers(cursor, table):
    if connection.vendor == "postgresql":
        cursor.execute(f'DROP TRIGGER "{table}_append_only" ON "{table}"')
    else:
        cursor.execute(f'DROP TRIGGER "{table}_append_only_update"')
        cursor.execute(f'DROP TRIGGER "{table}_append_only_delete"')


def test_tampered_leaf_in_sm3_log_is_detected(sm3_log):
    with connection.cursor() as cursor:
        _drop_triggers(cursor, "ledger_leaf")
        cursor.execute(
            "UPDATE ledger_leaf SET content = REPLACE(content, '记录', '篡改') WHERE \"index\" = 7"
        )
    result = verify_ledger()
    assert not result.ok and result.bad_index == 7
    assert "content does not match" in result.reason


def test_leaf_rehashed_with_sm3_is_caught_by_subtree_hashes(sm3_log):
    with connection.cursor() as cursor:
        _drop_triggers(cursor, "ledger_leaf")
        content = Leaf.objects.get(index=2).content.replace('"i":2', '"i":200')
        cursor.execute(
            'UPDATE ledger_leaf SET content = %s, leaf_hash = %s WHERE "index" = 2',
            [content, merkle.SM3.leaf(content.encode())],
        )
    result = verify_ledger()
    assert not result.ok and result.bad_index is not None and result.bad_index <= 2


def test_switching_the_log_algorithm_in_the_database_is_detected(sm3_log):
    """The parameters row is append-only; a DBA who drops the trigger and relabels the
    log as SHA-256 makes every leaf hash wrong."""
    with connection.cursor() as cursor:
        _drop_triggers(cursor, "ledger_logparameters")
        cursor.execute("UPDATE ledger_logparameters SET hash_algorithm = 'sha256'")
    result = verify_ledger()
    assert not result.ok and result.bad_index == 0


def test_parameters_row_is_append_only(sm3_log):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LogParameters.objects.filter(pk=1).update(hash_algorithm="sha256")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LogParameters.objects.all().delete()


def test_sm3_bundle_verifies_and_mixing_is_refused(sm3_log):
    bundle = json.loads(json.dumps(export_bundle([0, 3, 10]), ensure_ascii=False))
    assert bundle["hash_algorithm"] == "sm3" and bundle["tree_head"]["hash_algorithm"] == "sm3"
    assert "hash sm3" in verify_bundle.verify(bundle)

    relabelled = {**bundle, "hash_algorithm": "sha256"}
    with pytest.raises(verify_bundle.BundleError, match="mismatch"):
        verify_bundle.verify(relabelled)

    head_relabelled = {
        **bundle,
        "hash_algorithm": "sha256",
        "tree_head": {**bundle["tree_head"], "hash_algorithm": "sha256"},
    }
    with pytest.raises(verify_bundle.BundleError, match="signature"):
        verify_bundle.verify(head_relabelled)

    # a SHA-256 leaf hash and proof against the SM3 head
    leaf = bundle["leaves"][0]
    content = leaf["content"].encode()
    sha_leaf = dict(leaf, leaf_hash=base64.b64encode(merkle.leaf_hash(content)).decode())
    with pytest.raises(verify_bundle.BundleError, match="leaf hash"):
        verify_bundle.verify({**bundle, "leaves": [sha_leaf]})


def test_proof_responses_name_the_algorithm(sm3_log, client):
    size = sm3_log.tree_size
    r = client.get("/api/ledger/proofs/inclusion/", {"index": 2})
    assert r.status_code == 200, r.content
    assert r.json()["hash_algorithm"] == "sm3"
    assert r.json()["tree_head"]["hash_algorithm"] == "sm3"
    r = client.get("/api/ledger/proofs/consistency/", {"first": 3, "second": size})
    assert r.status_code == 200 and r.json()["hash_algorithm"] == "sm3"
    data = r.json()
    proof = [base64.b64decode(p) for p in data["proof"]]
    old, new = base64.b64decode(data["first_root"]), base64.b64decode(data["second_root"])
    assert merkle.verify_consistency(3, size, old, new, proof, merkle.SM3)


@pytest.mark.parametrize("name", ["sha256", "sm3"])
def test_single_leaf_log_verifies_and_rebuilds(settings, name):
    """Index 0 is a leaf: a one-leaf log verifies, and its lost tree state is rebuilt to
    size 1 with the log's algorithm (``Max(index) == 0`` is not "no leaves")."""
    from sanxiang.ledger.models import TreeState

    settings.SANXIANG_LEDGER_HASH = name
    leaf = services.append(EventType.OTHER, "x:only", {})
    head = services.sign_tree_head()
    assert head.tree_size == 1 and head.hash_algorithm == name
    assert bytes(head.root_hash) == bytes(leaf.leaf_hash)
    result = verify_ledger()
    assert result.ok, result.reason
    TreeState.objects.all().delete()
    assert services.tree_size() == 1
    services.append(EventType.OTHER, "x:second", {})
    assert services.tree_size() == 2
    assert verify_ledger().ok
