"""Workbench pages of 案卷评查: rounds, sampling, score sheets, rectification, summary.

Supervisors of the organising 司法局 run rounds; an enforcement agency sees only its own
sheets (read-only) and rectification notices, and answers them.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.core.lists import Column, agency_name, filter_list
from sanxiang.org.models import Role
from sanxiang.org.scoping import scope

from . import checklist, services
from .forms import RectificationForm, RoundForm, SheetForm
from .models import Rectification, Round, RoundStatus, Sheet
from .shared import views as shared
from .shared.views import raise_if_permission as _raise_if_permission


def _round_for(user, pk):
    return shared.scoped_get(user, Round.objects.select_related("agency", "sampled_by"), pk)


def _sheet_for(user, pk):
    qs = Sheet.objects.select_related("round", "round__agency", "agency", "case", "evaluator")
    return shared.scoped_get(user, qs, pk)


def _rect_for(user, pk):
    qs = Rectification.objects.select_related(
        "sheet", "round", "round__agency", "agency", "issued_by", "reported_by", "closed_by"
    )
    return shared.scoped_get(user, qs, pk)


def _is_supervisor(user):
    return user.agency_id is not None and services.is_evaluator(user, user.agency)


def evaluation_panel(request):
    return shared.panel(request, services.SCHEME, "rects", "sheet")


@login_required
def index(request):
    user = request.user
    if not _is_supervisor(user):
        return redirect("evaluation:rectifications")
    lf = filter_list(
        request,
        scope(Round.objects.select_related("agency"), user),
        status_field="status",
        status_choices=RoundStatus.choices,
        date_field="period_end",
        date_label=_("结案期间截止"),
    )
    rounds = lf.qs.order_by("-period_end", "-id")
    if lf.wants_export:
        return lf.export(
            ROUND_COLUMNS, rounds, title=_("案卷评查批次"), filename="evaluation-rounds.xlsx"
        )
    return render(request, "evaluation/index.html", {"rounds": rounds, "lf": lf})


ROUND_COLUMNS = [
    Column(_lazy("名称"), lambda r: r.title, 32),
    Column(_lazy("组织机关"), lambda r: agency_name(r.agency), 20),
    Column(_lazy("结案期间自"), lambda r: r.period_start),
    Column(_lazy("结案期间至"), lambda r: r.period_end),
    Column(_lazy("抽取比例（%）"), lambda r: r.ratio),
    Column(_lazy("状态"), lambda r: r.get_status_display()),
]


@login_required
def round_create(request):
    user = request.user
    if user.agency is None:
        raise PermissionDenied(_("请使用司法行政部门的账号创建评查批次。"))
    services.require_evaluator(user, user.agency)
    agencies = services.evaluable_agencies(user.agency)
    if request.method == "POST":
        form = RoundForm(request.POST, agencies=agencies)
        if form.is_valid():
            try:
                rnd = services.create_round(user.agency, user, **form.cleaned_data)
                messages.success(request, _("评查批次已创建。"))
                return redirect("evaluation:round", pk=rnd.pk)
            except DomainError as exc:
                _raise_if_permission(exc)
                form.add_error(None, str(exc))
    else:
        form = RoundForm(agencies=agencies, initial={"agencies": list(agencies)})
    status = 400 if request.method == "POST" else 200
    return render(request, "evaluation/round_form.html", {"form": form}, status=status)


@login_required
def round_detail(request, pk):
    rnd = _round_for(request.user, pk)
    sheets = list(rnd.sheets.select_related("agency", "rectification").order_by("order"))
    can_act = services.is_evaluator(request.user, rnd.agency)
    return render(
        request,
        "evaluation/round_detail.html",
        {
            "round": rnd,
            "agencies": rnd.agencies.order_by("path"),
            "eligible": services.eligible_cases(rnd).count() if not rnd.seed else None,
            "sheets": sheets,
            "done": sum(1 for s in sheets if s.submitted_at),
            "can_act": can_act,
            "replay_ok": shared.replay_ok(rnd, services.replay_sample),
            "grades": dict(checklist.GRADE_LABELS),
        },
    )


round_sample = shared.round_action_view(
    _round_for, services.sample, _lazy("已随机抽取案卷，生成评分表。"), "evaluation:round"
)
round_conclude = shared.round_action_view(
    _round_for, services.conclude, _lazy("评查批次已办结。"), "evaluation:round"
)


def _summary_of(rnd):
    return shared.summary_of(rnd, services.build_summary)


@login_required
def round_summary(request, pk):
    rnd = _round_for(request.user, pk)
    summary = _summary_of(rnd)
    return render(
        request,
        "evaluation/summary.html",
        {
            "round": rnd,
            "summary": summary,
            "grades": checklist.GRADES,
            "rows": [
                (row, [row["grades"].get(code, 0) for code, _l, _m in checklist.GRADES])
                for row in summary.get("agencies", [])
            ],
        },
    )


@login_required
def round_summary_csv(request, pk):
    rnd = _round_for(request.user, pk)
    body = services.summary_csv(_summary_of(rnd))
    return shared.summary_csv_response(body, f"evaluation-{rnd.pk}-summary.csv")


def _ask_submit(request, sheet):
    """提交评分 is irreversible: confirm first (notifications.confirm)."""
    from django.urls import reverse

    from sanxiang.notifications.confirm import ask

    return ask(
        request,
        act=_("提交评分"),
        consequence=_(
            "将提交本案卷的评查评分表，得分与扣分理由随即生效并记入可信存证账本；提交后不能更改。"
        ),
        back_url=reverse("evaluation:sheet", args=[sheet.pk]),
    )


def _facts(case):
    """The case file's facts for the sheet, its issued documents named by their number or
    else their kind in words (「行政处罚决定书」, never the code ``penalty_decision``)."""
    from sanxiang.documents.kinds import DocumentKind

    facts = services.case_facts(case)
    labels = dict(DocumentKind.choices)
    facts["documents"] = [
        (number, str(labels.get(kind, kind))) for number, kind in facts["documents"]
    ]
    return facts


@login_required
def sheet_detail(request, pk):
    sheet = _sheet_for(request.user, pk)
    rnd = sheet.round
    can_score = not sheet.submitted_at and services.is_evaluator(request.user, rnd.agency)
    form = SheetForm(version=rnd.checklist_version)
    status = 200
    if request.method == "POST":
        services.require_evaluator(request.user, rnd.agency)
        form = SheetForm(request.POST, version=rnd.checklist_version)
        if form.is_valid() and (page := _ask_submit(request, sheet)):
            return page
        submit = partial(services.submit_sheet, sheet, request.user)
        if shared.submit_score(
            request, form, lambda d, c: submit(deductions=d, comment=c), _("评分表已提交。")
        ):
            return redirect("evaluation:sheet", pk=sheet.pk)
        status = 400
    items = [
        (item, sheet.deductions.get(item.code, {}))
        for item in checklist.items(rnd.checklist_version)
    ]
    rect = Rectification.objects.filter(sheet=sheet).first()
    return render(
        request,
        "evaluation/sheet.html",
        {
            "sheet": sheet,
            "round": rnd,
            "facts": _facts(sheet.case),
            "form": form,
            "can_score": can_score,
            "items": items,
            "grade_label": checklist.GRADE_LABELS.get(sheet.grade, ""),
            "rect": rect,
            "can_rectify": services.can_issue_rectification(request.user, sheet, rect),
            "suggest_rectify": services.needs_rectification(sheet),
            "rect_form": RectificationForm(),
            "is_supervisor": request.user.role == Role.SUPERVISOR,
        },
        status=status,
    )


@login_required
@require_POST
def sheet_rectify(request, pk):
    sheet = _sheet_for(request.user, pk)
    services.require_evaluator(request.user, sheet.round.agency)
    return shared.issue_notice(
        request,
        partial(services.issue_rectification, sheet, request.user),
        redirect("evaluation:sheet", pk=sheet.pk),
        "evaluation:rectification",
    )


@login_required
def rectifications(request):
    rects = scope(
        Rectification.objects.select_related("sheet", "agency", "round"), request.user
    ).order_by("status", "deadline")
    return render(
        request,
        "evaluation/rectifications.html",
        {
            "rects": rects,
            "today": clock.today(),
            "is_supervisor": _is_supervisor(request.user),
        },
    )


NOTICE_PAGES = shared.NoticePages(
    scheme=services.SCHEME,
    services=services,
    template="evaluation/rectification.html",
    url_name="evaluation:rectification",
    name="rect",
    context=lambda request, rect: {
        "sheet": rect.sheet,
        "act_url": "evaluation:rect_act",
    },
)


@login_required
def rectification_detail(request, pk):
    return NOTICE_PAGES.page(request, _rect_for(request.user, pk))


@login_required
@require_POST
def rectification_act(request, pk, action):
    return NOTICE_PAGES.act(request, _rect_for(request.user, pk), action)
