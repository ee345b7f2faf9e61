"""Documents in a case archive (案卷归档).

``files_for_case(case) -> list[(arcname, bytes)]``: every issued document of the case
(superseded versions included: the archive keeps the whole correction chain), PDF and
DOCX, plus ``documents/index.json`` listing number, kind, version, SHA-256 and ledger
index of each. Registered with ``sanxiang.cases.hooks`` as an archive contributor.
"""

import json

from .models import Document, DocumentCorrection
from .rendering import render_docx, render_pdf


def _issued(case):
    return Document.objects.issued().filter(case=case).order_by("issued_at", "id")


def _arcbase(doc):
    safe_number = (doc.number or str(doc.pk)).replace("/", "-")
    return f"documents/{doc.pk:06d}-{doc.title}-{safe_number}"


def _index(docs):
    corrections = {c.original_id: c for c in DocumentCorrection.objects.filter(original__in=docs)}
    rows = []
    for doc in docs:
        corr = corrections.get(doc.pk)
        rows.append(
            {
                "id": doc.pk,
                "kind": doc.kind,
                "title": doc.title,
                "number": doc.number,
                "version": doc.version,
                "previous_id": doc.previous_id,
                "superseded_by_id": corr.correction_id if corr else None,
                "correction_reason": corr.reason if corr else None,
                "issued_at": doc.issued_at.isoformat(),
                "issued_by": doc.issued_by_name,
                "sha256": doc.sha256,
                "docx_sha256": doc.docx_sha256,
                "ledger_index": doc.ledger_index,
                "content": doc.content,
            }
        )
    return rows


def files_for_case(case) -> list:
    """[(arcname, bytes)] of the case's issued documents and an index."""
    docs = list(_issued(case))
    files = []
    for doc in docs:
        base = _arcbase(doc)
        files.append((f"{base}.pdf", render_pdf(doc)))
        files.append((f"{base}.docx", render_docx(doc)))
    if docs:
        index = json.dumps(_index(docs), ensure_ascii=False, indent=2, sort_keys=True)
        files.append(("documents/index.json", index.encode()))
    return files


def archive_contributor(case):
    """Adapter for ``sanxiang.cases.hooks.register_archive_contributor``."""
    from sanxiang.cases.hooks import ArchiveItem

    docs = {f"{_arcbase(d)}.pdf": d for d in _issued(case)}
    items = []
    for arcname, data in files_for_case(case):
        doc = docs.get(arcname)
        meta = {}
        indices = []
        if doc is not None:
            meta = {"number": doc.number, "kind": doc.kind, "sha256": doc.sha256}
            if doc.ledger_index is not None:
                indices = [doc.ledger_index]
        items.append(ArchiveItem(path=arcname, content=data, meta=meta, ledger_indices=indices))
    return items
