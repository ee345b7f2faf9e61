"""What the public sees: a publication's redacted public fields and its snapshots.

* ``build_public_fields(publication)`` — the source passed through the ``Redactor`` (parties,
  the handler's marks, public numbers kept).
* ``content_hash(fields)`` — the SHA-256 a snapshot and its ledger leaf carry.
* ``preview_of`` / ``current_snapshot`` / ``public_snapshot_for`` — which snapshot is shown.
"""

from __future__ import annotations

from sanxiang.core.fields import ActType, PenaltyKind
from sanxiang.ledger.services import canonical_sha256

from .. import search
from ..models import Publication, Snapshot, SnapshotState
from ..redaction import Redactor
from ._base import _jsonable, to_wan

LICENCE_CATEGORIES = ["普通", "特许", "认可", "核准", "登记", "其他"]


def _redactor(publication: Publication) -> Redactor:
    src = publication.source or {}
    agency = publication.agency
    keep = {agency.phone, agency.usci, publication.document_number}
    keep |= set(src.get("public_numbers") or [])
    return Redactor(
        parties=src.get("parties") or [], marks=publication.marks, keep={k for k in keep if k}
    )


def build_public_fields(publication: Publication) -> dict:
    """The redacted public fields of a publication (what its snapshot holds)."""
    src = publication.source or {}
    red = _redactor(publication)
    parties = [red.party(p) for p in src.get("parties") or []]
    target = parties[0] if parties else {}
    names = "、".join(p["name"] for p in parties if p["name"])
    details = {"parties": parties}
    penalty = src.get("penalty") or {}
    if publication.category == ActType.PENALTY:
        kinds = [k for k in penalty.get("kinds") or [] if k in PenaltyKind.values]
        details.update(
            {
                "violation_type": red.text(penalty.get("violation_type", "")),
                "facts": red.text(penalty.get("facts", "")),
                "basis": red.text(penalty.get("basis", "")),
                "penalty_kinds": [str(PenaltyKind(k).label) for k in kinds],
                "penalty_content": red.text(penalty.get("content", "")),
                "fine_wan": to_wan(penalty.get("fine")),
                "confiscated_wan": to_wan(penalty.get("confiscated")),
                "penalty_valid_until": penalty.get("valid_until") or "",
            }
        )
    licensing = src.get("licensing") or {}
    if publication.category == ActType.LICENSING:
        details.update(
            {
                "licence_name": red.text(licensing.get("name", "")),
                "licence_number": str(licensing.get("licence_number", ""))[:100],
                "licence_category": licensing.get("category", "") or "普通",
                "licence_content": red.text(licensing.get("content", "")),
                "valid_from": licensing.get("valid_from") or "",
                "valid_to": licensing.get("valid_to") or "",
                "licence_state": licensing.get("state", "") or "有效",
            }
        )
    if publication.category == ActType.INSPECTION and src.get("inspection"):
        details["inspection"] = _inspection_public(red, src["inspection"])
    full_text = [
        [str(label), red.text(text)] for label, text in (src.get("full_text") or []) if text
    ]
    return {
        "agency_name": publication.agency.name,
        "agency_usci": publication.agency.usci,
        "category": publication.category,
        "case_act_type": publication.case_act_type,
        "document_number": publication.document_number,
        "title": red.text(src.get("title", ""))[:300],
        "decision_date": publication.decision_date,
        "target_type": target.get("party_type", ""),
        "target_name": names[:200],
        "target_usci": target.get("usci", ""),
        "target_legal_rep": target.get("legal_representative", "")[:100],
        "conclusion": red.text(src.get("conclusion", "")),
        "full_text": full_text,
        "details": details,
    }


def _inspection_public(red: Redactor, content: dict) -> dict:
    """双随机抽查结果 (inspections.services.public_content) with its free text redacted.

    Names, the item and its basis pass through the redactor (ID, phone and bank numbers,
    marked spans); USCIs, the seed and the hashes are public identifiers and stay.
    """
    out = dict(content)
    out["title"] = red.text(content.get("title", ""))
    item = dict(content.get("item") or {})
    for key in ("name", "basis"):
        item[key] = red.text(item.get(key, ""))
    out["item"] = item
    out["tasks"] = [
        {**task, "name": red.text(task.get("name", ""))} for task in content.get("tasks") or []
    ]
    return out


def content_hash(fields: dict) -> str:
    return canonical_sha256(_jsonable(fields))


def _write_preview(publication: Publication) -> Snapshot:
    """(Re)write the not-yet-public preview snapshot from source + marks."""
    fields = build_public_fields(publication)
    snap = publication.snapshots.filter(state=SnapshotState.PREVIEW).first()
    if snap is None:
        snap = Snapshot(
            publication=publication, version=publication.version, agency=publication.agency
        )
    for key, value in fields.items():
        setattr(snap, key, value)
    snap.content_sha256 = content_hash(fields)
    snap.search_text = search.snapshot_text(snap)
    snap.state = SnapshotState.PREVIEW
    snap.save()
    return snap


def preview_of(publication: Publication) -> Snapshot | None:
    return (
        publication.snapshots.exclude(state=SnapshotState.SUPERSEDED).order_by("-version").first()
    )


def current_snapshot(publication: Publication) -> Snapshot | None:
    return preview_of(publication)


def public_snapshot_for(publication_id):
    """The snapshot the public page of ``publication_id`` shows, or None."""
    return (
        Snapshot.objects.filter(publication_id=publication_id)
        .exclude(
            state__in=[SnapshotState.PREVIEW, SnapshotState.SUPERSEDED, SnapshotState.DISCARDED]
        )
        .order_by("-version")
        .first()
    )
