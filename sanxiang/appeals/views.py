"""Workbench pages of 行政复议 / 行政诉讼: list with figures, record, detail with its steps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.core.lists import Column, agency_name, export_max_rows, filter_list
from sanxiang.org.models import AgencyKind, Role
from sanxiang.org.scoping import scope, visible_agencies

from . import pages, services, storage
from .forms import AcceptForm, AppealForm, ExtendForm, OutcomeForm
from .models import Appeal, AppealDocument, AppealKind, AppealStatus, Outcome
from .trends import GROUPS

# ``?outcome=corrected`` (every 被纠错 outcome) or ``other``: the dashboard's groups
OUTCOME_GROUPS = {g: (label, members) for g, label, members in GROUPS if g not in Outcome.values}


def _appeal_for(user, pk):
    qs = Appeal.objects.select_related("case", "agency", "prior", "recorded_by")
    return get_object_or_404(scope(qs, user), pk=pk)


def nav(request):
    return pages.nav_entry(request, _("复议诉讼"), "appeals:index")


def _year(request):
    try:
        return services.figures_year(request.GET.get("year"))
    except DomainError:  # the page shows this year instead of refusing
        return clock.today().year


APPEAL_COLUMNS = [
    # the applicant / plaintiff (often a natural person) is not exported
    Column(_lazy("案件编号"), lambda r: r[0].case.number or r[0].case.title, 26),
    Column(_lazy("类别"), lambda r: r[0].get_kind_display(), 10),
    Column(_lazy("复议机关/人民法院"), lambda r: r[0].body, 26),
    Column(_lazy("案号"), lambda r: r[0].reference, 22),
    Column(_lazy("申请/起诉日期"), lambda r: r[0].applied_on, 12),
    Column(_lazy("受理/立案日期"), lambda r: r[0].accepted_on, 12),
    Column(_lazy("状态"), lambda r: r[0].get_status_display(), 10),
    Column(_lazy("结果"), lambda r: r[0].get_outcome_display() if r[0].outcome else "", 14),
    Column(_lazy("决定/裁判日期"), lambda r: r[0].decided_on, 12),
    Column(_lazy("被纠错"), lambda r: _("是") if r[0].corrected else "", 8),
    Column(_lazy("期限提示"), lambda r: "；".join(str(f) for f in r[1]), 40),
    Column(_lazy("执法主体"), lambda r: agency_name(r[0].agency), 20),
]


@login_required
def index(request):
    """The figures of the year and the list: shared filters of ``core.lists`` (agency,
    status, 申请/起诉 or 决定/裁判 date) plus kind and outcome; ``?format=xlsx`` exports
    exactly the filtered rows."""
    user = request.user
    lf = filter_list(
        request,
        scope(Appeal.objects.select_related("case", "agency"), user),
        status_field="status",
        status_choices=AppealStatus.choices,
        date_field="applied_on",
        date_label=_("申请/起诉日期"),
        date_fields=(("decided", "decided_on", _("决定/裁判日期")),),
        extra_params=("kind", "outcome", "year"),
    )
    qs = lf.qs
    kind = request.GET.get("kind") or ""
    outcome = request.GET.get("outcome") or ""
    if kind in AppealKind.values:
        qs = qs.filter(kind=kind)
    if outcome in Outcome.values:
        qs = qs.filter(outcome=outcome)
    elif outcome in OUTCOME_GROUPS:  # the dashboard's groups (被纠错 …)
        qs = qs.filter(outcome__in=OUTCOME_GROUPS[outcome][1])
    qs = qs.order_by("-applied_on", "-id")
    today = clock.today()
    if lf.wants_export:
        rows = ((a, services.flags(a, today)) for a in qs[: export_max_rows() + 1])
        return lf.export(
            APPEAL_COLUMNS, rows, title=_("行政复议与行政诉讼"), filename="appeals.xlsx"
        )
    agencies = visible_agencies(user).exclude(kind=AgencyKind.SUPERVISOR).order_by("path")
    year = _year(request)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    rows = [{"a": a, "flags": services.flags(a, today)} for a in page]
    return render(
        request,
        "appeals/index.html",
        {
            "rows": rows,
            "page": page,
            "lf": lf,
            "figures": services.appeal_figures(agencies, year),
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "kinds": AppealKind.choices,
            "outcomes": [
                *Outcome.choices,
                *((g, label) for g, (label, _m) in OUTCOME_GROUPS.items()),
            ],
            "f": {"kind": kind, "outcome": outcome},
        },
    )


@login_required
def create(request, case_id):
    case = pages.case_for(request.user, case_id)
    priors = Appeal.objects.filter(case=case, kind=AppealKind.RECONSIDERATION)
    return pages.record_page(
        request,
        case,
        AppealForm(request.POST or None, priors=priors),
        services.record_appeal,
        done=_("已登记。"),
        detail="appeals:detail",
        template="appeals/form.html",
    )


ACTIONS = {
    "accept": (AcceptForm, lambda a, u, d: services.accept(a, u, **d)),
    "extend": (ExtendForm, lambda a, u, d: services.extend(a, u, **d)),
    "outcome": (
        OutcomeForm,
        lambda a, u, d: services.record_outcome(
            a,
            u,
            outcome=d["outcome"],
            decided_on=d["decided_on"],
            note=d["note"],
            redo_ordered=d["redo_ordered"],
            changed_conclusion=d["changed_conclusion"],
            document=(d["document"].name, d["document"].read()),
        ),
    ),
}


@login_required
def detail(request, pk):
    appeal = _appeal_for(request.user, pk)
    forms, done = pages.step_forms(request, appeal, ACTIONS, detail="appeals:detail")
    if done is not None:
        return done
    user = request.user
    may_act = user.agency_id == appeal.agency_id and user.role in services.RECORDER_ROLES
    return render(
        request,
        "appeals/detail.html",
        {
            "appeal": appeal,
            "forms": forms,
            "flags": services.flags(appeal),
            "documents": appeal.documents.select_related("uploaded_by"),
            "may_act": may_act,
            "is_head": user.role == Role.HEAD,
            "litigations": appeal.litigations.all(),
        },
    )


@login_required
def document(request, pk, doc_id):
    appeal = _appeal_for(request.user, pk)
    doc = get_object_or_404(AppealDocument, pk=doc_id, appeal=appeal)
    return FileResponse(
        storage.open_stored(doc.storage_key),
        content_type=doc.content_type,
        as_attachment=True,
        filename=doc.name,
    )


def panel(request):
    """Workbench panel: open 复议/诉讼 and 移送 with their time-limit findings."""
    from sanxiang.transfers import services as transfers
    from sanxiang.transfers.models import PoliceTransfer, TransferStatus

    user = request.user
    if not pages.may_see(user):
        return None
    today = clock.today()
    appeals = scope(
        Appeal.objects.exclude(status=AppealStatus.DECIDED).select_related("case", "agency"), user
    ).order_by("applied_on")
    open_t = scope(
        PoliceTransfer.objects.exclude(
            status__in=[TransferStatus.HANDED_OVER, TransferStatus.RETURNED]
        ).select_related("case", "agency"),
        user,
    ).order_by("transferred_on")
    a_rows = [{"a": a, "flags": services.flags(a, today)} for a in appeals[:50]]
    t_rows = [{"t": t, "flags": transfers.flags(t, today)} for t in open_t[:50]]
    if not a_rows and not t_rows:
        return None
    return {
        "title": _("复议诉讼与移送"),
        "template": "appeals/panel.html",
        "context": {
            "appeals": [r for r in a_rows if r["flags"]][:5],
            "appeal_count": len(a_rows),
            "transfers": [r for r in t_rows if r["flags"]][:5],
            "transfer_count": len(t_rows),
        },
    }
