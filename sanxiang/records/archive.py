"""Archive contributor: the case's recordings and their labels go into the case bag."""

from __future__ import annotations

import json

from django.utils import timezone

from . import storage
from .models import Recording
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
    else a file object the archive streams from."""
    from django.core.files.storage import default_storage

    try:
        return default_storage.path(key)
    except NotImplementedError:
        return storage.open_stored(key)


def contribute(case):
    """``fn(case)`` for ``cases.hooks.register_archive_contributor``."""
    from sanxiang.cases.hooks import ArchiveItem

    recs = list(
        Recording.objects.filter(case=case)
        .select_related("collector", "uploaded_by", "case")
        .order_by("recorded_start", "pk")
    )
    if not recs:
        return []
    items = []
    all_labels = []
    for rec in recs:
        labels = labels_of(rec)
        all_labels.append(labels)
        if labels["purged"] or not storage.exists(rec.storage_key):
            continue
        ext = extension_of(rec.original_name) or "bin"
        items.append(
            ArchiveItem(
                path=f"recordings/{rec.pk}-{rec.sha256[:12]}.{ext}",
                source=_source(rec.storage_key),
                meta={"recording": rec.pk, "sha256": rec.sha256, "activity": rec.activity},
            )
        )
    items.append(
        ArchiveItem(
            path="recordings/labels.json",
            content=json.dumps(all_labels, ensure_ascii=False, indent=2).encode("utf-8"),
            meta={"recordings": len(recs)},
        )
    )
    return items
