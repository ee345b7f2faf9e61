"""Export a case file (案卷) as a BagIt bag (RFC 8493) that verifies itself offline.

    export_case_bag(case, dest_dir, zip_file=False, actor=None) -> Path

Layout of the bag (``data/`` is the payload, every file is in the SHA-256 and SHA-512
manifests)::

    bagit.txt  bag-info.txt  manifest-sha256.txt  manifest-sha512.txt  tagmanifest-*.txt
    data/metadata.json        the case, parties, handlers, collective discussions, the full
                              timeline (every event with its ledger leaf index), alerts
    data/ledger-bundle.json   sanxiang.ledger.bundle.export_archive_bundle: every leaf of the
                              case, of the contributed files and their creation leaves, and
                              the case.exported leaf listing every file's SHA-256; check the
                              whole bag with ``python -m sanxiang.ledger.verify_bundle BAG``
    data/documents/…          issued documents (contributed by the documents app)
    data/recordings/…         audio/video records (contributed by the records app): the
                              files only when ``actor`` may download them (each one logged
                              and ledgered like a download), always manifest.json listing
                              every recording by SHA-256 and why a file was left out
    data/README.txt           how to verify (zh)

Other apps add files with ``hooks.register_archive_contributor(fn)``; ``fn(case)``
returns ``hooks.ArchiveItem``s, dicts with the same keys, or ``(path, bytes)`` tuples. A
contributor that accepts an ``actor`` keyword (``fn(case, actor=None)``) is told who
exports, so it can include only what that person may take out (the records app does).

Originals prove themselves (issue #11 item 11). An item whose ``meta`` names
``creation_leaf`` (the index of the ledger leaf that recorded the file's SHA-256 when it
was created) and ``sha256`` (optional ``hash_field``: the key of that leaf's payload that
holds the hash, default ``"sha256"``) is hashed while it is written into the bag; the
bytes must hash to ``meta["sha256"]`` and to the hash in that leaf, otherwise the export
is refused (``ArchiveIntegrityError``, nothing is left on disk). Contributors check their
stored files first and raise their own integrity alert (records: ``FixityAlert``;
documents: ``integrity.read_issued``); this check also catches a file changed between
that check and the copy. After every file is written, one ``case.exported`` leaf lists
each file of ``data/`` (path, SHA-256, size, creation leaf) and every leaf of the bundle;
``data/ledger-bundle.json`` carries it, the creation leaves and their inclusion proofs
against one signed tree head (``ledger.bundle.export_archive_bundle``).

Verification: ``bagit.Bag(path).validate()`` (or ``python -m bagit --validate PATH``)
detects any changed, missing or added payload file, but anyone can regenerate the bag's
manifests; ``python -m sanxiang.ledger.verify_bundle PATH`` re-hashes every file and
compares it with the export leaf and the creation leaf in the signed ledger, so a file
changed after export fails there whatever the manifests say.
"""

import datetime as dt
import hashlib
import inspect
import json
import logging
import re
import shutil
from decimal import Decimal
from pathlib import Path, PurePosixPath

import bagit
from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode

from . import hooks
from .services import case_alerts

log = logging.getLogger("sanxiang.cases.archive")

README = """本目录为行政执法案卷的电子归档包（BagIt 格式，RFC 8493）。

1. 校验文件完整性：python -m bagit --validate 本目录
   任何文件被修改、删除或增加，校验都会失败。
2. 校验文件与账本一致：python -m sanxiang.ledger.verify_bundle 本目录
   ledger-bundle.json 含本案全部账本记录、包含证明及签名树头，可离线验证；
   其中“案卷导出”记录列明每个文件的 SHA-256，音像记录和文书还附有创建（入库、签发）时
   记录其 SHA-256 的账本记录。校验程序逐一重新计算每个文件的 SHA-256 并与账本比对，
   即使有人改动文件后重新生成了 BagIt 清单，也会校验失败并指明文件。
3. metadata.json 为案件信息及全过程记录（每条记录注明账本序号 ledger_index）。
4. 音像记录文件仅在导出人有权下载（复制）时随附，每个随附文件均已记入调阅日志和账本；
   recordings/manifest.json 列明全部音像记录的 SHA-256、大小，以及未随附文件的原因。
"""

_SAFE = re.compile(r"[^\w.\-一-龥〔〕（）()]+")


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def _dump(obj) -> bytes:
    return json.dumps(
        obj, ensure_ascii=False, indent=2, sort_keys=True, default=_json_default
    ).encode()


def _safe_relpath(path):
    """A relative POSIX path inside data/ (no absolute paths, no '..')."""
    parts = [p for p in PurePosixPath(str(path)).parts if p not in ("", ".", "..", "/")]
    if not parts:
        raise ValueError(f"invalid archive path: {path!r}")
    return Path(*[_SAFE.sub("_", p) for p in parts])


def _case_metadata(case):
    fields = {}
    for f in case._meta.concrete_fields:
        fields[f.attname] = getattr(case, f.attname)
    events = [
        {
            "id": e.pk,
            "kind": e.kind,
            "kind_label": e.get_kind_display(),
            "stage": e.stage,
            "activity": e.activity,
            "at": e.at,
            "recorded_at": e.recorded_at,
            "actor_id": e.actor_id,
            "actor_name": e.actor_name,
            "summary": e.summary,
            "data": e.data,
            "ledger_index": e.ledger_index,
        }
        for e in case.events.order_by("id")
    ]
    return {
        "format": "sanxiang-case-file/1",
        "exported_at": clock.now(),
        "case": fields,
        "agency": {"id": case.agency_id, "name": case.agency.name, "usci": case.agency.usci},
        "parties": [
            {
                "id": p.pk,
                "party_type": p.party_type,
                "name": p.name,
                "id_number": p.id_number,
                "usci": p.usci,
                "legal_representative": p.legal_representative,
                "address": p.address,
                "phone": p.phone,
            }
            for p in case.parties.all()
        ],
        "handlers": [
            {"officer": h.officer_id, "name": h.officer.name, "role": h.role}
            for h in case.handlers.select_related("officer")
        ],
        "collective_discussions": [
            {
                "held_at": d.held_at,
                "chair": d.chair,
                "participants": d.participants,
                "minutes": d.minutes,
                "conclusion": d.conclusion,
            }
            for d in case.discussions.all()
        ],
        "events": events,
        "alerts_at_export": case_alerts(case),
    }


def _normalise(item):
    if isinstance(item, hooks.ArchiveItem):
        return item
    if isinstance(item, dict):
        return hooks.ArchiveItem(**item)
    path, content = item
    return hooks.ArchiveItem(path=path, content=content)


_RESERVED = ("metadata.json", "ledger-bundle.json", "README.txt")
_BLOCK = 1 << 20


class ArchiveIntegrityError(DomainError):
    """A file about to go into the bag does not hash to what was recorded at its creation."""

    def __init__(self, path, expected, actual):
        super().__init__(
            _(
                "案卷导出已拒绝：文件“%(path)s”与创建时记录的 SHA-256 不一致"
                "（应为 %(expected)s，实为 %(actual)s），可能已被篡改或损坏。"
                "该情况已记录，请联系系统管理员核查并从备份恢复。"
            )
            % {"path": path, "expected": expected or "无记录", "actual": actual},
            code=ErrorCode.CONFLICT,
        )
        self.path = path


def _copy_hashing(source, target) -> tuple[str, int]:
    h = hashlib.sha256()
    total = 0
    with open(target, "wb") as out:
        while True:
            block = source.read(_BLOCK)
            if not block:
                break
            h.update(block)
            out.write(block)
            total += len(block)
    return h.hexdigest(), total


def _write_item(data_dir, item):
    """Write one item under ``data_dir``; returns (relative path, SHA-256 hex, size) of the
    bytes actually written."""
    rel = _safe_relpath(item.path)
    target = data_dir / rel
    if target.exists() or rel.as_posix() in _RESERVED:
        raise ValueError(f"duplicate archive path: {rel}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if item.content is not None:
        target.write_bytes(item.content)
        return rel, hashlib.sha256(item.content).hexdigest(), len(item.content)
    if isinstance(item.source, (str, Path)):
        with open(item.source, "rb") as source:
            return (rel, *_copy_hashing(source, target))
    if item.source is not None:
        try:
            return (rel, *_copy_hashing(item.source, target))
        finally:
            item.source.close()
    raise ValueError(f"archive item without content: {rel}")


def _creation_proof(rel, item, actual):
    """The export-leaf entry of an original (``meta["creation_leaf"]``) after checking the
    written bytes against ``meta["sha256"]`` and against the hash in that leaf; None for
    an item that declares no creation leaf. ``ArchiveIntegrityError`` on any mismatch."""
    from sanxiang.ledger.models import Leaf

    meta = item.meta or {}
    index = meta.get("creation_leaf")
    if index is None:
        return None
    field = meta.get("hash_field") or "sha256"
    leaf = Leaf.objects.filter(index=int(index)).first()
    recorded = leaf.payload.get(field) if leaf is not None else None
    declared = meta.get("sha256")
    if actual != recorded or (declared is not None and declared != actual):
        log.error(
            "ARCHIVE INTEGRITY case export refused: %s sha256 %s, declared %s, "
            "creation leaf %s records %s",
            rel,
            actual,
            declared,
            index,
            recorded,
        )
        raise ArchiveIntegrityError(rel.as_posix(), recorded or declared, actual)
    return {
        "creation_leaf": leaf.index,
        "event_type": leaf.event_type,
        "subject": leaf.subject,
        "hash_field": field,
    }


def _contribution(contributor, case, actor):
    """``contributor(case, actor=actor)`` when it takes an ``actor`` keyword, else
    ``contributor(case)``."""
    try:
        params = inspect.signature(contributor).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        params = ()
    if any(p.name == "actor" or p.kind is p.VAR_KEYWORD for p in params):
        return contributor(case, actor=actor)
    return contributor(case)


def export_case_bag(case, dest_dir, zip_file=False, actor=None) -> Path:
    """Write the case file as a BagIt bag under ``dest_dir``; returns the bag directory
    (or the .zip of it with ``zip_file=True``).

    ``actor``: the user who exports. Contributors that take it include only what that
    user may take out (recordings: only for a user entitled to download them, each one
    logged and ledgered); without it no recording file goes into the bag.

    ``ArchiveIntegrityError`` (or a contributor's own integrity error) when a file does not
    match the SHA-256 recorded at its creation: nothing is written."""
    dest_dir = Path(dest_dir)
    name = _SAFE.sub("_", f"case-{case.pk}-{case.number or 'unnumbered'}")
    bag_dir = dest_dir / name
    if bag_dir.exists():
        shutil.rmtree(bag_dir)
    bag_dir.mkdir(parents=True)
    try:
        _fill_bag(case, bag_dir, actor)
    except BaseException:
        shutil.rmtree(bag_dir, ignore_errors=True)  # nothing half-written is left behind
        raise
    if zip_file:
        archive = shutil.make_archive(str(bag_dir), "zip", root_dir=dest_dir, base_dir=name)
        return Path(archive)
    return bag_dir


def _fill_bag(case, bag_dir, actor):
    from sanxiang.ledger.bundle import export_archive_bundle
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.services import append

    data_dir = bag_dir  # bagit.make_bag moves the payload into data/
    indices = set(case.events.exclude(ledger_index=None).values_list("ledger_index", flat=True))
    contributed = []
    files = []  # the export leaf's list: every file of data/ but the bundle
    for contributor in hooks.archive_contributors():
        for raw in _contribution(contributor, case, actor) or []:
            item = _normalise(raw)
            rel, sha256, size = _write_item(data_dir, item)
            proof = _creation_proof(rel, item, sha256)
            indices.update(int(i) for i in item.ledger_indices or [])
            entry = {"path": rel.as_posix(), "sha256": sha256, "size": size}
            if proof is not None:
                indices.add(proof["creation_leaf"])
                entry.update(proof)
            files.append(entry)
            contributed.append(
                {
                    "path": rel.as_posix(),
                    "meta": item.meta,
                    "ledger_indices": list(item.ledger_indices or []),
                    "sha256": sha256,
                    "creation_leaf": proof["creation_leaf"] if proof else None,
                }
            )

    metadata = _case_metadata(case)
    metadata["exported_by"] = (
        {"id": actor.pk, "name": actor.display_name} if actor is not None else None
    )
    metadata["files"] = contributed
    metadata["ledger_indices"] = sorted(indices)
    for rel, content in (("metadata.json", _dump(metadata)), ("README.txt", README.encode())):
        (data_dir / rel).write_bytes(content)
        files.append(
            {"path": rel, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
        )

    with transaction.atomic():
        export_leaf = append(
            EventType.CASE_EXPORTED,
            f"case:{case.pk}",
            {
                "case": case.pk,
                "number": case.number,
                "bag": bag_dir.name,
                "files": sorted(files, key=lambda f: f["path"]),
                "ledger_indices": sorted(indices),
            },
            actor,
        )
    bundle = export_archive_bundle(sorted(indices), export_leaf.index)
    (data_dir / "ledger-bundle.json").write_text(
        json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8"
    )

    bagit.make_bag(
        str(bag_dir),
        bag_info={
            "Source-Organization": case.agency.name,
            "Organization-Address": case.agency.address or case.agency.region,
            "External-Identifier": case.number or f"case:{case.pk}",
            "External-Description": f"行政执法案卷：{case.title}",
            "Bagging-Date": clock.today().isoformat(),
            "Bag-Group-Identifier": f"agency:{case.agency_id}",
        },
        checksums=["sha256", "sha512"],
    )


def open_case_bag_zip(case, actor=None):
    """Export the case bag as a zip for ``actor`` and return (open file, file name). The
    temporary directory is removed at once; the open handle keeps the data readable until
    the response has been streamed and closed, so no exported bag is left on disk."""
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="case-bag-"))
    try:
        zip_path = export_case_bag(case, tmp, zip_file=True, actor=actor)
        handle = open(zip_path, "rb")  # noqa: SIM115 - closed by FileResponse
        return handle, zip_path.name
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
