"""Archive contributor: the case's recordings and their labels go into the case bag.

Files only for an exporter entitled to download them, each one logged and ledgered like a
download (see ``contribute``); every recording is listed by SHA-256 in
``recordings/manifest.json``.

Before a file goes into the bag it is re-hashed and must match both the ``Recording`` row
and the ``records.ingested`` leaf written at ingest (``verify_stored``); otherwise the whole
export is refused, naming the recording, and the fixity job's alert is raised (a
``FixityAlert`` row in a one-file ``FixityRun`` that keeps the round-robin cursor, a
``records.fixity_alert`` leaf with ``via: "case_export"``, an ERROR line on
``sanxiang.records.fixity``). Refused, not included with a flag: a case file is handed out
as a legal record, and a bag that carries a wrong file next to a valid manifest invites
someone to rely on it; the file is restored from backup and the case exported again.
Every file is checked before any is logged as handed out. Each included file names its
ingest leaf (``meta["creation_leaf"]``), which the case archive checks again while copying
and puts, with its inclusion proof, in the bag's ledger bundle.
"""

from __future__ import annotations

import json
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode

from . import access, caseinfo, fixity, storage
from .models import AccessAction, FixityProblem, FixityRun, Recording
from .retention import retention_label
from .sniff import extension_of


def labels_of(rec) -> dict:
    return {
        "id": rec.pk,
        "case_number": rec.case_number,
        "activity": rec.activity,
        "activity_label": str(rec.get_activity_display()),
        "recorded_start": rec.recorded_start.isoformat(),
        "recorded_end": rec.recorded_end.isoformat(),
        "place": rec.place,
        "collector": rec.collector.name,
        "proves": rec.proves,
        "interruptions": rec.interruptions,
        "is_evidence": rec.is_evidence,
        "kind": rec.kind,
        "content_type": rec.content_type,
        "original_name": rec.original_name,
        "size": rec.size,
        "sha256": rec.sha256,
        "uploaded_by": rec.uploaded_by.display_name,
        "uploaded_at": timezone.localtime(rec.uploaded_at).isoformat(),
        "upload_due": rec.upload_due.isoformat() if rec.upload_due else None,
        "retention": str(retention_label(rec)),
        "purged": hasattr(rec, "purge"),
    }


def _source(key):
    """A filesystem path when the storage is local (copied without an open handle),
    else a file object the archive streams from (and closes): on S3 the response body,
    read as it is copied."""
    from django.core.files.storage import default_storage

    try:
        return default_storage.path(key)
    except NotImplementedError:
        return storage.open_stream(key)


log = logging.getLogger("sanxiang.records.fixity")


class TamperedRecording(DomainError):
    """The stored file of a recording no longer hashes to what was recorded at ingest."""

    def __init__(self, rec, problem):
        if problem == FixityProblem.MISSING:
            text = _(
                "案卷导出已拒绝：音像记录“%(name)s”（%(activity)s，编号 %(id)s）的文件缺失。"
                "该情况已记录并告警，请联系系统管理员核查并从备份恢复。"
            )
        else:
            text = _(
                "案卷导出已拒绝：音像记录“%(name)s”（%(activity)s，编号 %(id)s）的文件与入库时"
                "记录的 SHA-256 不一致，可能已被篡改或损坏。该情况已记录并告警，"
                "请联系系统管理员核查并从备份恢复。"
            )
        super().__init__(
            text
            % {"name": rec.original_name, "activity": rec.get_activity_display(), "id": rec.pk},
            code=ErrorCode.CONFLICT,
        )
        self.recording_id = rec.pk
        self.problem = problem


def ingest_leaf(rec):
    """The ``records.ingested`` leaf that recorded ``rec``'s SHA-256, or None."""
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.models import Leaf

    return (
        Leaf.objects.filter(subject=f"recording:{rec.pk}", event_type=EventType.RECORDING_INGESTED)
        .order_by("index")
        .first()
    )


def _alert(rec, problem, expected, actual, size, actor):
    """The fixity job's alert for one file found bad at export, committed before the
    refusal is raised. The one-file run keeps the periodic job's round-robin cursor."""
    now = clock.now()
    with transaction.atomic():
        last = FixityRun.objects.order_by("-pk").first()
        run = FixityRun.objects.create(
            started_at=now,
            finished_at=now,
            checked=1,
            bytes_checked=size,
            failures=1,
            last_recording_id=last.last_recording_id if last else 0,
        )
        fixity.record_alert(run, rec, problem, expected, actual, actor, via="case_export")


def verify_stored(rec, actor=None):
    """Re-hash ``rec``'s stored file; returns its ingest leaf when the bytes hash to the
    row's SHA-256 and to the leaf's. Otherwise raises the alert and ``TamperedRecording``."""
    leaf = ingest_leaf(rec)
    recorded = leaf.payload.get("sha256") if leaf is not None else None
    try:
        actual, size = storage.hash_stored(rec.storage_key)
    except (FileNotFoundError, OSError):
        actual, size = "", 0
    if actual and actual == rec.sha256 == recorded:
        return leaf
    problem = FixityProblem.MISMATCH if actual else FixityProblem.MISSING
    _alert(rec, problem, recorded or rec.sha256, actual, size, actor)
    raise TamperedRecording(rec, problem)


def _exclusion(rec, actor, purged):
    """Why the file of ``rec`` stays out of ``actor``'s export (zh), or None to include it."""
    if purged:
        return _("已到期清除，文件不再保存。")
    if not storage.exists(rec.storage_key):
        return _("存储中找不到该文件。")
    if actor is None:
        return _("未指明导出人，音像记录文件不随案卷导出。")
    if not access.may_access(rec, actor, AccessAction.DOWNLOAD):
        return _(
            "导出人无权下载（复制）该音像记录：须为本案承办人、本机关负责人，"
            "或持机关负责人批准且仍有效的下载申请。"
        )
    return None


def contribute(case, actor=None):
    """``fn(case, actor=None)`` for ``cases.hooks.register_archive_contributor``.

    The recordings' files go into the bag only for an ``actor`` entitled to download them
    (``access.access_basis`` with action download), and each included file is logged and
    ledgered through ``access.record_access`` exactly like a download (purpose 导出案卷,
    ``via`` case_export); its ``records.accessed`` leaf goes into the bag's ledger bundle.
    Every recording is listed in ``recordings/manifest.json`` (SHA-256, size, included or
    why not) and its labels in ``recordings/labels.json``. Not being entitled is not a
    refused attempt: the export is of the case file, so it writes no ``AccessRefusal``.
    """
    from sanxiang.cases.hooks import ArchiveItem

    recs = list(
        Recording.objects.filter(case=case)
        .select_related("collector", "uploaded_by", "case")
        .order_by("recorded_start", "pk")
    )
    if not recs:
        return []
    purpose = _("导出案卷（%(case)s）") % {"case": caseinfo.case_label(case)}
    items = []
    all_labels = [labels_of(rec) for rec in recs]
    reasons = [
        _exclusion(rec, actor, labels["purged"])
        for rec, labels in zip(recs, all_labels, strict=True)
    ]
    # every file that would go out is checked before any is logged as handed out
    leaves = {
        rec.pk: verify_stored(rec, actor) for rec, r in zip(recs, reasons, strict=True) if r is None
    }
    listing = []
    for rec, reason in zip(recs, reasons, strict=True):
        row = {
            "id": rec.pk,
            "sha256": rec.sha256,
            "size": rec.size,
            "original_name": rec.original_name,
            "included": False,
        }
        listing.append(row)
        if reason is None:
            try:
                entry = access.record_access(
                    rec, actor, purpose, AccessAction.DOWNLOAD, via="case_export"
                )
            except DomainError as exc:  # changed since the check (purged, approval expired)
                reason = exc.message
        if reason is not None:
            row["reason"] = str(reason)
            continue
        ext = extension_of(rec.original_name) or "bin"
        path = f"recordings/{rec.pk}-{rec.sha256[:12]}.{ext}"
        row.update(
            included=True,
            path=path,
            access_log=entry.pk,
            ledger_index=entry.ledger_index,
        )
        items.append(
            ArchiveItem(
                path=path,
                source=_source(rec.storage_key),
                meta={
                    "recording": rec.pk,
                    "sha256": rec.sha256,
                    "activity": rec.activity,
                    "access_log": entry.pk,
                    "creation_leaf": leaves[rec.pk].index,
                    "hash_field": "sha256",
                },
                ledger_indices=[entry.ledger_index],
            )
        )
    items.append(
        ArchiveItem(
            path="recordings/labels.json",
            content=json.dumps(all_labels, ensure_ascii=False, indent=2).encode("utf-8"),
            meta={"recordings": len(recs)},
        )
    )
    manifest = {
        "format": "sanxiang-recordings-manifest/1",
        "exported_by": (
            {"id": actor.pk, "name": actor.display_name} if actor is not None else None
        ),
        "note": str(
            _(
                "音像记录文件仅在导出人有权下载（复制）时随附，每个随附文件均已记入调阅日志和账本；"
                "未随附的仅列明 SHA-256、大小和原因。"
            )
        ),
        "recordings": listing,
    }
    items.append(
        ArchiveItem(
            path="recordings/manifest.json",
            content=json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"),
            meta={
                "recordings": len(recs),
                "included": sum(1 for r in listing if r["included"]),
            },
        )
    )
    return items
