"""Export a case file (案卷) as a BagIt bag (RFC 8493) that verifies itself offline.

    export_case_bag(case, dest_dir, zip_file=False, actor=None) -> Path

Layout of the bag (``data/`` is the payload, every file is in the SHA-256 and SHA-512
manifests)::

    bagit.txt  bag-info.txt  manifest-sha256.txt  manifest-sha512.txt  tagmanifest-*.txt
    data/metadata.json        the case, parties, handlers, collective discussions, the full
                              timeline (every event with its ledger leaf index), alerts
    data/ledger-bundle.json   sanxiang.ledger.bundle.export_bundle of every leaf of the case
                              and of the contributed files; check it with
                              ``python -m sanxiang.ledger.verify_bundle data/ledger-bundle.json``
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
Verification: ``bagit.Bag(path).validate()`` (or ``python -m bagit --validate PATH``)
detects any changed, missing or added payload file; the ledger bundle proves the events
were in the signed, append-only ledger.
"""

import datetime as dt
import inspect
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path, PurePosixPath

import bagit

from sanxiang.core import clock

from . import hooks
from .services import case_alerts

README = """本目录为行政执法案卷的电子归档包（BagIt 格式，RFC 8493）。

1. 校验文件完整性：python -m bagit --validate 本目录
   任何文件被修改、删除或增加，校验都会失败。
2. 校验全过程记录未被篡改：python -m sanxiang.ledger.verify_bundle data/ledger-bundle.json
   ledger-bundle.json 含本案全部账本记录、包含证明及签名树头，可离线验证。
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


def _write_item(data_dir, item):
    rel = _safe_relpath(item.path)
    target = data_dir / rel
    if target.exists() or rel.as_posix() in ("metadata.json", "ledger-bundle.json"):
        raise ValueError(f"duplicate archive path: {rel}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if item.content is not None:
        target.write_bytes(item.content)
    elif isinstance(item.source, (str, Path)):
        shutil.copyfile(item.source, target)
    elif item.source is not None:
        try:
            with open(target, "wb") as out:
                shutil.copyfileobj(item.source, out)
        finally:
            item.source.close()
    else:
        raise ValueError(f"archive item without content: {rel}")
    return rel


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
    logged and ledgered); without it no recording file goes into the bag."""
    from sanxiang.ledger.bundle import export_bundle

    dest_dir = Path(dest_dir)
    name = _SAFE.sub("_", f"case-{case.pk}-{case.number or 'unnumbered'}")
    bag_dir = dest_dir / name
    if bag_dir.exists():
        shutil.rmtree(bag_dir)
    data_dir = bag_dir  # bagit.make_bag moves the payload into data/
    data_dir.mkdir(parents=True)

    indices = set(case.events.exclude(ledger_index=None).values_list("ledger_index", flat=True))
    contributed = []
    for contributor in hooks.archive_contributors():
        for raw in _contribution(contributor, case, actor) or []:
            item = _normalise(raw)
            rel = _write_item(data_dir, item)
            indices.update(int(i) for i in item.ledger_indices or [])
            contributed.append(
                {
                    "path": rel.as_posix(),
                    "meta": item.meta,
                    "ledger_indices": list(item.ledger_indices or []),
                }
            )

    metadata = _case_metadata(case)
    metadata["exported_by"] = (
        {"id": actor.pk, "name": actor.display_name} if actor is not None else None
    )
    metadata["files"] = contributed
    metadata["ledger_indices"] = sorted(indices)
    (data_dir / "metadata.json").write_bytes(_dump(metadata))
    bundle = export_bundle(sorted(indices)) if indices else {}
    (data_dir / "ledger-bundle.json").write_text(
        json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (data_dir / "README.txt").write_text(README, encoding="utf-8")

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
    if zip_file:
        archive = shutil.make_archive(str(bag_dir), "zip", root_dir=dest_dir, base_dir=name)
        return Path(archive)
    return bag_dir


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
