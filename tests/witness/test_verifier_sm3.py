"""The 国密 option end to end (issue #16 items 7 and 3): an SM3 log's case archive, exported
by the platform, passes the standalone verifier (tools/verifier) and ``verify_bundle``;
tampered or relabelled SM3 archives fail both, naming the reason."""

import contextlib
import io
import json
import os

import pytest
from django.core import checks

from sanxiang.ledger import algorithm, heads, verify_bundle
from sanxiang.ledger import merkle as M
from sanxiang.ledger import services as ledger
from sanxiang.ledger.models import Leaf, LogParameters
from sanxiang.ledger.verify import verify_ledger
from sanxiang.witness import client
from sanxiang.witness import note as N
from sanxiang.witness.models import WitnessedLog

from .helpers import FakeLog
from .test_verifier import V, _bundle_path, _edit_bundle, _run, _witness_arg


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sm3(settings):
    settings.SANXIANG_LEDGER_HASH = "sm3"


@pytest.fixture
def bag(sm3, flow, handler_a, tmp_path):
    from sanxiang.cases.archive import export_case_bag
    from sanxiang.documents import services as documents
    from tests.documents.conftest import complete_content

    case = flow.noticed()
    doc = documents.create_draft(case, "other", {}, handler_a)
    doc = documents.update_draft(doc, complete_content("other", doc.content), handler_a)
    documents.issue_document(doc, handler_a)
    ledger.sign_tree_head()
    client.submit_latest()  # the embedded witness cosigns the SM3 head
    out = tmp_path / "out"
    out.mkdir()
    return export_case_bag(case, out, actor=handler_a)


def _platform(path):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = verify_bundle.main([str(path)])
    return status, out.getvalue(), err.getvalue()


def _bundle(bag):
    return json.loads(_bundle_path(bag).read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_sm3_archive_verifies_with_both_verifiers(bag):
    assert LogParameters.objects.get().hash_algorithm == "sm3"
    leaf = Leaf.objects.order_by("index").first()
    assert bytes(leaf.leaf_hash) == M.SM3.leaf(leaf.content.encode())
    assert bytes(leaf.leaf_hash) != M.SHA256.leaf(leaf.content.encode())
    bundle = _bundle(bag)
    assert bundle["hash_algorithm"] == "sm3"
    assert bundle["tree_head"]["hash_algorithm"] == "sm3"
    assert bundle["witness"]["hash_algorithm"] == "sm3"
    assert WitnessedLog.objects.get().hash_algorithm == "sm3"

    status, out, err = _run(
        "archive", bag, "--require-cosignature", _witness_arg(), f"--key-id={heads.key_id()}"
    )
    assert status == 0, err
    assert "hash sm3" in out and "sfj.test/witness at" in out and "案卷文件全部一致" in out

    status, out, err = _platform(bag)
    assert status == 0, err
    assert "hash sm3" in out

    assert verify_ledger().ok

    from django.test import Client

    page = Client().get("/gs/ledger/")
    assert page.status_code == 200 and "SM3（国密）" in page.content.decode()
    feed = Client().get("/ledger/heads/").json()
    assert {h["hash_algorithm"] for h in feed["heads"]} == {"sm3"}
    checkpoint = Client().get("/api/witness/checkpoint")
    assert checkpoint["X-Sanxiang-Hash-Algorithm"] == "sm3"


@pytest.mark.django_db
def test_tampered_sm3_archive_fails(bag):
    def tamper_leaf(bundle):
        leaf = next(x for x in bundle["leaves"] if x["index"] != bundle["archive"]["export_leaf"])
        content = json.loads(leaf["content"])
        content["subject"] = content["subject"] + "x"
        leaf["content"] = json.dumps(content, ensure_ascii=False, sort_keys=True)

    _edit_bundle(bag, tamper_leaf)
    status, _o, err = _run("archive", bag)
    assert status == 1 and "叶子内容与哈希不符" in err
    status, _o, err = _platform(bag)
    assert status == 1 and "does not match its leaf hash" in err


@pytest.mark.django_db
def test_sm3_leaf_and_proof_recomputed_with_sha256_fail(bag):
    """Whoever rewrites the leaf hashes as SHA-256 still cannot reach the signed SM3 root."""

    def as_sha256(bundle):
        for leaf in bundle["leaves"]:
            leaf["leaf_hash"] = N.b64(M.SHA256.leaf(leaf["content"].encode()))

    _edit_bundle(bag, as_sha256)
    assert "叶子内容与哈希不符" in _run("archive", bag)[2]
    assert _platform(bag)[0] == 1


@pytest.mark.django_db
def test_relabelled_sm3_archive_fails(bag):
    _edit_bundle(bag, lambda b: b.update(hash_algorithm="sha256"))
    status, _o, err = _run("archive", bag)
    assert status == 1 and "hash algorithm mismatch" in err and "不得混用哈希算法" in err
    status, _o, err = _platform(bag)
    assert status == 1 and "mismatch" in err

    # head and bundle both relabelled: the head's signature covers the algorithm
    _edit_bundle(bag, lambda b: b["tree_head"].update(hash_algorithm="sha256"))
    status, _o, err = _run("archive", bag)
    assert status == 1 and "树头签名无效" in err
    assert _platform(bag)[0] == 1


@pytest.mark.django_db
def test_witness_section_naming_another_algorithm_fails(bag):
    _edit_bundle(bag, lambda b: b["witness"].update(hash_algorithm="sha256"))
    status, _o, err = _run("archive", bag)
    assert status == 1 and "witness section says 'sha256'" in err


@pytest.mark.django_db
def test_changed_file_in_sm3_archive_fails(bag):
    bundle = _bundle(bag)
    export = next(
        json.loads(leaf["content"])
        for leaf in bundle["leaves"]
        if leaf["index"] == bundle["archive"]["export_leaf"]
    )
    entry = next(f for f in export["payload"]["files"] if f.get("creation_leaf") is not None)
    target = bag / "data" / entry["path"]
    os.chmod(target, 0o640)
    target.write_bytes(target.read_bytes() + b"x")
    status, _o, err = _run("archive", bag)
    assert status == 1 and "文件在导出后被改动" in err
    assert _platform(bag)[0] == 1


def test_sm3_checkpoints_consistency(tmp_path):
    b = FakeLog("o.test/sm3", 5, hasher=M.SM3)
    old = tmp_path / "old.txt"
    old.write_text(b.checkpoint(), encoding="utf-8")
    b.grow(6)
    new = tmp_path / "new.txt"
    new.write_text(b.checkpoint(), encoding="utf-8")
    proof = tmp_path / "proof.txt"
    proof.write_text("".join(N.b64(p) + "\n" for p in b.proof(5)), encoding="utf-8")
    key = f"--log-key={b.origin}={N.b64(b.public_raw)}"
    status, out, err = _run("consistency", old, new, f"--proof={proof}", key, "--hash=sm3")
    assert status == 0, err
    assert "一致性证明成立" in out
    # the same SM3 proof checked as SHA-256 does not hold
    status, _o, err = _run("consistency", old, new, f"--proof={proof}", key)
    assert status == 1 and "一致性证明不成立" in err
    status, _o, _e = _run("consistency", old, new, f"--proof={proof}", key, "--hash=md5")
    assert status == 2


def test_verifier_sm3_agrees_with_the_platform():
    leaves = [M.SM3.leaf(bytes([i])) for i in range(9)]
    for m in range(1, 9):
        proof = M.consistency_proof(m, leaves, M.SM3)
        r1, r2 = M.root_hash(leaves[:m], M.SM3), M.root_hash(leaves, M.SM3)
        assert V.verify_consistency(m, 9, r1, r2, proof, "sm3")
        assert not V.verify_consistency(m, 9, r1, r2, proof, "sha256")
        assert N.verify_consistency(m, 9, r1, r2, proof, "sm3")
        ip = M.inclusion_proof(m, leaves, M.SM3)
        assert V.verify_inclusion(leaves[m], m, 9, ip, r2, "sm3")
        assert not V.verify_inclusion(leaves[m], m, 9, ip, r2)
    assert V._leaf_hash(b"abc", "sm3") == M.SM3.leaf(b"abc")
    assert V.tree_head_message(3, b"\x01" * 32, 5, "sm3") == verify_bundle.tree_head_message(
        3, b"\x01" * 32, 5, "sm3"
    )


@pytest.mark.django_db
def test_witness_refuses_an_algorithm_change_for_a_registered_log():
    from sanxiang.core.errors import DomainError
    from sanxiang.witness import service

    b = FakeLog("o.test/a", 3, hasher=M.SM3)
    service.register_log(b.origin, b.origin, b.public_raw, "sm3")
    assert service.add_checkpoint(b.body(0)).startswith("\u2014 ")
    b.grow(4)
    assert service.add_checkpoint(b.body(3)).startswith("\u2014 ")  # SM3 proof accepted
    assert WitnessedLog.objects.get(origin=b.origin).tree_size == 7
    b.grow(2)
    sha_proof = M.consistency_proof(7, b.leaves, M.SHA256)  # a proof of the wrong hash
    with pytest.raises(service.WitnessRefusal):
        service.add_checkpoint(N.build_add_checkpoint(7, sha_proof, b.checkpoint()))
    with pytest.raises(DomainError):
        service.register_log(b.origin, b.origin, b.public_raw, "sha256")


@pytest.mark.django_db
def test_check_warns_when_the_setting_differs_from_the_log(settings):
    from sanxiang.ledger.events import EventType

    ledger.append(EventType.OTHER, "x:1", {})  # a SHA-256 log
    assert algorithm.check_hash_setting() == []
    settings.SANXIANG_LEDGER_HASH = "sm3"
    messages = algorithm.check_hash_setting()
    assert [m.id for m in messages] == ["sanxiang.W102"]
    assert isinstance(messages[0], checks.Warning) and "sha256" in messages[0].msg
    ledger.append(EventType.OTHER, "x:2", {})
    assert algorithm.log_algorithm() == "sha256"  # ignored, as the warning says
    settings.SANXIANG_LEDGER_HASH = "sm4"
    assert [m.id for m in algorithm.check_hash_setting()] == ["sanxiang.E102"]
    assert algorithm.check_hash_setting in checks.registry.registry.get_checks()
