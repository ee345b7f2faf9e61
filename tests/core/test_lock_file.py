"""requirements.lock pins every package of the tree with hashes (issue #17 item 7), built by
`make lock` from the direct pins in requirements.txt and requirements-dev.txt. A direct pin
changed without rebuilding the lock would install something else than the pin says."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path):
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = PIN.match(line.strip())
        if m:
            out[_norm(m.group(1))] = m.group(2)
    return out


def test_every_direct_pin_is_locked_at_its_version():
    locked = _pins(ROOT / "requirements.lock")
    direct = {**_pins(ROOT / "requirements.txt"), **_pins(ROOT / "requirements-dev.txt")}
    assert direct, "no direct pins read"
    wrong = {name: (v, locked.get(name)) for name, v in direct.items() if locked.get(name) != v}
    assert wrong == {}, f"run `make lock`: direct pin vs lock: {wrong}"


def test_every_locked_package_has_a_hash():
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
    pinned = [e for e in entries if PIN.match(e)]
    assert len(pinned) > 50
    assert all("--hash=sha256:" in e for e in pinned)
    assert "--index-url" not in text and "--find-links" not in text  # no machine's paths


def test_dropped_dependencies_stay_out():
    direct = {**_pins(ROOT / "requirements.txt"), **_pins(ROOT / "requirements-dev.txt")}
    assert "xlrd" not in direct and "factory-boy" not in direct
