"""Rendering of documents to PDF (WeasyPrint, Noto CJK fonts) and DOCX (docxtpl).

``render_pdf(doc)`` / ``render_docx(doc)``: for an issued document they return the stored
bytes (the record, never re-rendered), refused when they no longer hash to what was issued
(``integrity.read_issued``); for a draft they render a preview marked 草稿
with the number left blank. ``issue_document`` calls ``render_pdf_bytes`` /
``render_docx_bytes`` with the number and date it assigns.

WeasyPrint never fetches anything over the network: the url fetcher refuses every URL.
"""

import datetime as dt
import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .kinds import spec

APP_DIR = Path(__file__).resolve().parent
PDF_CSS = APP_DIR / "static" / "documents" / "pdf.css"
DOCX_DIR = APP_DIR / "docx_templates"


def _refuse_urls(url, timeout=10, ssl_context=None):
    raise ValueError(f"external resources are not allowed in documents: {url}")


def format_date(value) -> str:
    """2026年11月23日 (GB/T 9704 成文日期 with Arabic numerals)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def format_datetime(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日{value.hour}时{value.minute:02d}分"


def display_content(kind, content) -> dict:
    """Content with dates/datetimes formatted in Chinese, every value a string."""
    out = {}
    s = spec(kind)
    for f in s.fields:
        value = content.get(f.key, "")
        if f.widget == "date":
            value = format_date(value)
        elif f.widget == "datetime":
            value = format_datetime(value)
        out[f.key] = "" if value is None else str(value)
    for key, value in content.items():
        out.setdefault(key, "" if value is None else str(value))
    return out


def context_for(doc, *, number=None, issued_date=None, draft=None) -> dict:
    s = spec(doc.kind)
    draft = doc.is_draft if draft is None else draft
    content = dict(doc.content or {})
    if issued_date and not content.get("document_date"):
        content["document_date"] = issued_date.isoformat()
    c = display_content(doc.kind, content)
    rows = [
        (str(f.label), c.get(f.key, ""), f.widget == "textarea")
        for f in s.fields
        if f.key not in ("agency_name", "seal_name", "document_date", "case_number", "title")
    ]
    previous = doc.previous if doc.previous_id else None
    return {
        "doc": doc,
        "spec": s,
        "title": c.get("title") if s.code == "other" and c.get("title") else s.title,
        "agency_name": c.get("agency_name") or doc.agency.name,
        "seal_name": c.get("seal_name") or doc.agency.name,
        "number": number if number is not None else (doc.number or ""),
        "date": c.get("document_date", ""),
        "c": c,
        "rows": rows,
        "draft": draft,
        "previous": previous,
        "corrects_text": (
            _("本文书系对%(n)s的更正，原文书同时作废。") % {"n": previous.number}
            if previous is not None and previous.number
            else ""
        ),
    }


def render_html(doc, **kwargs) -> str:
    return render_to_string(spec(doc.kind).html_template, context_for(doc, **kwargs))


def render_pdf_bytes(doc, **kwargs) -> bytes:
    from weasyprint import CSS, HTML

    html = render_html(doc, **kwargs)
    return HTML(string=html, url_fetcher=_refuse_urls, base_url=None).write_pdf(
        stylesheets=[CSS(filename=str(PDF_CSS))]
    )


def render_docx_bytes(doc, **kwargs) -> bytes:
    from docxtpl import DocxTemplate, Listing

    ctx = context_for(doc, **kwargs)
    path = DOCX_DIR / spec(doc.kind).docx_template
    if not path.exists():
        from .docx_templates.build import build_one

        build_one(spec(doc.kind), path)
    tpl = DocxTemplate(str(path))
    context = {
        "title": ctx["title"],
        "agency_name": ctx["agency_name"],
        "seal_name": ctx["seal_name"],
        "number": ctx["number"] or (_("（签发时生成文号）") if ctx["draft"] else ""),
        "date": ctx["date"],
        "draft": ctx["draft"],
        "corrects_text": ctx["corrects_text"],
        "c": {k: Listing(v) for k, v in ctx["c"].items()},
    }
    tpl.render(context, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _read_stored(field) -> bytes:
    field.open("rb")
    try:
        return field.read()
    finally:
        field.close()


def render_pdf(doc, actor=None) -> bytes:
    """The issued PDF (stored bytes, checked against the recorded SHA-256 and the ledger:
    ``integrity.TamperedDocument`` when they differ) or a draft preview."""
    if doc.is_issued:
        from .integrity import read_issued

        return read_issued(doc, "pdf", actor)
    return render_pdf_bytes(doc, draft=True)


def render_docx(doc, actor=None) -> bytes:
    """The issued DOCX (stored bytes, checked like ``render_pdf``) or a draft rendering."""
    if doc.is_issued:
        from .integrity import read_issued

        return read_issued(doc, "docx", actor)
    return render_docx_bytes(doc, draft=True)


def pdf_text(data: bytes) -> str:
    """Text extracted back from a PDF (used by tests and the integrity check)."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
