"""Workbench pages of 投诉举报: list with status filter and deadlines, detail with actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from sanxiang.cases.models import CaseSource
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import CaseActType
from sanxiang.core.lists import Column, agency_name, export_max_rows, filter_list

from . import services
from .forms import ConcludeForm, RejectForm, TransferForm
from .models import OPEN_STATUSES, ComplaintStatus


def _raise_if_permission(exc):
    if exc.code == ErrorCode.PERMISSION_DENIED:
        raise exc


def _complaint_for(user, pk):
    return get_object_or_404(services.visible_complaints(user), pk=pk)


def complaints_panel(request):
    user = request.user
    if not services.can_read(user) or user.agency_id is None:
        return None
    open_items = list(services.visible_complaints(user).filter(status__in=OPEN_STATUSES))
    deadlines = [services.deadline(c) for c in open_items]
    pending = sum(1 for c in open_items if c.status == ComplaintStatus.SUBMITTED)
    return {
        "title": _("投诉举报"),
        "template": "complaints/panel.html",
        "context": {
            "pending": pending,
            "open": len(open_items),
            "overdue": sum(1 for d in deadlines if d and d.overdue),
        },
    }


def _deadline_text(d):
    if d is None:
        return ""
    if d.due is None:
        return _("%(l)s待定") % {"l": d.label}
    text = _("%(l)s %(due)s") % {"l": d.label, "due": d.due.strftime("%Y-%m-%d")}
    if d.overdue:
        return text + _("（超期%(n)s个工作日）") % {"n": d.overdue_days}
    return text


# the complainant's name and phone are never exported
COMPLAINT_COLUMNS = [
    Column(_lazy("受理编号"), lambda row: row[0].number, 20),
    Column(_lazy("类别"), lambda row: row[0].get_kind_display()),
    Column(_lazy("承办机关"), lambda row: agency_name(row[0].agency), 20),
    Column(_lazy("被投诉举报机关"), lambda row: agency_name(row[0].original_agency), 20),
    Column(_lazy("提交时间"), lambda row: row[0].submitted_at, 18),
    Column(_lazy("状态"), lambda row: row[0].get_status_display()),
    Column(_lazy("期限"), lambda row: _deadline_text(row[1]), 32),
]


@login_required
def index(request):
    lf = filter_list(
        request,
        services.visible_complaints(request.user),
        status_field="status",
        status_choices=ComplaintStatus.choices,
        date_field="submitted_at",
        date_label=_("提交日期"),
        extra_params=("overdue",),
    )
    status = lf.status_value
    complaints = lf.qs.order_by("-submitted_at", "-id")
    limit = export_max_rows() + 1 if lf.wants_export else 500
    rows = [(c, services.deadline(c)) for c in complaints[:limit]]
    if request.GET.get("overdue") == "1":
        rows = [(c, d) for c, d in rows if d and d.overdue]
    if lf.wants_export:
        return lf.export(COMPLAINT_COLUMNS, rows, title=_("投诉举报"), filename="complaints.xlsx")
    return render(
        request,
        "complaints/index.html",
        {
            "rows": rows,
            "statuses": ComplaintStatus.choices,
            "status": status,
            "overdue_only": request.GET.get("overdue") == "1",
            "accept_days": services.ACCEPT_WORKDAYS,
            "conclude_days": services.CONCLUDE_WORKDAYS,
            "lf": lf,
        },
    )


def open_case_url(complaint, user):
    """转立案: the case form prefilled from the complaint (no complainant data)."""
    if complaint.status != ComplaintStatus.ACCEPTED or not services.can_handle(user, complaint):
        return None
    query = {
        "act_type": CaseActType.PENALTY_GENERAL,
        "title": _("投诉举报线索（%(n)s）") % {"n": complaint.number},
        "source": CaseSource.COMPLAINT,
        "source_detail": _("%(k)s，受理编号%(n)s")
        % {"k": complaint.get_kind_display(), "n": complaint.number},
        "facts": complaint.content,
    }
    return reverse("cases:new") + "?" + urlencode(query)


def _history(complaint):
    """办理记录, each entry with the account of its actor (``user``) where the entry names
    it (``actor_id``), so the page reads 「姓名（角色，账号 x）」 (notifications' ``who``);
    entries naming no account keep the name recorded then. One query."""
    from sanxiang.org.models import User

    rows = [h for h in (complaint.history or []) if isinstance(h, dict)]
    ids = {h["actor_id"] for h in rows if isinstance(h.get("actor_id"), int)}
    users = User.objects.in_bulk(ids) if ids else {}
    return [{**h, "user": users.get(h.get("actor_id"))} for h in rows]


def _detail(request, complaint, forms=None, status=200):
    user = request.user
    forms = forms or {}
    can_handle = services.can_handle(user, complaint)
    can_transfer = complaint.is_open and services.can_transfer(user, complaint)
    return render(
        request,
        "complaints/detail.html",
        {
            "c": complaint,
            "history": _history(complaint),
            "deadline": services.deadline(complaint),
            "can_decide": can_handle and complaint.status == ComplaintStatus.SUBMITTED,
            "can_conclude": can_handle and complaint.status == ComplaintStatus.ACCEPTED,
            "can_transfer": can_transfer,
            "head_only": complaint.is_open and services.head_only(complaint),
            "reject_form": forms.get("reject") or RejectForm(),
            "conclude_form": forms.get("conclude") or ConcludeForm(),
            "transfer_form": forms.get("transfer") or TransferForm(complaint=complaint),
            "open_case_url": open_case_url(complaint, user),
            "errors": [e for form in forms.values() for e in form.non_field_errors()],
        },
        status=status,
    )


@login_required
def detail(request, pk):
    return _detail(request, _complaint_for(request.user, pk))


@login_required
def attachment(request, pk, attachment_pk):
    """An attachment, to those who may read the complaint (never on the public site)."""
    from django.http import FileResponse

    from . import attachments

    complaint = _complaint_for(request.user, pk)
    item = get_object_or_404(complaint.attachments, pk=attachment_pk)
    response = FileResponse(
        attachments.open_stored(item),
        content_type=item.content_type,
        as_attachment=item.content_type == "application/pdf",
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def accept(request, pk):
    complaint = _complaint_for(request.user, pk)
    services.accept(complaint, request.user)
    messages.success(request, _("已受理。"))
    return redirect("complaints:detail", pk=pk)


def _form_action(request, pk, form_class, key, run, done):
    complaint = _complaint_for(request.user, pk)
    kwargs = {"complaint": complaint} if form_class is TransferForm else {}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            run(complaint, form.cleaned_data)
            messages.success(request, done)
            return redirect("complaints:detail", pk=pk)
        except DomainError as exc:
            _raise_if_permission(exc)
            form.add_error(None, str(exc))
    return _detail(request, complaint, {key: form}, status=400)


@login_required
@require_POST
def reject(request, pk):
    return _form_action(
        request,
        pk,
        RejectForm,
        "reject",
        lambda c, d: services.reject(c, request.user, d["reason"]),
        _("已决定不予受理。"),
    )


@login_required
@require_POST
def transfer(request, pk):
    return _form_action(
        request,
        pk,
        TransferForm,
        "transfer",
        lambda c, d: services.transfer(c, request.user, d["to_agency"], d["reason"]),
        _("已转办。"),
    )


@login_required
@require_POST
def conclude(request, pk):
    return _form_action(
        request,
        pk,
        ConcludeForm,
        "conclude",
        lambda c, d: services.conclude(c, request.user, result=d["result"], reply=d["reply"]),
        _("已办结，答复已可供投诉举报人查询。"),
    )
