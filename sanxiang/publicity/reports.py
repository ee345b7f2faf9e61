"""年度行政执法统计报告 (published by 31 January for the previous year).

``generate(year, agencies=None, actor=None)`` builds one report per enforcement agency
and one per supervisor agency (its region = subtree). Data: decisions by act type and
by outcome, publication timeliness, legal reviews by opinion, and decisions taken down
after reconsideration / litigation / self-correction (撤销、确认违法、责令重作).
Charts are SVG bar charts drawn here; the PDF is rendered with WeasyPrint.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import Counter
from xml.sax.saxutils import escape

from django.db import transaction
from django.template.loader import render_to_string

from sanxiang.core import clock
from sanxiang.core.fields import ActType
from sanxiang.ledger.events import EventType
from sanxiang.org.models import Agency, AgencyKind

from .models import AnnualReport, Publication, PublicationStatus, WithdrawalKind

CHARTS = {
    "by_category": "按执法行为类别统计的执法决定数",
    "by_outcome": "按决定结果统计",
    "timeliness": "决定公开及时性",
    "reviews": "重大执法决定法制审核意见",
    "withdrawals": "复议、诉讼及纠错情况",
    "appeals": "行政复议、行政诉讼及被纠错的决定数",
    "alerts": "监督预警（按预警模型）",
    "alert_status": "监督预警处理情况（截至12月31日）",
    "patrol": "网上巡查发现的问题",
}


def _agency_ids(agency) -> list[int]:
    if agency.kind == AgencyKind.SUPERVISOR:
        return list(Agency.objects.subtree_of(agency).values_list("id", flat=True))
    return [agency.pk]


def compute(agency, year: int) -> dict:
    ids = _agency_ids(agency)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    pubs = list(
        Publication.objects.filter(agency_id__in=ids, decision_date__range=(start, end)).only(
            "category",
            "status",
            "published_late",
            "published_at",
            "due_date",
            "source",
            "withdrawal_kind",
        )
    )
    labels = dict(ActType.choices)
    by_category = Counter(str(labels.get(p.category, p.category)) for p in pubs)
    by_outcome = Counter((p.source or {}).get("outcome_label") or "其他" for p in pubs)
    published = [p for p in pubs if p.published_at]
    late = sum(1 for p in published if p.published_late)
    pending_overdue = sum(
        1 for p in pubs if p.status == PublicationStatus.PENDING and p.due_date and p.due_date < end
    )
    timeliness = {
        "按时公开": len(published) - late,
        "逾期公开": late,
        "逾期未公开": pending_overdue,
    }
    reviews = {}
    try:
        from sanxiang.review.models import Opinion, OpinionKind

        qs = Opinion.objects.filter(
            review__agency_id__in=ids, given_at__date__range=(start, end)
        ).values_list("kind", flat=True)
        kinds = dict(OpinionKind.choices)
        reviews = dict(Counter(str(kinds.get(k, k)) for k in qs))
    except Exception:  # the review app is optional for the report
        reviews = {}
    wlabels = dict(WithdrawalKind.choices)
    withdrawals = Counter(
        str(wlabels.get(p.withdrawal_kind, p.withdrawal_kind)) for p in pubs if p.withdrawal_kind
    )
    total = len(pubs)
    supervision = _supervision(ids, year)
    return {
        "year": year,
        "agency": agency.name,
        "is_region": agency.kind == AgencyKind.SUPERVISOR,
        "agencies": len(ids),
        "total": total,
        "published": len(published),
        "timely_rate": round(100.0 * (len(published) - late) / total, 1) if total else None,
        "by_category": dict(by_category),
        "by_outcome": dict(by_outcome),
        "timeliness": timeliness,
        "reviews": reviews,
        "withdrawals": dict(withdrawals),
        **supervision,
        "generated_at": clock.now().isoformat(),
    }


def _short(text: str, limit: int = 10) -> str:
    """A chart label that fits the bar chart's label column."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _supervision(ids, year) -> dict:
    """The supervision figures of the year (issue #15 item 6), each computed by its own app
    from its ledgered records: 复议/诉讼 (appeals.appeal_figures: decisions of the year and
    how many were reconsidered, litigated, corrected), alerts by rule and by resolution as of
    31 December (alerts.services.alert_figures, from the ledger alone) and the 网上巡查
    findings and scores (patrol.figures.patrol_figures, from the ledger alone)."""
    from sanxiang.alerts.services import alert_figures
    from sanxiang.appeals.services import appeal_figures
    from sanxiang.patrol.figures import patrol_figures
    from sanxiang.patrol.services import FINDING_LABELS

    agencies = list(Agency.objects.filter(pk__in=ids).order_by("path"))
    rows = appeal_figures(agencies, year)
    decisions = sum(r["decisions"] for r in rows)
    counts = {
        "被复议": sum(r["reconsidered"] for r in rows),
        "被诉": sum(r["litigated"] for r in rows),
        "被纠错": sum(r["corrected"] for r in rows),
    }

    def rate(n):
        return round(100.0 * n / decisions, 1) if decisions else None

    alerts = alert_figures(agencies, year)
    status_labels = alerts["status_labels"]
    patrol = patrol_figures(agencies, year)
    scores = [r["average"] for r in patrol["agencies"].values() if r["average"] is not None]
    return {
        "appeal_decisions": decisions,
        "reconsideration_rate": rate(counts["被复议"]),
        "litigation_rate": rate(counts["被诉"]),
        "correction_rate": rate(counts["被纠错"]),
        "appeals": counts,
        "alerts_total": alerts["total"],
        "alerts": {f"{r['number']}. {_short(r['title'])}": r["total"] for r in alerts["by_rule"]},
        "alert_status": {
            status_labels[k]: n for k, n in alerts["by_status"].items() if n or k == "open"
        },
        "patrol_rounds": patrol["total"]["rounds"],
        "patrol_average": round(sum(scores) / len(scores), 1) if scores else None,
        "patrol": {
            FINDING_LABELS[k]: n
            for k, n in patrol["total"]["findings"].items()
            if k in FINDING_LABELS
        },
    }


@transaction.atomic
def generate(year: int, agencies=None, actor=None) -> list[AnnualReport]:
    """Publish the reports of ``year`` that do not exist yet (published reports never change).

    Each report's leaf (``publicity.report_published``) holds its agency, year, total and
    the SHA-256 of all its statistics (``data_sha256``, canonical JSON), which the ledger
    reconciliation recomputes from the stored data; the row is append-only by trigger
    (publicity migration 0005: only ``ledger_index`` may be filled in, once)."""
    from sanxiang.ledger.services import append, canonical_sha256

    agencies = agencies if agencies is not None else Agency.objects.filter(is_active=True)
    made = []
    for agency in agencies:
        if AnnualReport.objects.filter(agency=agency, year=year).exists():
            continue
        data = compute(agency, year)
        is_region = agency.kind == AgencyKind.SUPERVISOR
        title = f"{agency.name}{year}年度行政执法统计报告" + ("（本区域汇总）" if is_region else "")
        report = AnnualReport.objects.create(
            agency=agency,
            year=year,
            is_region=is_region,
            title=title,
            data=data,
            published_at=clock.now(),
        )
        leaf = append(
            EventType.PUBLICATION_REPORT_PUBLISHED,
            f"annual_report:{report.pk}",
            {
                "agency": agency.pk,
                "year": year,
                "total": data["total"],
                # of the data as stored (what the reconciliation reads back)
                "data_sha256": canonical_sha256(
                    AnnualReport.objects.values_list("data", flat=True).get(pk=report.pk)
                ),
            },
            actor,
        )
        report.ledger_index = getattr(leaf, "index", None)
        report.save(update_fields=["ledger_index"])
        made.append(report)
    return made


def due_year(today=None):
    """The year whose report must be published now (January: the previous year)."""
    today = today or clock.today()
    return today.year - 1


def bar_chart(title: str, data: dict, width: int = 560) -> str:
    items = list(data.items())
    bar_h, gap, left, top = 24, 10, 170, 40
    height = top + max(1, len(items)) * (bar_h + gap) + 10
    peak = max([v for _k, v in items] or [1]) or 1
    plot_w = width - left - 60
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="ct cd" class="gs-chart">',
        f'<title id="ct">{escape(title)}</title>',
        '<desc id="cd">' + escape("；".join(f"{k}：{v}" for k, v in items) or "无数据") + "</desc>",
        f'<text x="0" y="22" font-size="16" font-weight="700" fill="#1a1a1a" '
        f'font-family="Noto Sans CJK SC, sans-serif">{escape(title)}</text>',
    ]
    if not items:
        out.append(
            f'<text x="0" y="{top + 16}" font-size="14" fill="#4a4a4a" '
            'font-family="Noto Sans CJK SC, sans-serif">本年度无数据</text>'
        )
    y = top
    for label, value in items:
        w = int(plot_w * value / peak) if value else 0
        out.append(
            f'<text x="{left - 8}" y="{y + 17}" font-size="13" text-anchor="end" fill="#1a1a1a" '
            f'font-family="Noto Sans CJK SC, sans-serif">{escape(str(label))}</text>'
        )
        out.append(
            f'<rect x="{left}" y="{y}" width="{max(w, 1)}" height="{bar_h}" fill="#9b1c1c"/>'
        )
        out.append(
            f'<text x="{left + w + 6}" y="{y + 17}" font-size="13" fill="#1a1a1a" '
            f'font-family="Noto Sans CJK SC, sans-serif">{value}</text>'
        )
        y += bar_h + gap
    out.append("</svg>")
    return "".join(out)


def chart_svg(report: AnnualReport, chart: str) -> str | None:
    if chart not in CHARTS:
        return None
    return bar_chart(CHARTS[chart], report.data.get(chart) or {})


def display(report: AnnualReport) -> dict:
    return {"charts": [(key, title) for key, title in CHARTS.items()], "data": report.data}


def pdf_bytes(report: AnnualReport) -> bytes:
    from weasyprint import HTML

    charts = []
    for key, title in CHARTS.items():
        svg = chart_svg(report, key)
        charts.append(
            (title, "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode())
        )
    html = render_to_string(
        "publicity/report_pdf.html", {"report": report, "data": report.data, "charts": charts}
    )

    def refuse(url, timeout=10, ssl_context=None):
        if url.startswith("data:"):
            from weasyprint.urls import default_url_fetcher

            return default_url_fetcher(url)
        raise ValueError("external resources are not loaded")

    return HTML(string=html, url_fetcher=refuse).write_pdf()
