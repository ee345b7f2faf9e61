"""Workbench pages: documents of a case, draft editing, preview, issuing, downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.scoping import scope

from . import services
from .forms import CorrectionForm, NewDocumentForm, content_form_class
from .kinds import DocumentKind, missing_elements
from .models import Document, DocumentCorrection, DocumentStatus


def _documents(user):
    return scope(
        Document.objects.select_related("agency", "case", "previous", "correction_of_this"), user
    )


def _document(request, pk):
    return get_object_or_404(_documents(request.user), pk=pk)


def _case(request, case_id):
    from sanxiang.cases.models import Case

    return get_object_or_404(scope(Case.objects.select_related("agency"), request.user), pk=case_id)


def file_response(data: bytes, filename: str, content_type: str, inline=False):
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download_name(doc, ext):
    base = doc.number or f"{doc.title}（草稿{doc.pk}）"
    return f"{doc.title}_{base}.{ext}" if doc.number else f"{base}.{ext}"


@login_required
def index(request):
    qs = _documents(request.user).order_by("-id")
    status = request.GET.get("status")
    kind = request.GET.get("kind")
    if status in DocumentStatus.values:
        qs = qs.filter(status=status)
    if kind in DocumentKind.values:
        qs = qs.filter(kind=kind)
    return render(
        request,
        "documents/index.html",
        {
            "documents": qs[:200],
            "kinds": DocumentKind.choices,
            "statuses": DocumentStatus.choices,
            "status": status,
            "kind": kind,
            "new_form": NewDocumentForm(),
        },
    )


@login_required
def case_documents(request, case_id):
    case = _case(request, case_id)
    if request.method == "POST":
        form = NewDocumentForm(request.POST)
        if form.is_valid():
            try:
                doc = services.create_draft(case, form.cleaned_data["kind"], {}, request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已根据案件信息生成文书草稿，请核对补充。"))
                return redirect("documents:detail", pk=doc.pk)
    else:
        form = NewDocumentForm()
    docs = _documents(request.user).filter(case=case).order_by("kind", "id")
    return render(
        request,
        "documents/case.html",
        {"case": case, "documents": docs, "new_form": form},
    )


@login_required
@require_POST
def new_document(request):
    """A document without a case (e.g. 其他文书) for the user's own agency."""
    form = NewDocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择文书种类。"))
        return redirect("documents:index")
    try:
        doc = services.create_draft(None, form.cleaned_data["kind"], {}, request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("documents:index")
    return redirect("documents:detail", pk=doc.pk)


@login_required
def detail(request, pk):
    doc = _document(request, pk)
    FormClass = content_form_class(doc.kind)
    if request.method == "POST":
        if not doc.is_draft:
            raise DomainError(_("文书已签发，不得修改。"), code=ErrorCode.IMMUTABLE)
        form = FormClass(request.POST)
        if form.is_valid():
            try:
                services.update_draft(doc, form.cleaned_data, request.user)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("草稿已保存。"))
                return redirect("documents:detail", pk=doc.pk)
    else:
        form = FormClass(initial=doc.content)
    context = {
        "doc": doc,
        "form": form,
        "missing": missing_elements(doc.kind, {**doc.content, "document_date": "x"})
        if doc.is_draft
        else [],
        "correction_form": CorrectionForm(),
        "correction_content_form": FormClass(initial=doc.content),
        "superseded_by": doc.superseded_by if doc.is_issued else None,
        "fixity_alerts": list(doc.fixity_alerts.order_by("-at")[:5]) if doc.is_issued else [],
        "main_decision": services.is_case_main_decision(doc),
        "chain": _chain(doc),
        "content_rows": [
            (f.label, doc.content.get(f.key, "")) for f in doc.spec.fields if doc.content.get(f.key)
        ],
    }
    return render(request, "documents/detail.html", context)


def _chain(doc):
    """Versions of a document, oldest first (following ``previous`` and corrections).

    Two queries whatever the chain's length (the case's documents and their corrections),
    walked in memory; a document outside a case has no corrections chain to load."""
    if doc.case_id is None and not doc.previous_id:
        return []
    if doc.case_id is None:
        family = Document.objects.filter(kind=doc.kind, case__isnull=True)
    else:
        family = Document.objects.filter(case_id=doc.case_id)
    docs = {d.pk: d for d in family.only("pk", "previous_id", "status", "number", "version")}
    docs[doc.pk] = doc
    replaced_by = dict(
        DocumentCorrection.objects.filter(original_id__in=list(docs)).values_list(
            "original_id", "correction_id"
        )
    )
    chain = [doc]
    cur = doc
    while cur.previous_id and cur.previous_id in docs:
        cur = docs[cur.previous_id]
        chain.insert(0, cur)
    cur = doc
    while cur.is_issued and replaced_by.get(cur.pk) in docs:
        cur = docs[replaced_by[cur.pk]]
        chain.append(cur)
    return chain if len(chain) > 1 else []


def refuse_main_decision(doc):
    """The case's main decision is issued when the head decides on the case page."""
    if services.is_case_main_decision(doc):
        raise DomainError(
            _(
                "%(t)s须由机关负责人在案件办理页面“作出决定”时签发"
                "（经法制审核等程序后，系统同时记录案件决定）。"
            )
            % {"t": doc.title},
            code=ErrorCode.ILLEGAL_TRANSITION,
        )


def _ask_issue(request, doc):
    """签发 is irreversible: confirm first (notifications.confirm)."""
    from django.urls import reverse

    from sanxiang.notifications.confirm import ask

    return ask(
        request,
        act=_("签发"),
        consequence=_(
            "将签发“%(t)s”：编配文号，生成正式文件%(seal)s并记入可信存证账本。"
            "签发后文书不能修改或删除，如有错误只能另行签发更正文书。"
        )
        % {"t": doc.title, "seal": _("、加盖电子签章") if doc.spec.sealed else ""},
        back_url=reverse("documents:detail", args=[doc.pk]),
    )


@login_required
@require_POST
def issue(request, pk):
    doc = _document(request, pk)
    try:
        refuse_main_decision(doc)
        page = _ask_issue(request, doc)
        if page is not None:
            return page
        doc = services.issue_document(doc, request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("文书已签发，文号：%(n)s。") % {"n": doc.number})
    return redirect("documents:detail", pk=pk)


@login_required
@require_POST
def discard(request, pk):
    doc = _document(request, pk)
    case_id = doc.case_id
    try:
        services.discard_draft(doc, request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("documents:detail", pk=pk)
    messages.success(request, _("草稿已删除。"))
    if case_id:
        return redirect("documents:case", case_id=case_id)
    return redirect("documents:index")


@login_required
@require_POST
def correct(request, pk):
    doc = _document(request, pk)
    form = CorrectionForm(request.POST)
    content_form = content_form_class(doc.kind)(request.POST)
    if not (form.is_valid() and content_form.is_valid()):
        messages.error(request, _("请填写更正理由和更正后的内容。"))
        return redirect("documents:detail", pk=pk)
    try:
        new = services.correct_document(
            doc, content_form.cleaned_data, form.cleaned_data["reason"], request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("documents:detail", pk=pk)
    messages.success(request, _("已签发更正文书，文号：%(n)s。") % {"n": new.number})
    return redirect("documents:detail", pk=new.pk)


@login_required
def preview_pdf(request, pk):
    doc = _document(request, pk)
    return file_response(
        services.render_pdf(doc, request.user),
        download_name(doc, "pdf"),
        "application/pdf",
        inline=True,
    )


@login_required
def download(request, pk, fmt):
    doc = _document(request, pk)
    if fmt == "pdf":
        data, ctype = services.render_pdf(doc, request.user), "application/pdf"
    elif fmt == "docx":
        data = services.render_docx(doc, request.user)
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404
    return file_response(data, download_name(doc, fmt), ctype)
