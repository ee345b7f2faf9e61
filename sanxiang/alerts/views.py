"""Workbench pages of 监督预警: list with filters, per-agency overview, alert page with
its lifecycle, on-demand run. Thin: services check roles and transitions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.lists import Column, agency_name, filter_list

from . import services
from .forms import FilterForm, TransitionForm
from .models import LIVE_STATUSES, AlertStatus
from .rules import RULES
from .rules import choices as rule_choices

ACTIONS = {
    "acknowledge": services.acknowledge,
    "resolve": services.resolve,
    "dismiss": services.dismiss,
}


def alerts_panel(request):
    user = request.user
    if not user.is_authenticated or not user.has_role(*services.VIEW_ROLES):
        return None
    live = services.visible_alerts(user).filter(status__in=LIVE_STATUSES)
    by_severity = {s: 0 for s in ("high", "medium", "low")}
    for sev in live.values_list("severity", flat=True):
        by_severity[sev] = by_severity.get(sev, 0) + 1
    ctx = {
        "total": sum(by_severity.values()),
        "high": by_severity["high"],
        "open": live.filter(status=AlertStatus.OPEN).count(),
        "supervisor": services.is_supervisor(user) or services.is_platform_admin(user),
    }
    return {"title": _("监督预警"), "template": "alerts/panel.html", "context": ctx}


def _alert_for(user, pk):
    qs = services.visible_alerts(user).select_related("acknowledged_by", "closed_by")
    return get_object_or_404(qs, pk=pk)


ALERT_COLUMNS = [
    Column(_lazy("等级"), lambda a: a.get_severity_display(), 8),
    Column(_lazy("预警模型"), lambda a: a.rule_title, 30),
    Column(_lazy("执法主体"), lambda a: agency_name(a.agency) or _("平台"), 20),
    Column(_lazy("记录"), lambda a: a.record_label, 28),
    Column(_lazy("预警内容"), lambda a: a.detail, 60),
    Column(_lazy("预警日期"), lambda a: a.raised_on, 12),
    Column(_lazy("状态"), lambda a: a.get_status_display(), 10),
    Column(_lazy("签收说明"), lambda a: a.acknowledge_note, 30),
    Column(_lazy("办结/排除说明"), lambda a: a.close_reason, 30),
]


@login_required
def index(request):
    """The list: the shared filters of ``core.lists`` (agency, rule, 预警日期) plus status and
    severity; ``?format=xlsx`` exports exactly the filtered rows."""
    user = request.user
    lf = filter_list(
        request,
        services.visible_alerts(user),
        status_field="rule",
        status_choices=rule_choices(),
        status_param="rule",
        status_label=_("预警模型"),
        date_field="raised_on",
        date_label=_("预警日期"),
        date_fields=(("closed", "closed_at", _("办结日期")),),
        extra_params=("status", "severity"),
    )
    qs = lf.qs
    form = FilterForm(request.GET or None)
    status = ""
    if form.is_valid():
        data = form.cleaned_data
        if data.get("severity"):
            qs = qs.filter(severity=data["severity"])
        status = data.get("status") or ""
    if status == "":
        qs = qs.filter(status__in=LIVE_STATUSES)
    elif status != "all":
        qs = qs.filter(status=status)
    qs = qs.order_by("-raised_at", "-id")
    if lf.wants_export:
        return lf.export(ALERT_COLUMNS, qs, title=_("监督预警"), filename="alerts.xlsx")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/index.html",
        {
            "form": form,
            "lf": lf,
            "page": page,
            "can_run": user.has_role(*services.RUN_ROLES),
            "is_supervisor": services.is_supervisor(user) or services.is_platform_admin(user),
        },
    )


@login_required
def overview(request):
    user = request.user
    services.require_viewer(user)
    rows = services.counts_by_agency(user)
    codes = [r.code for r in RULES]
    for row in rows:
        row["cells"] = list(zip(codes, row["counts"], strict=False))
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(RULES))]
    return render(
        request,
        "alerts/overview.html",
        {
            "rules": RULES,
            "rows": rows,
            "totals": totals,
            "grand_total": sum(totals),
            "can_run": user.has_role(*services.RUN_ROLES),
        },
    )


def _render_detail(request, alert, forms=None, status=200):
    user = request.user
    allowed = services.allowed_actions(alert, user)
    forms = forms or {}
    for action in allowed:
        forms.setdefault(action, TransitionForm(action=action, prefix=action))
    return render(
        request,
        "alerts/detail.html",
        {"alert": alert, "rule": alert.rule_obj, "allowed": allowed, "forms": forms},
        status=status,
    )


@login_required
def detail(request, pk):
    return _render_detail(request, _alert_for(request.user, pk))


@login_required
@require_POST
def act(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    alert = _alert_for(request.user, pk)
    form = TransitionForm(request.POST, action=action, prefix=action)
    if not form.is_valid():
        return _render_detail(request, alert, {action: form}, status=400)
    try:
        ACTIONS[action](alert, request.user, form.cleaned_data["text"])
    except DomainError as exc:
        if exc.code == ErrorCode.PERMISSION_DENIED:
            raise
        form.add_error(None, exc.message)
        alert.refresh_from_db()
        return _render_detail(request, alert, {action: form}, status=400)
    done = {
        "acknowledge": _("预警已签收。"),
        "resolve": _("预警已办结。"),
        "dismiss": _("预警已排除。"),
    }
    messages.success(request, done[action])
    return redirect("alerts:detail", pk=alert.pk)


@login_required
@require_POST
def run(request):
    result = services.run_rules(request.user)
    messages.success(
        request,
        _("预警模型已运行：新增 %(r)s 条，仍存在 %(k)s 条，自动消除 %(a)s 条。")
        % {"r": result.raised, "k": result.still_open, "a": result.auto_resolved},
    )
    if result.errors:
        messages.error(
            request, _("%(n)s 个预警模型运行出错，已记入日志。") % {"n": len(result.errors)}
        )
    if request.POST.get("next") == "overview":
        return redirect("alerts:overview")
    return redirect("alerts:index")
