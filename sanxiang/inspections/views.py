"""Workbench pages of 双随机、一公开: plans, draw, tasks and results, the target register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from sanxiang.cases.models import CaseSource
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import CaseActType, PartyType
from sanxiang.core.lists import Column, agency_name, filter_list
from sanxiang.org.models import Officer, Role
from sanxiang.org.scoping import scope

from . import services
from .forms import PlanForm, ResultForm, TargetForm
from .models import Plan, PlanStatus, RiskClass, Target, Task, TaskResult


def _raise_if_permission(exc):
    if exc.code == ErrorCode.PERMISSION_DENIED:
        raise exc


def _plan_for(user, pk):
    qs = Plan.objects.select_related("agency", "item", "drawn_by")
    return get_object_or_404(scope(qs, user), pk=pk)


def _own_agency(user):
    """The agency whose register and plans the user keeps (None for supervisors/admin)."""
    agency = user.agency
    if agency is None or not services.can_manage(user, agency):
        return None
    return agency


def inspections_panel(request):
    user = request.user
    if not user.is_authenticated or user.agency_id is None:
        return None
    if user.role in (Role.REVIEWER, Role.SUPERVISOR):
        return None
    open_tasks = scope(Task.objects.filter(result=""), user)
    if user.role != Role.HEAD:
        open_tasks = open_tasks.filter(officers__user=user)
    tasks = list(open_tasks.select_related("plan").order_by("plan_id", "order")[:5])
    drafts = scope(Plan.objects.filter(status=PlanStatus.DRAFT), user).count()
    return {
        "title": _("双随机抽查"),
        "template": "inspections/panel.html",
        "context": {"tasks": tasks, "drafts": drafts},
    }


PLAN_COLUMNS = [
    Column(_lazy("计划名称"), lambda p: p.title, 32),
    Column(_lazy("机关"), lambda p: agency_name(p.agency), 20),
    Column(_lazy("抽查事项"), lambda p: p.item.name if p.item_id else "", 28),
    Column(_lazy("开始日期"), lambda p: p.start_date),
    Column(_lazy("结束日期"), lambda p: p.end_date),
    Column(_lazy("状态"), lambda p: p.get_status_display()),
    Column(_lazy("公示时间"), lambda p: p.published_at, 18),
]


@login_required
def index(request):
    lf = filter_list(
        request,
        scope(Plan.objects.select_related("agency", "item"), request.user),
        status_field="status",
        status_choices=PlanStatus.choices,
        date_field="start_date",
        date_label=_("抽查开始日期"),
    )
    plans = lf.qs
    status = lf.status_value
    if lf.wants_export:
        return lf.export(
            PLAN_COLUMNS,
            plans.order_by("-start_date", "-id"),
            title=_("双随机抽查计划"),
            filename="inspection-plans.xlsx",
        )
    mine = scope(Task.objects.filter(result=""), request.user).filter(officers__user=request.user)
    return render(
        request,
        "inspections/index.html",
        {
            "plans": plans.order_by("-start_date", "-id"),
            "statuses": PlanStatus.choices,
            "status": status,
            "my_tasks": mine.select_related("plan").order_by("plan_id", "order"),
            "agency": _own_agency(request.user),
            "lf": lf,
        },
    )


def _plan_form_page(request, agency, plan=None):
    items = services.inspection_items(agency)
    if request.method == "POST":
        form = PlanForm(request.POST, items=items)
        if form.is_valid():
            try:
                if plan is None:
                    plan = services.create_plan(agency, request.user, **form.cleaned_data)
                    messages.success(request, _("抽查计划已创建。"))
                else:
                    services.update_plan(plan, request.user, **form.cleaned_data)
                    messages.success(request, _("抽查计划已保存。"))
                return redirect("inspections:plan", pk=plan.pk)
            except DomainError as exc:
                _raise_if_permission(exc)
                form.add_error(None, str(exc))
    elif plan is not None:
        initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
        form = PlanForm(initial=initial, items=items)
    else:
        form = PlanForm(items=items)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "inspections/plan_form.html",
        {"form": form, "plan": plan, "agency": agency, "has_items": items.exists()},
        status=status,
    )


@login_required
def plan_create(request):
    agency = request.user.agency
    if agency is None:
        raise DomainError(_("请使用执法机关的账号创建抽查计划。"), ErrorCode.PERMISSION_DENIED)
    services.require_manage(request.user, agency)
    return _plan_form_page(request, agency)


@login_required
def plan_edit(request, pk):
    plan = _plan_for(request.user, pk)
    services.require_manage(request.user, plan.agency)
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, _("抽查计划已摇号，不能再修改。"))
        return redirect("inspections:plan", pk=plan.pk)
    return _plan_form_page(request, plan.agency, plan)


@login_required
def plan_detail(request, pk):
    plan = _plan_for(request.user, pk)
    tasks = list(plan.tasks.prefetch_related("officers__user").order_by("order"))
    inspectors = services.certified_officers(plan.agency)
    replay_ok = None
    if plan.seed:
        try:
            replay_ok = services.replay_draw(plan) == plan.draw_result
        except DomainError:
            replay_ok = False
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "tasks": tasks,
            "done": sum(1 for t in tasks if t.result),
            "inspectors": inspectors,
            "active_targets": Target.objects.filter(agency=plan.agency, is_active=True).count(),
            "can_manage": services.can_manage(request.user, plan.agency),
            "can_publish": services.can_publish(request.user, plan.agency),
            "replay_ok": replay_ok,
            "publication": services.publication_of(plan),
        },
    )


def _plan_action(request, pk, action, success):
    plan = _plan_for(request.user, pk)
    try:
        action(plan, request.user)
        messages.success(request, success)
    except DomainError as exc:
        _raise_if_permission(exc)
        messages.error(request, str(exc))
    return redirect("inspections:plan", pk=plan.pk)


@login_required
@require_POST
def plan_draw(request, pk):
    return _plan_action(request, pk, services.draw, _("摇号完成，已生成检查任务。"))


@login_required
@require_POST
def plan_complete(request, pk):
    return _plan_action(request, pk, services.complete_plan, _("抽查计划已办结。"))


@login_required
@require_POST
def plan_publish(request, pk):
    return _plan_action(request, pk, services.publish_plan, _("抽查结果已在公示平台公开。"))


@login_required
def task_detail(request, pk):
    task = get_object_or_404(
        scope(
            Task.objects.select_related("plan", "plan__item", "agency", "recorded_by"),
            request.user,
        ),
        pk=pk,
    )
    can_record = not task.result and services.can_record(request.user, task)
    form = ResultForm()
    status = 200
    if request.method == "POST":
        form = ResultForm(request.POST)
        if form.is_valid():
            try:
                services.record_result(
                    task,
                    request.user,
                    result=form.cleaned_data["result"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("检查结果已记录。"))
                return redirect("inspections:plan", pk=task.plan_id)
            except DomainError as exc:
                _raise_if_permission(exc)
                form.add_error(None, str(exc))
        status = 400
    return render(
        request,
        "inspections/task.html",
        {
            "task": task,
            "officers": task.officers.select_related("user"),
            "form": form,
            "can_record": can_record,
            "open_case_url": _open_case_url(task, request.user),
        },
        status=status,
    )


def _open_case_url(task, user):
    """A lead found in the inspection goes on to 立案: the case form, prefilled."""
    if task.result != TaskResult.CASE or user.role not in (Role.HANDLER, Role.HEAD):
        return None
    party_type = (
        PartyType.INDIVIDUAL_BUSINESS
        if task.target_usci.startswith("92")
        else PartyType.LEGAL_PERSON
    )
    query = {
        "act_type": CaseActType.PENALTY_GENERAL,
        "title": _("%(t)s涉嫌违法（双随机抽查发现）") % {"t": task.target_name},
        "source": CaseSource.RANDOM_INSPECTION,
        "source_detail": _("%(p)s，检查任务第%(n)s号") % {"p": task.plan.title, "n": task.order},
        "facts": task.note,
        "party_type": party_type,
        "party_name": task.target_name,
        "usci": task.target_usci,
        "address": task.target.address if task.target_id else "",
    }
    return reverse("cases:new") + "?" + urlencode(query)


# --------------------------------------------------------------------------- targets


def _targets_page(request, form=None, import_error=None, import_errors=(), status=200):
    targets = scope(Target.objects.select_related("agency"), request.user)
    risk = request.GET.get("risk")
    if risk in RiskClass.values:
        targets = targets.filter(risk_class=risk)
    agency = _own_agency(request.user)
    inspectors = []
    if request.user.agency_id:
        certified = services.certified_officers(request.user.agency)
        inspectors = Officer.objects.filter(pk__in=certified.values("pk")).prefetch_related(
            "certificates"
        )
    return render(
        request,
        "inspections/targets.html",
        {
            "targets": targets.order_by("agency_id", "risk_class", "usci"),
            "risk": risk,
            "risks": RiskClass.choices,
            "agency": agency,
            "form": form or TargetForm(),
            "import_error": import_error,
            "import_errors": import_errors,
            "columns": services.IMPORT_COLUMNS + [services.ACTIVE_COLUMN],
            "inspectors": inspectors,
        },
        status=status,
    )


@login_required
def targets(request):
    return _targets_page(request)


@login_required
@require_POST
def target_add(request):
    agency = request.user.agency
    if agency is None:
        raise DomainError(_("请使用执法机关的账号录入检查对象。"), ErrorCode.PERMISSION_DENIED)
    services.require_manage(request.user, agency)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            target = services.add_target(agency, request.user, **form.cleaned_data)
            messages.success(request, _("已录入检查对象：%(n)s。") % {"n": target.name})
            return redirect("inspections:targets")
        except DomainError as exc:
            _raise_if_permission(exc)
            form.add_error(None, str(exc))
    return _targets_page(request, form=form, status=400)


@login_required
@require_POST
def target_import(request):
    agency = request.user.agency
    if agency is None:
        raise DomainError(_("请使用执法机关的账号导入检查对象。"), ErrorCode.PERMISSION_DENIED)
    services.require_manage(request.user, agency)
    upload = request.FILES.get("file")
    if upload is None:
        return _targets_page(request, import_error=_("请选择要导入的CSV文件。"), status=400)
    try:
        count = services.import_targets(agency, upload.read(), request.user)
    except DomainError as exc:
        _raise_if_permission(exc)
        return _targets_page(
            request,
            import_error=str(exc),
            import_errors=[str(d) for d in exc.details],
            status=400,
        )
    messages.success(request, _("已导入%(n)s个检查对象。") % {"n": count})
    return redirect("inspections:targets")


@login_required
def target_template(request):
    header = ",".join(services.IMPORT_COLUMNS + [services.ACTIVE_COLUMN])
    sample = "青禾县示例商贸有限公司,91330000MA00000007,青禾县城关镇示例路1号,B,是"
    body = "\ufeff" + header + "\r\n" + sample + "\r\n"
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="inspection-targets.csv"'
    return response


@login_required
@require_POST
def target_active(request, pk):
    target = get_object_or_404(scope(Target.objects.select_related("agency"), request.user), pk=pk)
    services.set_target_active(target, request.user, request.POST.get("active") == "1")
    messages.success(request, _("已更新检查对象状态：%(n)s。") % {"n": target.name})
    return redirect("inspections:targets")
