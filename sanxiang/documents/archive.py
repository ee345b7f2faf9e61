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


def files_for_case(case, actor=None) -> list:
    """[(arcname, bytes)] of the case's issued documents and an index. The stored bytes are
    read through ``integrity.read_issued`` (checked against the row and the issuing leaf;
    a mismatch raises ``TamperedDocument`` with its alert, refusing the whole export)."""
    docs = list(_issued(case))
    files = []
    for doc in docs:
        base = _arcbase(doc)
        files.append((f"{base}.pdf", render_pdf(doc, actor)))
        files.append((f"{base}.docx", render_docx(doc, actor)))
    if docs:
        index = json.dumps(_index(docs), ensure_ascii=False, indent=2, sort_keys=True)
        files.append(("documents/index.json", index.encode()))
    return files


def archive_contributor(case, actor=None):
    """Adapter for ``sanxiang.cases.hooks.register_archive_contributor``. Each PDF/DOCX
    names its issuing leaf (``creation_leaf``, payload key ``sha256``/``docx_sha256``) so the
    case archive re-checks the bytes it writes and proves them in the bag's bundle."""
    from sanxiang.cases.hooks import ArchiveItem

    originals = {}
    for doc in _issued(case):
        base = _arcbase(doc)
        originals[f"{base}.pdf"] = (doc, doc.sha256, "sha256")
        originals[f"{base}.docx"] = (doc, doc.docx_sha256, "docx_sha256")
    items = []
    for arcname, data in files_for_case(case, actor):
        meta = {}
        indices = []
        if arcname in originals:
            doc, sha256, field = originals[arcname]
            meta = {"number": doc.number, "kind": doc.kind, "sha256": sha256}
            if doc.ledger_index is not None:
                indices = [doc.ledger_index]
                meta.update(creation_leaf=doc.ledger_index, hash_field=field)
        items.append(ArchiveItem(path=arcname, content=data, meta=meta, ledger_indices=indices))
    return items
