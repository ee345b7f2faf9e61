"""Workbench pages of 案卷评查: rounds, sampling, score sheets, rectification, summary.

Supervisors of the organising 司法局 run rounds; an enforcement agency sees only its own
sheets (read-only) and rectification notices, and answers them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.core.lists import Column, agency_name, filter_list
from sanxiang.org.models import Role
from sanxiang.org.scoping import scope

from . import checklist, services
from .forms import RectificationForm, ReportForm, ReturnForm, RoundForm, SheetForm
from .models import Rectification, RectificationStatus, Round, RoundStatus, Sheet


def _raise_if_permission(exc):
    if exc.code == ErrorCode.PERMISSION_DENIED:
        raise exc


def _round_for(user, pk):
    return get_object_or_404(scope(Round.objects.select_related("agency"), user), pk=pk)


def _sheet_for(user, pk):
    qs = Sheet.objects.select_related("round", "round__agency", "agency", "case")
    return get_object_or_404(scope(qs, user), pk=pk)


def _rect_for(user, pk):
    qs = Rectification.objects.select_related("sheet", "round", "round__agency", "agency")
    return get_object_or_404(scope(qs, user), pk=pk)


def _is_supervisor(user):
    return user.agency_id is not None and services.is_evaluator(user, user.agency)


def evaluation_panel(request):
    user = request.user
    if not user.is_authenticated or user.agency_id is None:
        return None
    if _is_supervisor(user):
        rounds = scope(Round.objects.exclude(status=RoundStatus.CONCLUDED), user)
        reported = scope(
            Rectification.objects.filter(status=RectificationStatus.REPORTED), user
        ).count()
        ctx = {"supervisor": True, "rounds": list(rounds.order_by("-id")[:5]), "reported": reported}
    elif user.role in services.REPORTER_ROLES:
        open_rects = scope(
            Rectification.objects.exclude(status=RectificationStatus.CLOSED), user
        ).select_related("sheet")
        ctx = {"rects": list(open_rects.order_by("deadline")[:5]), "today": clock.today()}
    else:
        return None
    return {"title": _("案卷评查"), "template": "evaluation/panel.html", "context": ctx}


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
    replay_ok = None
    if rnd.seed:
        try:
            replay_ok = services.replay_sample(rnd) == rnd.sample_result
        except DomainError:
            replay_ok = False
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
            "replay_ok": replay_ok,
            "grades": dict(checklist.GRADE_LABELS),
        },
    )


def _round_action(request, pk, action, success):
    rnd = _round_for(request.user, pk)
    try:
        action(rnd, request.user)
        messages.success(request, success)
    except DomainError as exc:
        _raise_if_permission(exc)
        messages.error(request, str(exc))
    return redirect("evaluation:round", pk=rnd.pk)


@login_required
@require_POST
def round_sample(request, pk):
    return _round_action(request, pk, services.sample, _("已随机抽取案卷，生成评分表。"))


@login_required
@require_POST
def round_conclude(request, pk):
    return _round_action(request, pk, services.conclude, _("评查批次已办结。"))


def _summary_of(rnd):
    return rnd.summary if rnd.status == RoundStatus.CONCLUDED else services.build_summary(rnd)


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
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{rnd.pk}-summary.csv"'
    return response


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
        if form.is_valid():
            try:
                services.submit_sheet(
                    sheet,
                    request.user,
                    deductions=form.deductions(),
                    comment=form.cleaned_data["comment"],
                )
                messages.success(request, _("评分表已提交。"))
                return redirect("evaluation:sheet", pk=sheet.pk)
            except DomainError as exc:
                _raise_if_permission(exc)
                form.add_error(None, str(exc))
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
            "facts": services.case_facts(sheet.case),
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
    form = RectificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写整改要求和整改期限（工作日）。"))
        return redirect("evaluation:sheet", pk=sheet.pk)
    try:
        rect = services.issue_rectification(sheet, request.user, **form.cleaned_data)
    except DomainError as exc:
        _raise_if_permission(exc)
        messages.error(request, str(exc))
        return redirect("evaluation:sheet", pk=sheet.pk)
    messages.success(request, _("整改通知已发出。"))
    return redirect("evaluation:rectification", pk=rect.pk)


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


def _rect_page(request, rect, report_form=None, return_form=None, status=200):
    user = request.user
    return render(
        request,
        "evaluation/rectification.html",
        {
            "rect": rect,
            "sheet": rect.sheet,
            "today": clock.today(),
            "overdue": rect.is_overdue(clock.today()),
            "can_report": services.can_report(user, rect),
            "can_decide": services.can_decide(user, rect),
            "can_return": services.can_return(rect),
            "report_form": report_form or ReportForm(),
            "return_form": return_form or ReturnForm(),
        },
        status=status,
    )


@login_required
def rectification_detail(request, pk):
    return _rect_page(request, _rect_for(request.user, pk))


@login_required
@require_POST
def rectification_act(request, pk, action):
    rect = _rect_for(request.user, pk)
    user = request.user
    try:
        if action == "report":
            form = ReportForm(request.POST)
            if not form.is_valid():
                return _rect_page(request, rect, report_form=form, status=400)
            services.submit_report(rect, user, report=form.cleaned_data["report"])
            messages.success(request, _("整改报告已报送。"))
        elif action == "accept":
            services.accept_report(rect, user)
            messages.success(request, _("整改已销号。"))
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                return _rect_page(request, rect, return_form=form, status=400)
            services.return_report(rect, user, reason=form.cleaned_data["reason"])
            messages.success(request, _("整改报告已退回。"))
        else:
            raise DomainError(_("未知操作。"), ErrorCode.NOT_FOUND)
    except DomainError as exc:
        _raise_if_permission(exc)
        messages.error(request, str(exc))
    return redirect("evaluation:rectification", pk=rect.pk)
