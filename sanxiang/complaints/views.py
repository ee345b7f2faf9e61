"""Workbench pages of 投诉举报: list with status filter and deadlines, detail with actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.cases.models import CaseSource
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import CaseActType

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


@login_required
def index(request):
    complaints = services.visible_complaints(request.user)
    status = request.GET.get("status")
    if status in ComplaintStatus.values:
        complaints = complaints.filter(status=status)
    rows = [(c, services.deadline(c)) for c in complaints.order_by("-submitted_at", "-id")[:500]]
    if request.GET.get("overdue") == "1":
        rows = [(c, d) for c, d in rows if d and d.overdue]
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
