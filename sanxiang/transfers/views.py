"""Workbench pages of 涉嫌犯罪案件移送: list, record, detail with the police's reply and after."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.models import AgencyKind, Role
from sanxiang.org.scoping import scope, visible_agencies

from . import services
from .forms import DateOnlyForm, ProcuratorateForm, ReplyForm, ReturnForm, TransferForm
from .models import PoliceTransfer, TransferStatus


def _raise_if_permission(exc):
    if exc.code == ErrorCode.PERMISSION_DENIED:
        raise exc


def nav(request):
    user = request.user
    if not user.is_authenticated or user.agency_id is None:
        return []
    if user.role not in (Role.SUPERVISOR, Role.HANDLER, Role.REVIEWER, Role.HEAD):
        return []
    return [(str(_("移送公安")), reverse("transfers:index"))]


@login_required
def index(request):
    user = request.user
    qs = scope(PoliceTransfer.objects.select_related("case", "agency"), user)
    status = request.GET.get("status") or ""
    agency = request.GET.get("agency") or ""
    if status in TransferStatus.values:
        qs = qs.filter(status=status)
    if agency.isdigit():
        qs = qs.filter(agency_id=int(agency))
    today = clock.today()
    rows = [{"t": t, "flags": services.flags(t, today)} for t in qs[:300]]
    agencies = visible_agencies(user).exclude(kind=AgencyKind.SUPERVISOR).order_by("path")
    return render(
        request,
        "transfers/index.html",
        {
            "rows": rows,
            "agencies": agencies,
            "statuses": TransferStatus.choices,
            "f": {"status": status, "agency": agency},
        },
    )


@login_required
def create(request, case_id):
    from sanxiang.cases.models import Case

    case = get_object_or_404(scope(Case.objects.select_related("agency"), request.user), pk=case_id)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            t = services.record_transfer(case, request.user, **form.cleaned_data)
        except DomainError as exc:
            _raise_if_permission(exc)
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记移送。"))
            return redirect("transfers:detail", t.pk)
    return render(request, "transfers/form.html", {"form": form, "case": case})


ACTIONS = {
    "reply": (ReplyForm, lambda t, u, d: services.record_reply(t, u, **d)),
    "reconsider": (
        DateOnlyForm,
        lambda t, u, d: services.request_reconsideration(t, u, requested_on=d["on"]),
    ),
    "reconsidered": (ReplyForm, lambda t, u, d: services.record_reconsideration(t, u, **d)),
    "procuratorate": (
        ProcuratorateForm,
        lambda t, u, d: services.suggest_procuratorate(t, u, suggested_on=d["on"], note=d["note"]),
    ),
    "handover": (DateOnlyForm, lambda t, u, d: services.hand_over(t, u, handed_over_on=d["on"])),
    "return": (
        ReturnForm,
        lambda t, u, d: services.return_case(t, u, returned_on=d["on"], note=d["note"]),
    ),
}


@login_required
def detail(request, pk):
    qs = PoliceTransfer.objects.select_related("case", "agency", "review_transfer")
    transfer = get_object_or_404(scope(qs, request.user), pk=pk)
    forms = {name: cls(prefix=name) for name, (cls, _fn) in ACTIONS.items()}
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ACTIONS:
            return redirect("transfers:detail", pk)
        cls, fn = ACTIONS[action]
        form = cls(request.POST, prefix=action)
        forms[action] = form
        if form.is_valid():
            try:
                fn(transfer, request.user, form.cleaned_data)
            except DomainError as exc:
                _raise_if_permission(exc)
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存。"))
                return redirect("transfers:detail", pk)
    user = request.user
    return render(
        request,
        "transfers/detail.html",
        {
            "t": transfer,
            "forms": forms,
            "flags": services.flags(transfer),
            "may_act": user.agency_id == transfer.agency_id
            and user.role in services.RECORDER_ROLES,
            "is_head": user.role == Role.HEAD,
            "procuratorate_deadline": services.procuratorate_deadline(transfer),
        },
    )
