"""Archive contributor: the case's recordings and their labels go into the case bag.

Files only for an exporter entitled to download them, each one logged and ledgered like a
download (see ``contribute``); every recording is listed by SHA-256 in
``recordings/manifest.json``.
"""

from __future__ import annotations

import json

from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError

from . import access, caseinfo, storage
from .models import AccessAction, Recording
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
    else a file object the archive streams from (and closes)."""
    from django.core.files.storage import default_storage

    try:
        return default_storage.path(key)
    except NotImplementedError:
        return storage.open_stored(key)


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
    all_labels = []
    listing = []
    for rec in recs:
        labels = labels_of(rec)
        all_labels.append(labels)
        row = {
            "id": rec.pk,
            "sha256": rec.sha256,
            "size": rec.size,
            "original_name": rec.original_name,
            "included": False,
        }
        listing.append(row)
        reason = _exclusion(rec, actor, labels["purged"])
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
