"""export_bundle + the standalone verifier (no database, no Django)."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sanxiang.ledger import services, verify_bundle
from sanxiang.ledger.bundle import export_bundle
from sanxiang.ledger.events import EventType

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bundle(db):
    services.append_many([(EventType.OTHER, f"x:{i}", {"名称": f"记录{i}"}) for i in range(23)])
    return export_bundle([0, 5, 22])


def _write(tmp_path, data, name="bundle.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_export_signs_a_head_covering_the_leaves(bundle):
    assert bundle["format"] == verify_bundle.BUNDLE_FORMAT
    assert bundle["tree_head"]["tree_size"] == services.tree_size()
    assert [leaf["index"] for leaf in bundle["leaves"]] == [0, 5, 22]
    assert verify_bundle.verify(bundle).startswith("OK: 3 leaves")


def test_export_at_past_size_and_out_of_range(bundle):
    from sanxiang.core.errors import DomainError

    past = export_bundle([1], tree_size=10)
    assert past["tree_head"]["tree_size"] == 10
    assert verify_bundle.verify(past)
    with pytest.raises(DomainError):
        export_bundle([12], tree_size=10)


def test_cli_ok_and_failures(bundle, tmp_path, capsys):
    assert verify_bundle.main([_write(tmp_path, bundle)]) == 0
    assert "OK: 3 leaves" in capsys.readouterr().out

    tampered = json.loads(json.dumps(bundle))
    tampered["leaves"][1]["content"] = tampered["leaves"][1]["content"].replace("记录5", "记录6")
    assert verify_bundle.main([_write(tmp_path, tampered)]) == 1
    assert "leaf 5" in capsys.readouterr().err

    # content and hash both replaced: the inclusion proof no longer reaches the root
    from sanxiang.ledger.merkle import leaf_hash

    forged = json.loads(json.dumps(tampered))
    import base64

    forged["leaves"][1]["leaf_hash"] = base64.b64encode(
        leaf_hash(forged["leaves"][1]["content"].encode())
    ).decode()
    assert verify_bundle.main([_write(tmp_path, forged)]) == 1
    assert "leaf 5: inclusion proof" in capsys.readouterr().err

    resigned = json.loads(json.dumps(bundle))
    resigned["tree_head"]["tree_size"] += 1
    assert verify_bundle.main([_write(tmp_path, resigned)]) == 1
    assert "signature" in capsys.readouterr().err

    assert verify_bundle.main([str(tmp_path / "missing.json")]) == 2


def test_trusted_key_pinning(bundle, tmp_path, capsys):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = _write(tmp_path, bundle)
    good = tmp_path / "ledger.pem"
    good.write_text(bundle["public_key"]["pem"])
    assert verify_bundle.main([path, "--public-key", str(good)]) == 0
    other = tmp_path / "other.pem"
    other.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert verify_bundle.main([path, "--public-key", str(other)]) == 1
    assert "not the trusted key" in capsys.readouterr().err
    assert verify_bundle.main([path, "--key-id", bundle["public_key"]["key_id"]]) == 0


def test_standalone_file_runs_without_django(bundle, tmp_path):
    """Copy the verifier alone elsewhere: it needs only the stdlib and cryptography."""
    path = _write(tmp_path, bundle)
    script = tmp_path / "verify_bundle.py"
    script.write_text((ROOT / "sanxiang/ledger/verify_bundle.py").read_text())
    code = textwrap.dedent(
        f"""
        import runpy, sys
        sys.argv = ["verify_bundle.py", {path!r}]
        try:
            runpy.run_path({str(script)!r}, run_name="__main__")
        except SystemExit:
            assert not any(m.startswith("django") for m in sys.modules), "django imported"
            raise
        """
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "OK: 3 leaves" in done.stdout
    # and as a module of the project
    done = subprocess.run(
        [sys.executable, "-m", "sanxiang.ledger.verify_bundle", path],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
