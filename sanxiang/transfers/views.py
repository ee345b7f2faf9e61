"""Workbench pages of 涉嫌犯罪案件移送: list, record, detail with the police's reply and after."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from sanxiang.appeals import pages
from sanxiang.core import clock
from sanxiang.core.lists import Column, agency_name, export_max_rows, filter_list
from sanxiang.org.models import Role
from sanxiang.org.scoping import scope

from . import services
from .forms import DateOnlyForm, ProcuratorateForm, ReplyForm, ReturnForm, TransferForm
from .models import PoliceTransfer, TransferStatus


def nav(request):
    return pages.nav_entry(request, _("移送公安"), "transfers:index")


TRANSFER_COLUMNS = [
    Column(_lazy("案件编号"), lambda r: r[0].case.number or r[0].case.title, 26),
    Column(_lazy("案由"), lambda r: r[0].case.title, 30),
    Column(_lazy("接受移送的公安机关"), lambda r: r[0].police_authority, 26),
    Column(_lazy("移送日期"), lambda r: r[0].transferred_on, 12),
    Column(_lazy("公安机关接受日期"), lambda r: r[0].received_on, 12),
    Column(_lazy("状态"), lambda r: r[0].get_status_display(), 12),
    Column(_lazy("期限提示"), lambda r: "；".join(str(f) for f in r[1]), 40),
    Column(_lazy("执法主体"), lambda r: agency_name(r[0].agency), 20),
]


@login_required
def index(request):
    """The list through the shared filters of ``core.lists`` (agency, status, 移送日期);
    ``?format=xlsx`` exports exactly the filtered rows."""
    user = request.user
    lf = filter_list(
        request,
        scope(PoliceTransfer.objects.select_related("case", "agency"), user),
        status_field="status",
        status_choices=TransferStatus.choices,
        date_field="transferred_on",
        date_label=_("移送日期"),
    )
    qs = lf.qs.order_by("-transferred_on", "-id")
    today = clock.today()
    if lf.wants_export:
        rows = ((t, services.flags(t, today)) for t in qs[: export_max_rows() + 1])
        return lf.export(
            TRANSFER_COLUMNS, rows, title=_("涉嫌犯罪案件移送"), filename="transfers.xlsx"
        )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    rows = [{"t": t, "flags": services.flags(t, today)} for t in page]
    return render(request, "transfers/index.html", {"rows": rows, "page": page, "lf": lf})


@login_required
def create(request, case_id):
    return pages.record_page(
        request,
        pages.case_for(request.user, case_id),
        TransferForm(request.POST or None),
        services.record_transfer,
        done=_("已登记移送。"),
        detail="transfers:detail",
        template="transfers/form.html",
    )


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
    qs = PoliceTransfer.objects.select_related(
        "case", "agency", "review_transfer", "approved_by", "recorded_by"
    )
    transfer = get_object_or_404(scope(qs, request.user), pk=pk)
    forms, done = pages.step_forms(request, transfer, ACTIONS, detail="transfers:detail")
    if done is not None:
        return done
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
