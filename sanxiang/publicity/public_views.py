"""The public portal /gs/ (行政执法公示平台). No login; reads snapshot models only.

Models read here: ``Snapshot``, ``PortalPage``, ``AnnualReport`` (this app's public
snapshots) — never ``Publication`` (workbench data, unredacted sources). Exceptions by
design: the credential check reads the live certificate through
``org.services.certificate_public_status`` (a revoked certificate must say so at once),
the ledger page shows the ledger's public tree head and key, and the document check
(文书验签) looks up an issued document by the exact SHA-256 of a file the visitor
holds, showing only its agency, 文号, issue date and ledger index.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sanxiang.core import clock
from sanxiang.core.fields import ActType
from sanxiang.core.inputs import MAX_DB_INT, parse_id, parse_page

from . import exports, page_cache, search
from .models import AnnualReport, PageStatus, PortalPage, Snapshot, SnapshotState

CACHE_PREFIX = "gs:jd:"
PAGE_CACHE_SECONDS = 3600
PER_PAGE = 20


def _agencies_choices():
    """(agency id, name) of the agencies with approved public content (cached 5 min)."""
    key = "gs:agency-choices"
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = (
        PortalPage.objects.filter(status=PageStatus.APPROVED)
        .order_by("agency_id", "-version")
        .values_list("agency_id", "content__agency__name")
    )
    seen, out = set(), []
    for agency_id, name in rows:
        if agency_id not in seen:
            seen.add(agency_id)
            out.append((agency_id, name or ""))
    cache.set(key, out, 300)
    return out


@require_GET
def home(request):
    latest = list(Snapshot.objects.filter(search.public_q()).order_by("-published_at", "-id")[:10])
    return render(
        request,
        "publicity/public/home.html",
        {"latest": latest, "agencies": _agencies_choices(), "categories": ActType.choices},
    )


@require_GET
def agencies(request):
    pages = []
    seen = set()
    for page in PortalPage.objects.filter(status=PageStatus.APPROVED).order_by(
        "agency_id", "-version"
    ):
        if page.agency_id not in seen:
            seen.add(page.agency_id)
            pages.append(page)
    return render(request, "publicity/public/agencies.html", {"pages": pages})


class NotPublic(Http404):
    pass


def not_found(request, message="您查找的公示信息不存在或尚未公开。"):
    """The portal's own 404 page (its own front door, not the workbench's)."""
    return render(request, "publicity/public/not_found.html", {"message": message}, status=404)


def _approved(agency_id):
    if agency_id > MAX_DB_INT:  # no such row, and SQLite could not even be asked
        raise NotPublic("no approved page")
    page = (
        PortalPage.objects.filter(agency_id=agency_id, status=PageStatus.APPROVED)
        .order_by("-version")
        .first()
    )
    if page is None:
        raise NotPublic("no approved page")
    return page


@require_GET
def agency(request, agency_id):
    try:
        page = _approved(agency_id)
    except NotPublic:
        return not_found(request, "该机关尚无经机关负责人审定公开的内容。")
    history = list(
        PortalPage.objects.filter(agency_id=agency_id, status=PageStatus.APPROVED)
        .order_by("-version")
        .values("version", "approved_at", "changes")[:20]
    )
    sections = []
    from .portal import SECTION_ORDER

    for kind, _title in SECTION_ORDER:
        section = (page.content.get("sections") or {}).get(kind)
        if section:
            sections.append((kind, section))
    return render(
        request,
        "publicity/public/agency.html",
        {
            "page": page,
            "info": page.content.get("agency", {}),
            "sections": sections,
            "officers": page.content.get("officers", []),
            "flowcharts": page.content.get("flowcharts", {}),
            "history": history,
        },
    )


@require_GET
def flowchart(request, agency_id, act_type):
    page = _approved(agency_id)
    chart = (page.content.get("flowcharts") or {}).get(act_type)
    if not chart:
        raise Http404("no flowchart")
    response = HttpResponse(chart["svg"], content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# ------------------------------------------------------------------ credential check


@require_GET
def credential_search(request):
    number = (request.GET.get("number") or "").strip()
    if number:
        from django.shortcuts import redirect

        if "/" in number or len(number) > 64:
            # no certificate number has a slash or is this long, and neither fits the
            # certificate's URL: answer "not found" here instead of redirecting
            return render(
                request,
                "publicity/public/credential.html",
                {"number": number[:64], "cert": None},
                status=404,
            )
        return redirect("gs:credential", number=number)
    return render(request, "publicity/public/credential_search.html", {})


def _certificate(number):
    from sanxiang.org.models import Certificate

    return (
        Certificate.objects.filter(number=number)
        .select_related("officer", "agency", "officer__agency")
        .first()
    )


@require_GET
def credential(request, number):
    from sanxiang.org.services import certificate_public_status

    from .portal import _field_labels

    cert = _certificate(number)
    if cert is None:
        return render(
            request,
            "publicity/public/credential.html",
            {"number": number, "cert": None},
            status=404,
        )
    code, label = certificate_public_status(cert)
    info = {
        "name": cert.officer.name,
        "number": cert.number,
        "agency": cert.officer.agency.name,
        "fields": _field_labels(cert.fields),
        "region": cert.region,
        "issued_on": cert.issued_on,
        "expires_on": cert.expires_on,
        "status": code,
        "status_label": label,
    }
    return render(
        request,
        "publicity/public/credential.html",
        {"number": number, "cert": info, "valid": code == "valid"},
    )


@require_GET
def credential_qr(request, number):
    import io

    import segno

    url = request.build_absolute_uri(reverse("gs:credential", args=[number]))
    qr = segno.make(url, error="m")
    buf = io.BytesIO()
    qr.save(buf, kind="svg", scale=4, title=f"执法证 {number} 核验二维码")
    return HttpResponse(buf.getvalue(), content_type="image/svg+xml; charset=utf-8")


# ------------------------------------------------------------------ decisions


def _parse_date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(params) -> search.Filters:
    agency = params.get("agency") or ""
    return search.Filters(
        q=(params.get("q") or "").strip()[:100],
        agency=parse_id(agency),
        category=params.get("category") if params.get("category") in ActType.values else "",
        date_from=_parse_date(params.get("from")),
        date_to=_parse_date(params.get("to")),
        party=(params.get("party") or "").strip()[:100],
        usci=(params.get("usci") or "").strip()[:18],
        number=(params.get("number") or "").strip()[:80],
    )


SEARCH_CACHE_SECONDS = 300


def _search_cache_key(request) -> str:
    """Cached search pages are keyed by the publication generation (bumped by every
    publication, correction and withdrawal), today's date (a snapshot whose display period
    ends drops out at midnight) and the normalised query."""
    query = sorted((k, v) for k in request.GET for v in request.GET.getlist(k))
    digest = hashlib.sha256(repr(query).encode("utf-8")).hexdigest()
    return f"gs:search:{page_cache.search_generation()}:{clock.today().isoformat()}:{digest}"


@require_GET
def decisions(request):
    """The public search. Pages are cached (``SEARCH_CACHE_SECONDS``, at most five minutes)
    under a key that every change of published content renews, so a withdrawn decision is
    never served from the cache (issue #12: throughput under load)."""
    key = _search_cache_key(request)
    cached = cache.get(key)
    if cached is not None:
        return HttpResponse(cached, content_type="text/html; charset=utf-8")
    response = _decisions(request)
    if response.status_code == 200:
        cache.set(key, response.content, SEARCH_CACHE_SECONDS)
    return response


def _decisions(request):
    filters = _filters(request.GET)
    page_no = parse_page(request.GET.get("page"))
    result = search.search_page(filters, page=page_no, per_page=PER_PAGE)
    results, total = result.rows, result.total
    paginator = Paginator(range(total), PER_PAGE)
    page = Page(results, page_no, paginator)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "publicity/public/decisions.html",
        {
            "results": results,
            "total": total,
            "capped": result.capped,
            "ranked": result.ranked,
            "page": page,
            "num_pages": max(1, (total + PER_PAGE - 1) // PER_PAGE),
            "f": filters,
            "params": request.GET,
            "query": query.urlencode(),
            "agencies": _agencies_choices(),
            "categories": ActType.choices,
        },
    )


def _public_snapshot(publication_id):
    return (
        Snapshot.objects.filter(publication_id=publication_id)
        .exclude(
            state__in=[SnapshotState.PREVIEW, SnapshotState.SUPERSEDED, SnapshotState.DISCARDED]
        )
        .order_by("-version")
        .first()
    )


def _decision_response(request, snap, history):
    today = clock.today()
    gone = snap.state in (SnapshotState.EXPIRED, SnapshotState.REMOVED) or (
        snap.state == SnapshotState.PUBLISHED and snap.visible_until and snap.visible_until < today
    )
    context = {
        "snap": snap,
        "history": history,
        "gone": gone,
        "withdrawn": snap.state == SnapshotState.WITHDRAWN,
        "proof_url": (
            f"/api/ledger/proofs/inclusion/?index={snap.ledger_index}"
            if snap.ledger_index is not None
            else ""
        ),
    }
    status = 410 if gone else 200
    return render(request, "publicity/public/decision.html", context, status=status)


@require_GET
def decision(request, publication_id):
    """A decision page, cached by snapshot id + version (invalidated on any change)."""
    if publication_id > MAX_DB_INT:
        return not_found(request)
    pointer_key = f"{CACHE_PREFIX}{publication_id}"
    pointer = cache.get(pointer_key)
    if pointer is not None:
        cached = cache.get(f"{pointer_key}:{pointer}")
        if cached is not None:
            status, body = cached
            return HttpResponse(body, status=status)
    snap = _public_snapshot(publication_id)
    if snap is None:
        return not_found(request)
    history = list(
        Snapshot.objects.filter(publication_id=publication_id, state=SnapshotState.SUPERSEDED)
        .order_by("-version")
        .values("version", "published_at", "correction_note", "updated_at")
    )
    # the newest correction note belongs to the current version
    response = _decision_response(request, snap, history)
    timeout = PAGE_CACHE_SECONDS
    if snap.visible_until and snap.state == SnapshotState.PUBLISHED:
        end = dt.datetime.combine(
            snap.visible_until + dt.timedelta(days=1),
            dt.time.min,
            tzinfo=timezone.get_current_timezone(),
        )
        timeout = max(1, min(timeout, int((end - clock.now()).total_seconds())))
    version_key = f"{snap.pk}.{snap.version}.{snap.state}"
    cache.set(f"{pointer_key}:{version_key}", (response.status_code, response.content), timeout)
    cache.set(pointer_key, version_key, timeout)
    return response


@require_GET
def decision_version(request, publication_id, version):
    if max(publication_id, version) > MAX_DB_INT:
        return not_found(request)
    snap = get_object_or_404(
        Snapshot,
        publication_id=publication_id,
        version=version,
        state=SnapshotState.SUPERSEDED,
    )
    return render(
        request,
        "publicity/public/decision.html",
        {"snap": snap, "history": [], "superseded": True, "gone": False, "withdrawn": False},
    )


class DecisionFeed(Feed):
    feed_type = Atom1Feed
    title = "行政执法决定公示"
    subtitle = "新公示与撤下的行政执法决定"
    link = "/gs/jd/"

    def items(self):
        return Snapshot.objects.filter(
            state__in=[SnapshotState.PUBLISHED, SnapshotState.WITHDRAWN],
            published_at__isnull=False,
        ).order_by("-updated_at", "-id")[:100]

    def item_title(self, item):
        prefix = "【已撤下】" if item.state == SnapshotState.WITHDRAWN else ""
        return f"{prefix}{item.agency_name} {item.document_number or item.title}"

    def item_description(self, item):
        if item.state == SnapshotState.WITHDRAWN:
            return f"{item.withdrawn_on} 撤下：{item.get_withdrawal_kind_display()}。{item.withdrawal_reason}"
        return f"{item.get_category_display()} · {item.target_name} · {item.conclusion}"

    def item_link(self, item):
        return reverse("gs:decision", args=[item.publication_id])

    def item_guid(self, item):
        return f"urn:sanxiang:publication:{item.publication_id}:v{item.version}:{item.state}"

    item_guid_is_permalink = False

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.published_at


@require_GET
def export(request, layout, fmt):
    if layout not in exports.LAYOUTS or fmt not in ("csv", "xlsx"):
        raise Http404("unknown export")
    agency = request.GET.get("agency") or ""
    filters = {
        "agency": parse_id(agency),
        "date_from": _parse_date(request.GET.get("from")),
        "date_to": _parse_date(request.GET.get("to")),
    }
    name = "xingzhengchufa" if layout == "penalty" else "xingzhengxuke"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_stream(layout, **filters), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.xlsx_bytes(layout, **filters),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
def ledger(request):
    head, key = None, None
    try:
        from sanxiang.ledger.bundle import public_key_info
        from sanxiang.ledger.services import latest_head

        head = latest_head()
        key = public_key_info()
    except Exception:  # the ledger is optional for the portal (shown as unavailable)
        head, key = None, None
    checkpoint = None
    try:  # the latest witness-cosigned checkpoint (issue #16, sanxiang.witness)
        from sanxiang.witness.client import latest_cosigned

        checkpoint = latest_cosigned()
    except Exception:
        checkpoint = None
    return render(
        request,
        "publicity/public/ledger.html",
        {"head": head, "key": key, "checkpoint": checkpoint},
    )


# ------------------------------------------------------------------ annual reports


@require_GET
def reports(request):
    items = AnnualReport.objects.select_related("agency").order_by(
        "-year", "is_region", "agency_id"
    )
    return render(request, "publicity/public/reports.html", {"reports": items})


@require_GET
def report(request, report_id):
    from . import reports as rep

    item = get_object_or_404(AnnualReport, pk=report_id)
    return render(
        request, "publicity/public/report.html", {"report": item, "ctx": rep.display(item)}
    )


@require_GET
def report_chart(request, report_id, chart):
    from . import reports as rep

    item = get_object_or_404(AnnualReport, pk=report_id)
    svg = rep.chart_svg(item, chart)
    if svg is None:
        raise Http404("no chart")
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@require_GET
def report_pdf(request, report_id):
    import io

    from . import reports as rep

    item = get_object_or_404(AnnualReport, pk=report_id)
    pdf = rep.pdf_bytes(item)
    return FileResponse(
        io.BytesIO(pdf),
        content_type="application/pdf",
        filename=f"annual-report-{item.year}-{item.agency_id}.pdf",
    )


def render_decision_html(snap) -> str:
    """Used by the PDF/report code and tests: the decision body as HTML."""
    return render_to_string("publicity/public/_decision_body.html", {"snap": snap})


@require_GET
def seal_ca(request):
    from sanxiang.documents import seal

    response = HttpResponse(seal.ca_certificate_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="sanxiang-seal-ca.pem"'
    return response


@require_http_methods(["GET", "POST"])
def seal_check(request):
    """文书验签: upload an issued PDF, learn whether its agency seal is valid. Nothing
    uploaded is stored."""
    from sanxiang.core.errors import DomainError, ErrorCode
    from sanxiang.documents.services import SEAL_CHECK_MAX_BYTES, check_sealed_file

    ctx, status = {}, 200
    if request.method == "POST":
        upload = request.FILES.get("pdf")
        try:
            if upload is None:
                raise DomainError(_("请选择要核验的 PDF 文书文件。"), code=ErrorCode.BAD_FILE)
            # read at most one byte past the limit: a larger file is refused unread
            ctx.update(check_sealed_file(upload.read(SEAL_CHECK_MAX_BYTES + 1)))
            ctx["filename"] = upload.name
        except DomainError as exc:
            ctx["error"], status = exc.message, 400
    return render(request, "publicity/public/seal_check.html", ctx, status=status)
