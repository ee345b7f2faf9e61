"""Workbench pages of 网上巡查: rounds, sampling, items with their automatic checks and the
scoring form, notices, summary.

Supervisors of the organising 司法局 run rounds (a higher 司法局 reads those below it); an
enforcement agency sees only its own items (read-only) and notices, and answers them.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.core.lists import Column, agency_name, filter_list
from sanxiang.evaluation.shared import views as shared
from sanxiang.evaluation.shared.views import raise_if_permission as _raise_if_permission
from sanxiang.org.models import Role
from sanxiang.org.scoping import scope

from . import checklist, services
from .forms import ItemForm, NoticeForm, RoundForm
from .labels import quarter_label
from .models import NoticeStatus, PatrolItem, PatrolNotice, PatrolRound, RoundStatus


def _round_for(user, pk):
    return shared.scoped_get(user, PatrolRound.objects.select_related("agency", "sampled_by"), pk)


def _item_for(user, pk):
    qs = PatrolItem.objects.select_related(
        "round", "round__agency", "agency", "publication", "evaluator"
    )
    return shared.scoped_get(user, qs, pk)


def _notice_for(user, pk):
    qs = PatrolNotice.objects.select_related(
        "round", "round__agency", "agency", "issued_by", "reported_by", "closed_by"
    )
    return shared.scoped_get(user, qs, pk)


def _is_supervisor(user):
    return user.agency_id is not None and services.is_patroller(user, user.agency)


def _sees_rounds(user):
    """Supervisors (own and lower 司法局's rounds)."""
    return user.agency_id is not None and user.role == Role.SUPERVISOR


def patrol_panel(request):
    return shared.panel(request, services.SCHEME, "notices", "round")


@login_required
def index(request):
    user = request.user
    if not _sees_rounds(user):
        return redirect("patrol:notices")
    rounds = scope(PatrolRound.objects.select_related("agency"), user)
    return render(
        request,
        "patrol/index.html",
        {"rounds": rounds.order_by("-year", "-quarter", "-id"), "can_create": _is_supervisor(user)},
    )


@login_required
def round_create(request):
    user = request.user
    if user.agency is None:
        raise PermissionDenied(_("请使用司法行政部门的账号创建巡查批次。"))
    services.require_patroller(user, user.agency)
    agencies = services.evaluable_agencies(user.agency)
    status = 200
    if request.method == "POST":
        form = RoundForm(request.POST, agencies=agencies)
        if form.is_valid():
            try:
                rnd = services.create_round(user.agency, user, **form.cleaned_data)
                messages.success(request, _("巡查批次已创建。"))
                return redirect("patrol:round", pk=rnd.pk)
            except DomainError as exc:
                _raise_if_permission(exc)
                form.add_error(None, str(exc))
        status = 400
    else:
        today = clock.today()
        form = RoundForm(
            agencies=agencies,
            initial={
                "agencies": list(agencies),
                "year": today.year,
                "quarter": (today.month - 1) // 3 + 1,
            },
        )
    return render(request, "patrol/round_form.html", {"form": form}, status=status)


def _summary_of(rnd):
    return shared.summary_of(rnd, services.build_summary)


def _summary_rows(summary):
    rows = []
    for row in summary.get("agencies", []):
        rows.append(
            {
                **row,
                "grade_counts": [row["grades"].get(c, 0) for c, _l, _m in checklist.GRADES],
                "finding_counts": [row["findings"].get(k, 0) for k in services.FINDING_KINDS],
            }
        )
    return rows


@login_required
def round_detail(request, pk):
    user = request.user
    rnd = _round_for(user, pk)
    items = list(rnd.items.select_related("agency").order_by("order"))
    agency_filter = request.GET.get("agency", "")
    shown = [i for i in items if str(i.agency_id) == agency_filter] if agency_filter else items
    can_act = services.is_patroller(user, rnd.agency)
    rows = _summary_rows(_summary_of(rnd))
    for row in rows:
        row["can_notify"] = (
            can_act
            and rnd.status != RoundStatus.DRAFT
            and not row["notice"]
            and bool(services.items_with_findings(rnd, row["agency"]))
        )
    return render(
        request,
        "patrol/round_detail.html",
        {
            "round": rnd,
            "agencies": rnd.agencies.order_by("path"),
            "eligible": services.eligible_publications(rnd).count() if not rnd.seed else None,
            "items": items,
            "shown": shown,
            "agency_filter": agency_filter,
            "done": sum(1 for i in items if i.submitted_at),
            "can_act": can_act,
            "replay_ok": shared.replay_ok(rnd, services.replay_sample),
            "rows": rows,
            "grades": checklist.GRADES,
            "finding_labels": [services.FINDING_LABELS[k] for k in services.FINDING_KINDS],
            "notice_form": NoticeForm(),
        },
    )


round_sample = shared.round_action_view(
    _round_for, services.sample, _lazy("已随机抽取公示信息并完成自动检查。"), "patrol:round"
)
round_conclude = shared.round_action_view(
    _round_for, services.conclude, _lazy("巡查批次已办结。"), "patrol:round"
)


@login_required
@require_POST
def round_notice(request, pk, agency_id):
    rnd = _round_for(request.user, pk)
    services.require_patroller(request.user, rnd.agency)
    agency = get_object_or_404(rnd.agencies.all(), pk=agency_id)
    return shared.issue_notice(
        request,
        partial(services.issue_notice, rnd, agency, request.user),
        redirect("patrol:round", pk=rnd.pk),
        "patrol:notice",
    )


@login_required
def round_summary_csv(request, pk):
    rnd = _round_for(request.user, pk)
    body = services.summary_csv(_summary_of(rnd))
    return shared.summary_csv_response(body, f"patrol-{rnd.pk}-summary.csv")


@login_required
def item_detail(request, pk):
    user = request.user
    item = _item_for(user, pk)
    rnd = item.round
    can_score = not item.submitted_at and services.is_patroller(user, rnd.agency)
    form = ItemForm(version=rnd.checklist_version)
    status = 200
    if request.method == "POST":
        services.require_patroller(user, rnd.agency)
        form = ItemForm(request.POST, version=rnd.checklist_version)
        submit = partial(services.submit_item, item, user)
        if shared.submit_score(
            request, form, lambda d, c: submit(deductions=d, comment=c), _("巡查结果已提交。")
        ):
            return redirect("patrol:item", pk=item.pk)
        status = 400
    manual = [
        (entry, item.deductions.get(entry.code, {}))
        for entry in checklist.manual_items(rnd.checklist_version)
    ]
    notice = PatrolNotice.objects.filter(round=rnd, agency=item.agency).first()
    return render(
        request,
        "patrol/item.html",
        {
            "item": item,
            "round": rnd,
            "pub": item.publication,
            "form": form,
            "can_score": can_score,
            "manual": manual,
            "grade_label": checklist.GRADE_LABELS.get(item.grade, ""),
            "notice": notice,
            "sees_round": _sees_rounds(user),
        },
        status=status,
    )


@login_required
@require_POST
def item_recheck(request, pk):
    item = _item_for(request.user, pk)
    try:
        services.recheck(item, request.user)
        messages.success(request, _("已重新自动检查。"))
    except DomainError as exc:
        _raise_if_permission(exc)
        messages.error(request, str(exc))
    return redirect("patrol:item", pk=item.pk)


NOTICE_COLUMNS = [
    Column(_lazy("巡查批次"), lambda n: n.round.title, 30),
    Column(_lazy("整改机关"), lambda n: agency_name(n.agency), 20),
    Column(_lazy("发出时间"), lambda n: n.issued_at, 18),
    Column(_lazy("整改期限"), lambda n: n.deadline, 12),
    Column(_lazy("状态"), lambda n: n.get_status_display(), 10),
    Column(_lazy("报告时间"), lambda n: n.reported_at, 18),
    Column(_lazy("销号时间"), lambda n: n.closed_at, 18),
    Column(_lazy("季度"), lambda n: quarter_label(n.round.year, n.round.quarter), 16),
]


@login_required
def notices(request):
    """整改通知 through the shared filters of ``core.lists`` (agency, status, 发出日期 or
    整改期限); ``?format=xlsx`` exports exactly the filtered notices."""
    user = request.user
    lf = filter_list(
        request,
        scope(PatrolNotice.objects.select_related("agency", "round"), user),
        status_field="status",
        status_choices=NoticeStatus.choices,
        date_field="issued_at",
        date_label=_("发出日期"),
        date_fields=(("deadline", "deadline", _("整改期限")),),
    )
    qs = lf.qs.order_by("status", "deadline", "id")
    if lf.wants_export:
        return lf.export(
            NOTICE_COLUMNS, qs, title=_("网上巡查整改通知"), filename="patrol_notices.xlsx"
        )
    items = []
    if not _sees_rounds(user):
        items = list(
            scope(PatrolItem.objects.select_related("round"), user)
            .filter(submitted_at__isnull=False)
            .order_by("-round__year", "-round__quarter", "order")[:200]
        )
    return render(
        request,
        "patrol/notices.html",
        {
            "notices": qs,
            "lf": lf,
            "items": items,
            "today": clock.today(),
            "is_supervisor": _sees_rounds(user),
        },
    )


def _notice_context(request, notice):
    items = PatrolItem.objects.filter(pk__in=notice.item_ids)
    return {
        "items": list(scope(items, request.user).order_by("order")),
        "sees_round": _sees_rounds(request.user),
        "act_url": "patrol:notice_act",
        "accept_confirm": _("销号后不能撤回，确定整改到位吗？"),
    }


NOTICE_PAGES = shared.NoticePages(
    scheme=services.SCHEME,
    services=services,
    template="patrol/notice.html",
    url_name="patrol:notice",
    name="notice",
    context=_notice_context,
)


@login_required
def notice_detail(request, pk):
    return NOTICE_PAGES.page(request, _notice_for(request.user, pk))


@login_required
@require_POST
def notice_act(request, pk, action):
    return NOTICE_PAGES.act(request, _notice_for(request.user, pk), action)
