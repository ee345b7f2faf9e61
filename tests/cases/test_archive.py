"""Case-file export as a BagIt bag with an offline-verifiable ledger bundle."""

import json
import subprocess
import sys
from pathlib import Path

import bagit
import pytest

from sanxiang.cases import hooks
from sanxiang.cases.archive import export_case_bag

from .conftest import LATE_REASON, days_ago


def _verify(bag):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sanxiang.ledger.verify_bundle",
            str(bag / "data" / "ledger-bundle.json"),
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )


@pytest.fixture
def extra_contributor():
    def contribute(case):
        return [
            hooks.ArchiveItem(
                path="recordings/现场检查.txt", content=b"video-bytes", meta={"sha256": "x"}
            ),
            ("notes/../../evil.txt", b"kept inside"),
        ]

    hooks.register_archive_contributor(contribute)
    yield
    hooks._archive.remove(contribute)


def test_bag_valid_and_ledger_bundle_verifies(flow, handler_a, tmp_path, extra_contributor):
    case = flow.decided()
    services_serve = __import__("sanxiang.cases.services", fromlist=["serve"]).serve
    services_serve(
        case,
        handler_a,
        method="mail",
        recipient="陈某",
        served_at=days_ago(8),
        late_reason=LATE_REASON,
    )
    bag_dir = export_case_bag(case, tmp_path)
    bag = bagit.Bag(str(bag_dir))
    assert bag.is_valid()
    data = bag_dir / "data"
    meta = json.loads((data / "metadata.json").read_text())
    assert meta["case"]["number"] == case.number
    assert len(meta["events"]) == case.events.count()
    assert (data / "recordings" / "现场检查.txt").read_bytes() == b"video-bytes"
    # path traversal in a contributed path stays inside the bag
    assert (data / "notes" / "evil.txt").exists()
    assert not (tmp_path / "evil.txt").exists()
    bundle = json.loads((data / "ledger-bundle.json").read_text())
    indices = {leaf["index"] for leaf in bundle["leaves"]}
    assert set(case.events.values_list("ledger_index", flat=True)) <= indices
    result = _verify(bag_dir)
    assert result.returncode == 0, result.stdout + result.stderr


def test_tampering_is_detected(flow, tmp_path):
    case = flow.noticed()
    bag_dir = export_case_bag(case, tmp_path)
    # a changed payload file fails the bag validation
    meta = bag_dir / "data" / "metadata.json"
    meta.write_text(meta.read_text().replace("销售", "贩卖"))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag_dir)).validate()
    # a changed leaf in the ledger bundle fails the offline verifier (and the bag)
    path = bag_dir / "data" / "ledger-bundle.json"
    bundle = json.loads(path.read_text())
    leaf = bundle["leaves"][0]
    leaf["content"] = leaf["content"].replace('"case.', '"case_')
    path.write_text(json.dumps(bundle, ensure_ascii=False))
    assert _verify(bag_dir).returncode == 1


def test_zip_export(flow, tmp_path):
    case = flow.opened()
    path = export_case_bag(case, tmp_path, zip_file=True)
    assert path.suffix == ".zip" and path.stat().st_size > 0
