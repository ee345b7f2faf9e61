"""The standalone verifier (issue #16 item 3) on archives produced by the platform:
a good one passes; a changed file, a dropped leaf, a forged head, a missing or forged
cosignature (when required) each fail naming the reason; two checkpoints' consistency."""

import importlib.util
import io
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sanxiang.cases.archive import export_case_bag
from sanxiang.ledger import heads
from sanxiang.ledger import services as ledger
from sanxiang.witness import client, service
from sanxiang.witness import note as N

from .helpers import FakeLog

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "tools" / "verifier" / "sanxiang_verify.py"


def _load():
    spec = importlib.util.spec_from_file_location("sanxiang_verify_under_test", VERIFIER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


V = _load()


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bag(flow, handler_a, tmp_path):
    from sanxiang.documents import services as documents
    from tests.documents.conftest import complete_content

    case = flow.noticed()
    doc = documents.create_draft(case, "other", {}, handler_a)
    doc = documents.update_draft(doc, complete_content("other", doc.content), handler_a)
    documents.issue_document(doc, handler_a)
    ledger.sign_tree_head()
    client.submit_latest()  # the embedded witness cosigns the head before the export
    out = tmp_path / "out"
    out.mkdir()
    return export_case_bag(case, out, actor=handler_a)


def _run(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout, stderr
    try:
        status = V.main([str(a) for a in args])
    finally:
        sys.stdout, sys.stderr = saved
    return status, stdout.getvalue(), stderr.getvalue()


def _witness_arg():
    return f"--witness={service.witness_name()}={N.b64(service.public_raw())}"


def _bundle_path(bag):
    return bag / "data" / "ledger-bundle.json"


def _edit_bundle(bag, change):
    path = _bundle_path(bag)
    bundle = json.loads(path.read_text(encoding="utf-8"))
    change(bundle)
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")


def test_version_matches_the_platform():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert V.VERSION == pyproject["project"]["version"]


def test_verifier_has_no_platform_imports():
    text = VERIFIER.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith(("import ", "from ")):
            assert "sanxiang" not in line and "django" not in line, line


@pytest.mark.django_db
def test_good_archive_passes_with_required_cosignature(bag):
    status, out, err = _run(
        "archive", bag, "--require-cosignature", _witness_arg(), f"--key-id={heads.key_id()}"
    )
    assert status == 0, err
    assert "sfj.test/witness at" in out and "案卷文件全部一致" in out


@pytest.mark.django_db
def test_changed_file_fails(bag):
    bundle = json.loads(_bundle_path(bag).read_text(encoding="utf-8"))
    export = next(
        json.loads(leaf["content"])
        for leaf in bundle["leaves"]
        if leaf["index"] == bundle["archive"]["export_leaf"]
    )
    original = next(f for f in export["payload"]["files"] if f.get("creation_leaf") is not None)
    target = bag / "data" / original["path"]
    os.chmod(target, 0o640)
    target.write_bytes(target.read_bytes() + b"x")
    status, out, err = _run("archive", bag)
    assert status == 1
    assert original["path"] in err and "文件在导出后被改动" in err


@pytest.mark.django_db
def test_dropped_leaf_fails(bag):
    def drop(bundle):
        export = bundle["archive"]["export_leaf"]
        victim = next(leaf for leaf in bundle["leaves"] if leaf["index"] != export)
        bundle["leaves"].remove(victim)

    _edit_bundle(bag, drop)
    status, out, err = _run("archive", bag)
    assert status == 1
    assert "账本记录被移除" in err or "缺少创建时的账本记录" in err


@pytest.mark.django_db
def test_forged_head_fails(bag):
    def forge(bundle):
        root = bytearray(N.unb64(bundle["tree_head"]["root_hash"]))
        root[0] ^= 1
        bundle["tree_head"]["root_hash"] = N.b64(bytes(root))

    _edit_bundle(bag, forge)
    status, out, err = _run("archive", bag)
    assert status == 1 and "树头签名无效" in err and "signature does not verify" in err


@pytest.mark.django_db
def test_head_without_cosignature_fails_only_when_required(bag):
    _edit_bundle(bag, lambda bundle: bundle.pop("witness"))
    assert _run("archive", bag)[0] == 0
    status, out, err = _run("archive", bag, "--require-cosignature", _witness_arg())
    assert status == 1 and "证明包没有见证方签名" in err


@pytest.mark.django_db
def test_forged_or_untrusted_cosignature_fails(bag):
    def forge(bundle):
        note = N.parse_note(bundle["witness"]["checkpoint"])
        cosig = note.signatures[1]
        cosig.sig = cosig.sig[:-1] + bytes([cosig.sig[-1] ^ 1])
        bundle["witness"]["checkpoint"] = note.serialise()

    other = FakeLog("x.test/other")
    status, _o, err = _run(
        "archive",
        bag,
        "--require-cosignature",
        f"--witness=sfj.test/witness={N.b64(other.public_raw)}",
    )
    assert status == 1 and "没有受信见证方的有效见证签名" in err
    _edit_bundle(bag, forge)
    status, _o, err = _run("archive", bag, "--require-cosignature", _witness_arg())
    assert status == 1 and "见证签名无效" in err


@pytest.mark.django_db
def test_witness_checkpoint_from_another_fork_fails(bag):
    def fork(bundle):
        b = FakeLog("x", 0)
        b.key = heads.private_key()  # even signed with the real ledger key
        note = N.parse_note(bundle["witness"]["checkpoint"])
        cp = N.parse_checkpoint_text(note.text)
        text = N.checkpoint_text(cp.origin, cp.size, b"\x07" * 32)
        bundle["witness"]["checkpoint"] = N.Note(
            text, [N.sign_note_ed25519(text, cp.origin, heads.private_key())]
        ).serialise()

    _edit_bundle(bag, fork)
    status, _o, err = _run("archive", bag)
    assert status == 1 and "账本疑似分叉或被改写" in err


@pytest.mark.django_db
def test_subprocess_on_a_good_and_a_tampered_archive(bag):
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        pytest.skip("subprocess under faketime")
    cmd = [
        sys.executable,
        str(VERIFIER),
        "archive",
        str(bag),
        "--require-cosignature",
        _witness_arg(),
    ]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    good = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd="/", timeout=120)
    assert good.returncode == 0, good.stderr
    _edit_bundle(bag, lambda bundle: bundle.pop("witness"))
    bad = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd="/", timeout=120)
    assert bad.returncode == 1 and "no witness cosignature" in bad.stderr
    missing = subprocess.run(
        [sys.executable, str(VERIFIER), "archive", "/nonexistent"],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
        timeout=120,
    )
    assert missing.returncode == 2


@pytest.mark.django_db
def test_decision_bundle(tmp_path):
    from sanxiang.ledger.bundle import export_bundle
    from sanxiang.ledger.events import EventType

    for i in range(3):
        ledger.append(EventType.OTHER, f"test:{i}", {"i": i})
    ledger.sign_tree_head()
    client.submit_latest()
    path = tmp_path / "b.json"
    path.write_text(json.dumps(export_bundle([1]), ensure_ascii=False), encoding="utf-8")
    assert _run("bundle", path, "--require-cosignature", _witness_arg())[0] == 0
    bundle = json.loads(path.read_text(encoding="utf-8"))
    bundle["leaves"][0]["content"] = bundle["leaves"][0]["content"].replace('"i":1', '"i":2')
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    status, _o, err = _run("bundle", path)
    assert status == 1 and "叶子内容与哈希不符" in err


def test_two_checkpoints_consistency(tmp_path):
    b = FakeLog("o.test/b", 5)
    old = tmp_path / "old.txt"
    old.write_text(b.checkpoint(), encoding="utf-8")
    b.grow(6)
    new = tmp_path / "new.txt"
    new.write_text(b.checkpoint(), encoding="utf-8")
    proof = tmp_path / "proof.txt"
    proof.write_text("".join(N.b64(p) + "\n" for p in b.proof(5)), encoding="utf-8")
    key = f"--log-key={b.origin}={N.b64(b.public_raw)}"
    status, out, _e = _run("consistency", old, new, f"--proof={proof}", key)
    assert status == 0 and "一致性证明成立" in out
    # a split view: same size 11, another history
    fork = FakeLog("o.test/b", 0)
    fork.key = b.key
    fork.leaves = list(b.leaves)
    fork.leaves[2] = b"\x09" * 32
    forked = tmp_path / "fork.txt"
    forked.write_text(fork.checkpoint(), encoding="utf-8")
    status, _o, err = _run("consistency", new, forked, key)
    assert status == 1 and "账本分叉" in err
    status, _o, err = _run("consistency", old, forked, f"--proof={proof}", key)
    assert status == 1 and "一致性证明不成立" in err
    other_key = f"--log-key={b.origin}={N.b64(FakeLog('z').public_raw)}"
    status, _o, err = _run("consistency", old, new, f"--proof={proof}", other_key)
    assert status == 1 and "没有账本密钥的有效签名" in err


def test_verifier_copy_agrees_with_the_platform_note_code():
    from sanxiang.ledger import merkle

    key = FakeLog("a").key
    text = N.checkpoint_text("o.test/x", 7, b"\x05" * 32)
    assert V.checkpoint_text("o.test/x", 7, b"\x05" * 32) == text
    assert V.key_id("n", 4, b"\x01" * 32) == N.key_id("n", 4, b"\x01" * 32)
    cosig = N.cosign(text, "w.test/w", key, 1700000000)
    raw = FakeLog("a").public_raw
    note_v = V.parse_note(N.Note(text, [cosig]).serialise())
    assert V.cosignature_message(text, 5) == N.cosignature_message(text, 5)
    assert note_v.signatures[0].line() == cosig.line()
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(13)]
    for m in range(1, 13):
        for n in range(m, 14):
            proof = merkle.consistency_proof(m, leaves[:n]) if m < n else []
            r1, r2 = merkle.root_hash(leaves[:m]), merkle.root_hash(leaves[:n])
            assert N.verify_consistency(m, n, r1, r2, proof)
            assert V.verify_consistency(m, n, r1, r2, proof)
            if proof:
                bad = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
                assert not N.verify_consistency(m, n, r1, r2, bad)
                assert not V.verify_consistency(m, n, r1, r2, bad)
    assert raw


def test_formats_match_the_c2sp_text():
    """Key IDs and the cosigned message exactly as signed-note / tlog-cosignature say."""
    import hashlib

    raw = bytes(range(32))
    assert (
        N.key_id("example.com/w", 0x01, raw)
        == hashlib.sha256(b"example.com/w\n\x01" + raw).digest()[:4]
    )
    body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    assert N.cosignature_message(body, 1679315147) == (
        b"cosignature/v1\ntime 1679315147\n" + body.encode()
    )
    cp = N.parse_checkpoint_text(body)
    assert (cp.origin, cp.size) == ("example.com/behind-the-sofa", 20852163)
    sig_line = (
        "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5"
        "/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    )
    note = N.parse_note(body + "\n" + sig_line)
    assert note.text == body and note.signatures[0].name == "example.com/behind-the-sofa"
    assert len(note.signatures[0].sig) == 64
    for bad in ("x\n01\nAAAA\n", "x\n1\n", "x\n1\nnot base64!\n"):
        with pytest.raises(N.NoteError):
            N.parse_checkpoint_text(bad)


@pytest.mark.django_db
def test_portal_serves_the_verifier_file(client):
    r = client.get("/witness/verifier/sanxiang_verify.py")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == VERIFIER.read_bytes()
    assert "sanxiang_verify.py" in r["Content-Disposition"]
