"""Contributions to the case page (registered with ``sanxiang.cases.hooks``): issued
documents and corrections on the timeline, unissued drafts as missing items."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Document, DocumentCorrection


def timeline_contributor(case):
    """Issued documents and corrections shown on the case page."""
    out = []
    for doc in Document.objects.issued().filter(case=case).order_by("issued_at", "id"):
        out.append(
            {
                "at": doc.issued_at,
                "kind": _("文书签发"),
                "summary": f"{doc.title} {doc.number}",
                "actor_name": doc.issued_by_name,
                "url": reverse("documents:detail", args=[doc.pk]),
                "proof": doc.sha256,
                "ledger_index": doc.ledger_index,
            }
        )
    for corr in DocumentCorrection.objects.filter(original__case=case).select_related(
        "original", "correction"
    ):
        out.append(
            {
                "at": corr.at,
                "kind": _("文书更正"),
                "summary": f"{corr.original.number} → {corr.correction.number}：{corr.reason}",
                "actor_name": corr.actor_name,
                "url": reverse("documents:detail", args=[corr.correction_id]),
                "proof": corr.correction.sha256,
                "ledger_index": corr.ledger_index,
            }
        )
    return out


def missing_items(case, today):
    """Drafts not yet issued, and a closing case without an issued 结案报告."""
    out = []
    drafts = list(Document.objects.drafts().filter(case=case).values_list("title", flat=True))
    if drafts:
        out.append(
            {
                "level": "warn",
                "message": _("有%(n)d份文书草稿尚未签发：%(t)s。")
                % {"n": len(drafts), "t": "、".join(drafts[:5])},
            }
        )
    if getattr(case, "stage", "") == "closing" and not (
        Document.objects.current().filter(case=case, kind="closing_report").exists()
    ):
        out.append({"level": "warn", "message": _("尚未签发结案报告。")})
    return out
