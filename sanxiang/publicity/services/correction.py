"""更正: a published decision is corrected; the new snapshot version replaces the public
one and the old stays visible as history.

* ``correct_publication(publication, *, changes, note, actor, checked=False)``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.ledger import personal
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event

from .. import search
from ..models import Publication, PublicationStatus, Snapshot, SnapshotState
from ._base import _clean_parties, _jsonable, _lock, _require_head, invalidate_page
from .snapshots import _write_preview, build_public_fields, content_hash


def _apply_changes(publication, changes):
    src = dict(publication.source)
    for key, value in changes.items():
        if key == "document_number":
            publication.document_number = str(value)[:80]
        elif key == "document_id":
            publication.document_id = value
        elif key == "parties":
            src["parties"] = _clean_parties(value)
        elif key in ("penalty", "licensing"):
            src[key] = {**(src.get(key) or {}), **_jsonable(value)}
        elif key == "full_text":
            src[key] = [[str(a), str(b)] for a, b in value]
        else:
            src[key] = str(value)
    publication.source = src


CORRECTABLE = {
    "conclusion",
    "title",
    "full_text",
    "penalty",
    "licensing",
    "parties",
    "document_number",
    "document_id",
}


@transaction.atomic
def correct_publication(
    publication, *, changes: dict, note: str, actor, checked=False
) -> Publication:
    """更正: a new snapshot version replaces the public one; the old stays as history.

    ``checked=True`` when the caller (the documents app's correction of the decision
    document) has already checked that ``actor`` may correct it. A publication still
    pending confirmation simply gets a rewritten preview.
    """
    publication = _lock(publication)
    if not checked:
        _require_head(publication, actor, _("更正公示信息"))
    if publication.status == PublicationStatus.PENDING and checked:
        _apply_changes(publication, changes)
        publication.save()
        _write_preview(publication)
        return publication
    if publication.status != PublicationStatus.PUBLISHED:
        raise DomainError(_("只有公示中的信息可以更正。"), code=ErrorCode.ILLEGAL_TRANSITION)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("请填写更正说明。"), code=ErrorCode.REQUIRED)
    unknown = set(changes) - CORRECTABLE
    if unknown:
        raise DomainError(
            _("不能更正以下字段：%(f)s。") % {"f": "、".join(sorted(unknown))},
            code=ErrorCode.UNKNOWN_FIELD,
        )
    if not changes:
        raise DomainError(_("没有需要更正的内容。"), code=ErrorCode.NO_CHANGE)
    _apply_changes(publication, changes)
    old = publication.snapshots.get(state=SnapshotState.PUBLISHED)
    old.state = SnapshotState.SUPERSEDED
    old.save()
    search.unindex(old)
    publication.version += 1
    publication.save()
    fields = build_public_fields(publication)
    snap = Snapshot(
        publication=publication,
        version=publication.version,
        agency=publication.agency,
        state=SnapshotState.PUBLISHED,
        published_at=clock.now(),
        visible_until=publication.visible_until,
        correction_note=note[:500],
        **fields,
    )
    snap.content_sha256 = content_hash(fields)
    snap.search_text = search.snapshot_text(snap)
    snap.save()
    leaf = append_event(
        EventType.PUBLICATION_CORRECTED,
        publication.subject,
        {
            "snapshot": snap.pk,
            "version": snap.version,
            "previous": old.pk,
            "previous_sha256": old.content_sha256,
            "sha256": snap.content_sha256,
            "note": personal.digest(note),  # typed text: a keyed digest (#11.4)
            "fields": sorted(changes),
        },
        actor,
    )
    snap.ledger_index = getattr(leaf, "index", None)
    snap.save(update_fields=["ledger_index"])
    search.index(snap)
    invalidate_page(publication.pk)
    from ..webhooks import enqueue

    enqueue("decision.corrected", snap)
    return publication
