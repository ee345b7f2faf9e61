"""Workbench pages (/publicity/): confirm redacted previews, withdraw/correct, approve
事前公开 content, the delivery log, annual reports. Thin: every rule is in services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.core.fields import ActType
from sanxiang.core.lists import Column, agency_name, filter_list
from sanxiang.org.models import Role
from sanxiang.org.scoping import scope

from . import portal, services, webhooks
from . import reports as reports_mod
from .models import (
    AnnualReport,
    PageStatus,
    PortalPage,
    PublicationStatus,
    SnapshotState,
    WithdrawalKind,
)


def _publication(request, pk):
    return get_object_or_404(services.visible_publications(request.user), pk=pk)


def _run(request, fn, ok_message):
    try:
        result = fn()
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, ok_message)
    return result


def _publication_columns(today):
    return [
        Column("机关", lambda p: agency_name(p.agency), 20),
        Column("文书号", lambda p: p.document_number or "", 28),
        Column("类别", lambda p: p.get_category_display()),
        Column("决定日期", lambda p: p.decision_date),
        Column("公开期限", lambda p: p.due_date),
        Column("状态", lambda p: p.get_status_display()),
        Column("公开时间", lambda p: p.published_at),
        Column("时限", lambda p: services.clock_state(p, today)["label"], 24),
    ]


@login_required
def index(request):
    lf = filter_list(
        request,
        services.visible_publications(request.user),
        status_field="status",
        status_choices=PublicationStatus.choices,
        date_field="decision_date",
        date_label="决定日期",
    )
    qs = lf.qs.order_by("-decision_date", "-id")
    status = lf.status_value
    today = clock.today()
    if lf.wants_export:
        return lf.export(
            _publication_columns(today), qs, title="决定公示", filename="publications.xlsx"
        )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [(p, services.clock_state(p, today)) for p in page]
    flags = services.pending_flags(request.user, today)
    return render(
        request,
        "publicity/index.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "statuses": PublicationStatus.choices,
            "flags": flags,
            "panel_ctx": {"flags": flags, "more": 0},
            "lf": lf,
        },
    )


@login_required
def detail(request, pk):
    pub = _publication(request, pk)
    snaps = list(pub.snapshots.order_by("-version"))
    preview = next((s for s in snaps if s.state != SnapshotState.SUPERSEDED), None)
    marks = pub.marks or []
    return render(
        request,
        "publicity/detail.html",
        {
            "pub": pub,
            "snap": preview,
            "snapshots": snaps,
            "clock": services.clock_state(pub),
            "trade_secret": "\n".join(m["text"] for m in marks if m["reason"] == "trade_secret"),
            "privacy": "\n".join(m["text"] for m in marks if m["reason"] == "privacy"),
            "withdrawal_kinds": WithdrawalKind.choices,
            "is_head": request.user.role in (Role.HEAD, Role.ADMIN),
            "pending": pub.status == PublicationStatus.PENDING,
            "published": pub.status == PublicationStatus.PUBLISHED,
        },
    )


def _marks_from(post):
    marks = []
    for reason in ("trade_secret", "privacy"):
        for line in (post.get(reason) or "").splitlines():
            if line.strip():
                marks.append({"text": line.strip(), "reason": reason})
    return marks


@login_required
@require_POST
def save_marks(request, pk):
    pub = _publication(request, pk)
    _run(
        request,
        lambda: services.update_marks(pub, _marks_from(request.POST), request.user),
        "已更新脱敏标注，请核对预览。",
    )
    return redirect("publicity:detail", pk=pk)


@login_required
@require_POST
def confirm(request, pk):
    pub = _publication(request, pk)
    _run(
        request,
        lambda: services.confirm_publication(
            pub, request.user, expected_sha256=request.POST.get("sha256") or None
        ),
        "已确认脱敏预览，决定信息已公示。",
    )
    return redirect("publicity:detail", pk=pk)


@login_required
@require_POST
def withdraw(request, pk):
    pub = _publication(request, pk)
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from sanxiang.notifications.confirm import ask

    page = ask(
        request,
        act=_("撤回公示"),
        consequence=_(
            "将撤下公示信息“%(n)s”：公示页面替换为撤下公告，撤下记入可信存证账本；"
            "撤下后不能恢复为原公示。"
        )
        % {"n": pub.document_number or pub.source.get("title", "")},
        back_url=reverse("publicity:detail", args=[pk]),
    )
    if page is not None:
        return page
    _run(
        request,
        lambda: services.withdraw_publication(
            pub,
            kind=request.POST.get("kind"),
            reason=request.POST.get("reason"),
            actor=request.user,
        ),
        "公示信息已撤下，公示页面已替换为撤下公告。",
    )
    return redirect("publicity:detail", pk=pk)


@login_required
@require_POST
def correct(request, pk):
    pub = _publication(request, pk)
    changes = {}
    for key in ("conclusion", "title"):
        value = (request.POST.get(key) or "").strip()
        if value:
            changes[key] = value
    _run(
        request,
        lambda: services.correct_publication(
            pub, changes=changes, note=request.POST.get("note"), actor=request.user
        ),
        "已更正公示信息，原版本作为历史保留。",
    )
    return redirect("publicity:detail", pk=pk)


@login_required
@require_POST
def remove(request, pk):
    pub = _publication(request, pk)
    _run(
        request,
        lambda: services.remove_early(pub, reason=request.POST.get("reason"), actor=request.user),
        "已提前停止公示。",
    )
    return redirect("publicity:detail", pk=pk)


@login_required
def policy(request):
    user = request.user
    if not user.agency_id:
        raise PermissionDenied("请使用所属机关的账号设置公示规则。")
    agency = user.agency
    if request.method == "POST":
        windows = {}
        for value, _label in ActType.choices:
            raw = (request.POST.get(f"window_{value}") or "").strip()
            if raw:
                windows[value] = raw
        _run(
            request,
            lambda: services.update_policy(
                agency,
                user,
                require_confirmation=request.POST.get("require_confirmation") == "on",
                windows=windows,
                low_fine_threshold=request.POST.get("low_fine_threshold") or "0",
            ),
            "公示规则已保存。",
        )
        return redirect("publicity:policy")
    pol = services.policy_for(agency)
    rows = [
        (value, label, (pol.windows or {}).get(value, ""), services.DEFAULT_WINDOWS[value])
        for value, label in ActType.choices
    ]
    return render(
        request,
        "publicity/policy.html",
        {"policy": pol, "rows": rows, "can_edit": user.role in (Role.HEAD, Role.ADMIN)},
    )


@login_required
def pages(request):
    qs = scope(PortalPage.objects.select_related("agency"), request.user).order_by(
        "agency_id", "-version"
    )
    return render(request, "publicity/pages.html", {"pages": qs[:100]})


@login_required
@require_POST
def prepare(request):
    user = request.user
    if not user.agency_id:
        raise PermissionDenied("请使用所属机关的账号编制公开内容。")
    page = _run(
        request,
        lambda: portal.prepare_page(user.agency, user, note=request.POST.get("note", "")),
        "已生成待审定版本，请机关负责人审定。",
    )
    if page is not None:
        return redirect("publicity:page", pk=page.pk)
    return redirect("publicity:pages")


@login_required
def page_detail(request, pk):
    page = get_object_or_404(scope(PortalPage.objects.all(), request.user), pk=pk)
    return render(
        request,
        "publicity/page.html",
        {
            "page": page,
            "content": page.content,
            "draft": page.status == PageStatus.DRAFT,
            "is_head": request.user.role in (Role.HEAD, Role.ADMIN),
        },
    )


@login_required
@require_POST
def approve(request, pk):
    page = get_object_or_404(scope(PortalPage.objects.all(), request.user), pk=pk)
    _run(request, lambda: portal.approve_page(page, request.user), "已审定，公开内容已更新。")
    return redirect("publicity:page", pk=pk)


@login_required
@require_POST
def reject(request, pk):
    page = get_object_or_404(scope(PortalPage.objects.all(), request.user), pk=pk)
    _run(
        request,
        lambda: portal.reject_page(page, request.user, request.POST.get("note")),
        "已退回。",
    )
    return redirect("publicity:page", pk=pk)


@login_required
def deliveries(request):
    qs = webhooks.visible_deliveries(request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "publicity/deliveries.html", {"page": page})


@login_required
@require_POST
def redeliver(request, pk):
    delivery = get_object_or_404(webhooks.visible_deliveries(request.user), pk=pk)
    _run(request, lambda: webhooks.redeliver(delivery, request.user), "已重新推送。")
    return redirect("publicity:deliveries")


@login_required
def reports(request):
    user = request.user
    if request.method == "POST":
        if not (user.role in (Role.SUPERVISOR, Role.ADMIN) or user.is_superuser):
            raise PermissionDenied("只有监督人员或管理员可以发布年度报告。")
        year = reports_mod.due_year()
        made = reports_mod.generate(year, actor=user)
        messages.success(request, f"已发布 {len(made)} 份 {year} 年度报告。")
        return redirect("publicity:reports")
    items = scope(AnnualReport.objects.select_related("agency"), user)
    return render(
        request,
        "publicity/reports.html",
        {"reports": items, "can_generate": user.role in (Role.SUPERVISOR, Role.ADMIN)},
    )
