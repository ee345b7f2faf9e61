"""Issue #11 item 11: the exported case archive proves what it claims.

Every original in the bag (recordings, issued documents) is checked at export against the
SHA-256 recorded at its creation (row and ledger leaf); the bag's ledger bundle carries,
for every file, the leaf that recorded its hash with an inclusion proof, and
``verify_bundle`` re-hashes each file of ``data/``. Each test runs one attack.
"""

import base64
import hashlib
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import bagit
import pytest
from django.core.files.storage import default_storage

from sanxiang.cases import hooks
from sanxiang.cases.archive import ArchiveIntegrityError, export_case_bag
from sanxiang.documents import integrity
from sanxiang.documents.models import Document, DocumentFixityAlert
from sanxiang.ledger import services as ledger
from sanxiang.ledger import verify_bundle
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.records.archive import TamperedRecording
from sanxiang.records.models import AccessLog, FixityAlert, FixityRun
from tests.records.conftest import labels, png_bytes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(flow, handler_a):
    """A case in its decision stage with one issued document (through the documents app)."""
    from sanxiang.documents import services as documents
    from tests.documents.conftest import complete_content

    case = flow.noticed()
    doc = documents.create_draft(case, "other", {}, handler_a)
    doc = documents.update_draft(doc, complete_content("other", doc.content), handler_a)
    documents.issue_document(doc, handler_a)
    return case


@pytest.fixture
def recording(case, handler_a, officer_a1):
    from sanxiang.records import uploads

    content = png_bytes(5, 5)
    session = uploads.create_upload(
        handler_a, case, len(content), labels(case, officer_a1, filename="现场.png")
    )
    session = uploads.append_chunk(session, handler_a, 0, io.BytesIO(content), len(content))
    return session.recording


@pytest.fixture
def out(tmp_path):
    path = tmp_path / "out"
    path.mkdir()
    return path


def _verify(path, *extra):
    """verify_bundle.main on ``path``: (exit status, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout, stderr
    try:
        status = verify_bundle.main([str(path), *extra])
    finally:
        sys.stdout, sys.stderr = saved
    return status, stdout.getvalue(), stderr.getvalue()


def _overwrite(path, data):
    os.chmod(path, 0o640)
    Path(path).write_bytes(data)


def _remake_manifests(bag_dir):
    """What a forger does after changing a payload file: regenerate the bag's manifests."""
    bag = bagit.Bag(str(bag_dir))
    bag.save(manifests=True)
    bagit.Bag(str(bag_dir)).validate()  # the bag itself is valid again


def _bundle(bag_dir):
    return json.loads((bag_dir / "data" / "ledger-bundle.json").read_text(encoding="utf-8"))


def _save_bundle(bag_dir, bundle):
    path = bag_dir / "data" / "ledger-bundle.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    _remake_manifests(bag_dir)


def _recording_path(bag_dir, rec):
    return bag_dir / "data" / "recordings" / f"{rec.pk}-{rec.sha256[:12]}.png"


def _issued(case):
    return Document.objects.issued().filter(case=case).order_by("pk").first()


def _pdf_in_bag(bag_dir, doc):
    from sanxiang.cases.archive import _safe_relpath
    from sanxiang.documents.archive import _arcbase

    return bag_dir / "data" / _safe_relpath(f"{_arcbase(doc)}.pdf")


# ------------------------------------------------------------------ intact


def test_intact_archive_proves_every_file(case, recording, handler_a, out):
    bag_dir = export_case_bag(case, out, actor=handler_a)
    bagit.Bag(str(bag_dir)).validate()
    status, stdout, stderr = _verify(bag_dir)
    assert status == 0, stderr
    bundle = _bundle(bag_dir)
    leaves = {leaf["index"]: json.loads(leaf["content"]) for leaf in bundle["leaves"]}
    export = leaves[bundle["archive"]["export_leaf"]]
    assert export["event_type"] == EventType.CASE_EXPORTED
    assert export["actor"]["id"] == handler_a.pk
    files = {f["path"]: f for f in export["payload"]["files"]}
    on_disk = {
        p.relative_to(bag_dir / "data").as_posix()
        for p in (bag_dir / "data").rglob("*")
        if p.is_file()
    } - {"ledger-bundle.json"}
    assert set(files) == on_disk
    # the recording: its ingest leaf with the SHA-256, proven in the bundle
    rec_entry = files[f"recordings/{recording.pk}-{recording.sha256[:12]}.png"]
    creation = leaves[rec_entry["creation_leaf"]]
    assert creation["event_type"] == EventType.RECORDING_INGESTED
    assert creation["subject"] == f"recording:{recording.pk}"
    assert creation["payload"]["sha256"] == recording.sha256 == rec_entry["sha256"]
    # the issued documents: PDF and DOCX each point to the issuing leaf
    doc = _issued(case)
    pdf_entry = files[_pdf_in_bag(bag_dir, doc).relative_to(bag_dir / "data").as_posix()]
    assert pdf_entry["creation_leaf"] == doc.ledger_index
    assert leaves[doc.ledger_index]["payload"]["sha256"] == doc.sha256 == pdf_entry["sha256"]
    docx = [e for e in files.values() if e["path"].endswith(".docx")]
    assert docx and docx[0]["hash_field"] == "docx_sha256"
    # one line per file in the report
    for path in files:
        assert f"OK     {path}:" in stdout
    assert "creation leaf" in stdout and "OK: all" in stdout


def test_readme_command_on_the_bundle_path_runs_the_file_checks(case, recording, handler_a, out):
    bag_dir = export_case_bag(case, out, actor=handler_a)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sanxiang.ledger.verify_bundle",
            str(bag_dir / "data" / "ledger-bundle.json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "files of the case archive match the ledger" in done.stdout
    _overwrite(_recording_path(bag_dir, recording), png_bytes(6, 6))
    _remake_manifests(bag_dir)
    done = subprocess.run(
        [sys.executable, "-m", "sanxiang.ledger.verify_bundle", str(bag_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 1
    assert f"recordings/{recording.pk}-" in done.stderr


def test_export_without_recording_files_still_verifies(case, recording, out):
    bag_dir = export_case_bag(case, out)  # no exporter: recordings listed, not included
    assert not list((bag_dir / "data" / "recordings").glob("*.png"))
    assert _verify(bag_dir)[0] == 0


# ------------------------------------------------------------------ refused at export


def test_recording_changed_on_disk_refuses_export(case, recording, handler_a, out, caplog):
    _overwrite(default_storage.path(recording.storage_key), png_bytes(9, 9))
    runs_before = FixityRun.objects.count()
    with caplog.at_level(logging.ERROR, logger="sanxiang.records.fixity"):
        with pytest.raises(TamperedRecording) as err:
            export_case_bag(case, out, actor=handler_a)
    message = err.value.message
    assert "案卷导出已拒绝" in message and "现场.png" in message and str(recording.pk) in message
    assert not list(out.iterdir()), "nothing half-written is left"
    [alert] = FixityAlert.objects.filter(recording=recording)
    assert alert.expected_sha256 == recording.sha256
    assert alert.actual_sha256 == hashlib.sha256(png_bytes(9, 9)).hexdigest()
    assert FixityRun.objects.count() == runs_before + 1
    leaf = Leaf.objects.filter(event_type=EventType.FIXITY_ALERT).get()
    assert leaf.payload["via"] == "case_export" and leaf.actor_id == handler_a.pk
    assert "FIXITY ALERT" in caplog.text
    # checked before anything is handed out: no access logged, no export leaf
    assert AccessLog.objects.count() == 0
    assert not Leaf.objects.filter(event_type=EventType.CASE_EXPORTED).exists()


def test_recording_refusal_through_the_api(case, recording, handler_a, api_for):
    _overwrite(default_storage.path(recording.storage_key), png_bytes(9, 9))
    response = api_for(handler_a).post(f"/api/cases/{case.pk}/export/")
    assert response.status_code == 409
    assert "现场.png" in response.json()["detail"]


def test_document_changed_on_disk_refuses_export(case, handler_a, out):
    doc = _issued(case)
    path = default_storage.path(doc.pdf.name)
    os.chmod(path, 0o640)
    data = bytearray(Path(path).read_bytes())
    data[len(data) // 2] ^= 1
    Path(path).write_bytes(bytes(data))
    with pytest.raises(integrity.TamperedDocument, match="已拒绝下载"):
        export_case_bag(case, out, actor=handler_a)
    assert DocumentFixityAlert.objects.filter(document=doc).exists()
    assert not list(out.iterdir())


def test_contributed_original_that_differs_from_its_creation_leaf_is_refused(case, out):
    """The case archive's own gate (a file changed between a contributor's check and the
    copy, or a row rewritten with the file): the written bytes must hash to the leaf."""
    leaf = ledger.append(
        EventType.OTHER, "x:evidence", {"sha256": hashlib.sha256(b"v1").hexdigest()}
    )

    def contribute(case):
        meta = {"sha256": hashlib.sha256(b"v2").hexdigest(), "creation_leaf": leaf.index}
        return [hooks.ArchiveItem(path="evidence/物证照片.bin", content=b"v2", meta=meta)]

    hooks.register_archive_contributor(contribute)
    try:
        with pytest.raises(ArchiveIntegrityError, match="evidence/物证照片.bin"):
            export_case_bag(case, out)
    finally:
        hooks._archive.remove(contribute)
    assert not list(out.iterdir())


# ------------------------------------------------------------------ changed after export


@pytest.mark.parametrize("target", ["recording", "document", "metadata"])
def test_file_changed_in_bag_fails_verify_even_with_remade_manifests(
    target, case, recording, handler_a, out
):
    bag_dir = export_case_bag(case, out, actor=handler_a)
    if target == "recording":
        path = _recording_path(bag_dir, recording)
        _overwrite(path, png_bytes(6, 6))
    elif target == "document":
        path = _pdf_in_bag(bag_dir, _issued(case))
        _overwrite(path, path.read_bytes() + b"\n%forged")
    else:
        path = bag_dir / "data" / "metadata.json"
        _overwrite(path, path.read_bytes().replace("销售".encode(), "贩卖".encode()))
    _remake_manifests(bag_dir)  # python -m bagit --validate passes again
    status, stdout, stderr = _verify(bag_dir)
    assert status == 1
    rel = path.relative_to(bag_dir / "data").as_posix()
    assert f"FAILED {rel}:" in stderr
    assert "differs from" in stderr
    # every other file is still reported OK
    assert "OK     README.txt:" in stdout


def test_file_added_to_bag_fails(case, recording, handler_a, out):
    bag_dir = export_case_bag(case, out, actor=handler_a)
    (bag_dir / "data" / "recordings" / "补充.png").write_bytes(png_bytes(7, 7))
    _remake_manifests(bag_dir)
    status, _stdout, stderr = _verify(bag_dir)
    assert status == 1 and "FAILED recordings/补充.png: not listed" in stderr


def test_file_removed_from_bag_fails(case, recording, handler_a, out):
    bag_dir = export_case_bag(case, out, actor=handler_a)
    path = _recording_path(bag_dir, recording)
    path.unlink()
    _remake_manifests(bag_dir)
    status, _stdout, stderr = _verify(bag_dir)
    assert status == 1 and "missing" in stderr


# ------------------------------------------------------------------ the bundle itself


def test_creation_leaf_dropped_from_bundle_fails(case, recording, handler_a, out):
    bag_dir = export_case_bag(case, out, actor=handler_a)
    ingest = Leaf.objects.get(
        subject=f"recording:{recording.pk}", event_type=EventType.RECORDING_INGESTED
    )
    bundle = _bundle(bag_dir)
    bundle["leaves"] = [leaf for leaf in bundle["leaves"] if leaf["index"] != ingest.index]
    _save_bundle(bag_dir, bundle)
    status, _stdout, stderr = _verify(bag_dir)
    assert status == 1
    assert f"creation leaf {ingest.index} is missing" in stderr
    assert f"recordings/{recording.pk}-" in stderr


def test_event_leaf_dropped_from_bundle_fails(case, handler_a, out):
    bag_dir = export_case_bag(case, out, actor=handler_a)
    bundle = _bundle(bag_dir)
    dropped = case.events.exclude(ledger_index=None).order_by("id").first().ledger_index
    bundle["leaves"] = [leaf for leaf in bundle["leaves"] if leaf["index"] != dropped]
    _save_bundle(bag_dir, bundle)
    status, _stdout, stderr = _verify(bag_dir)
    assert status == 1 and f"leaf {dropped}: listed by the export but missing" in stderr


def test_export_leaf_or_archive_section_removed_fails(case, handler_a, out):
    bag_dir = export_case_bag(case, out, actor=handler_a)
    bundle = _bundle(bag_dir)
    export_index = bundle["archive"]["export_leaf"]
    without_leaf = dict(bundle, leaves=[x for x in bundle["leaves"] if x["index"] != export_index])
    _save_bundle(bag_dir, without_leaf)
    status, _stdout, stderr = _verify(bag_dir)
    assert status == 1 and "export leaf" in stderr
    stripped = {k: v for k, v in bundle.items() if k != "archive"}
    _save_bundle(bag_dir, stripped)
    for path in (bag_dir, bag_dir / "data" / "ledger-bundle.json"):
        status, _stdout, stderr = _verify(path)
        assert status == 1 and "no case-archive file proofs" in stderr


def test_forged_head_fails(case, recording, handler_a, out):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    bag_dir = export_case_bag(case, out, actor=handler_a)
    bundle = _bundle(bag_dir)
    real_key_id = bundle["public_key"]["key_id"]
    # a head changed without the key
    tampered = json.loads(json.dumps(bundle))
    tampered["tree_head"]["timestamp"] += 1
    _save_bundle(bag_dir, tampered)
    status, _stdout, stderr = _verify(bag_dir)
    assert status == 1 and "signature does not verify" in stderr
    # a head re-signed with the forger's own key (and that key embedded): caught by the
    # published key id
    forger = Ed25519PrivateKey.generate()
    raw = forger.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    forged = json.loads(json.dumps(bundle))
    forged["public_key"] = {
        "algorithm": "ed25519",
        "raw": base64.b64encode(raw).decode(),
        "key_id": hashlib.sha256(raw).hexdigest(),
    }
    head = forged["tree_head"]
    head["key_id"] = hashlib.sha256(raw).hexdigest()
    message = verify_bundle.tree_head_message(
        head["tree_size"], base64.b64decode(head["root_hash"]), head["timestamp"]
    )
    head["signature"] = base64.b64encode(forger.sign(message)).decode()
    _save_bundle(bag_dir, forged)
    status, _stdout, stderr = _verify(bag_dir, "--key-id", real_key_id)
    assert status == 1 and "is not the expected" in stderr
