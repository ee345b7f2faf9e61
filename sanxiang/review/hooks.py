"""Glue to the rest of the platform: navigation, workbench panels and the case page's
timeline / missing items."""

from django.urls import reverse
from django.utils.translation import gettext as _


def nav(request):
    from sanxiang.org.models import Role

    user = request.user
    if not user.is_authenticated:
        return []
    items = [(_("法制审核"), reverse("review:list"))]
    if user.role == Role.REVIEWER:
        items.append((_("审核待办"), reverse("review:queue")))
    if user.role in (Role.SUPERVISOR, Role.HEAD, Role.ADMIN) or user.is_superuser:
        items.append((_("审核统计"), reverse("review:stats")))
    return items


def reviewer_panel(request):
    from sanxiang.org.models import Role

    from .services import deadline_flags, reviewer_queue

    user = request.user
    if not user.is_authenticated or user.role != Role.REVIEWER:
        return None
    queue = list(reviewer_queue(user)[:10])
    return {
        "title": _("法制审核待办"),
        "template": "review/panels/queue.html",
        "context": {"queue": queue, "flags": deadline_flags(user)},
    }


def handler_panel(request):
    """For a handler: the latest review result of each of their cases still undecided."""
    from sanxiang.org.models import Role

    from .models import Review

    user = request.user
    if not user.is_authenticated or user.role != Role.HANDLER:
        return None
    reviews = (
        Review.objects.filter(
            case__handlers__officer__user=user,
            case__decision_at__isnull=True,
            case__stage="decision",
        )
        .select_related("case")
        .order_by("case_id", "-version")
    )
    latest = {}
    for review in reviews[:200]:
        latest.setdefault(review.case_id, review)
    if not latest:
        return None
    return {
        "title": _("我的案件：法制审核进展"),
        "template": "review/panels/handler.html",
        "context": {"reviews": list(latest.values())[:10]},
    }


def head_panel(request):
    from sanxiang.org.models import Role

    from .models import DeadlineExtension, ExtensionStatus, Review, ReviewStatus
    from .services import deadline_flags

    user = request.user
    if not user.is_authenticated or user.role != Role.HEAD:
        return None
    extensions = DeadlineExtension.objects.filter(
        review__agency_id=user.agency_id, status=ExtensionStatus.PENDING
    ).select_related("review", "review__case")
    disputes = Review.objects.filter(
        agency_id=user.agency_id, status=ReviewStatus.DISPUTED
    ).select_related("case")
    unassigned = Review.objects.filter(
        agency_id=user.agency_id, status=ReviewStatus.SUBMITTED
    ).count()
    flags = deadline_flags(user)
    if not (extensions or disputes or unassigned or flags):
        return None
    return {
        "title": _("法制审核：待负责人处理"),
        "template": "review/panels/head.html",
        "context": {
            "extensions": list(extensions[:10]),
            "disputes": list(disputes[:10]),
            "unassigned": unassigned,
            "flags": flags,
        },
    }


def supervisor_panel(request):
    from sanxiang.org.models import Role

    from .services import deadline_flags, stats

    user = request.user
    if not user.is_authenticated or user.role != Role.SUPERVISOR:
        return None
    rows = stats(user)
    return {
        "title": _("法制审核监督"),
        "template": "review/panels/supervisor.html",
        "context": {
            "rows": rows,
            "flags": deadline_flags(user),
            "short": [r for r in rows if not r["ratio"]["ok"]],
        },
    }


def case_timeline(case):
    from .models import Review

    for review in Review.objects.filter(case=case).select_related("opinion").order_by("id"):
        yield {
            "at": review.submitted_at,
            "kind": _("提交法制审核"),
            "summary": _("第%(v)d次送审（%(s)s）")
            % {"v": review.version, "s": review.get_status_display()},
            "actor_name": review.submitted_by_name,
            "url": reverse("review:detail", args=[review.pk]),
        }
        opinion = getattr(review, "opinion", None)
        if opinion is not None:
            yield {
                "at": opinion.given_at,
                "kind": _("法制审核意见"),
                "summary": f"{opinion.get_kind_display()}：{opinion.reasoning[:80]}",
                "actor_name": opinion.given_by_name,
                "url": reverse("review:detail", args=[review.pk]),
                "proof": opinion.pdf_sha256,
            }


def case_missing(case, today):
    from .services import deadline_state, gate_status, latest_review

    if case.decision_at or case.stage != "decision":
        return []
    out = []
    status = gate_status(case, None)
    if not status.ok and status.required:
        out.append({"level": "warn", "message": status.message})
    review = latest_review(case)
    if review is not None:
        code, left = deadline_state(review, today)
        if code == "overdue":
            out.append({"level": "error", "message": _("法制审核已超过期限。")})
        elif code == "nearing":
            out.append(
                {"level": "warn", "message": _("法制审核期限还剩 %(n)d 个工作日。") % {"n": left}}
            )
    return out


def register():
    from sanxiang.cases.hooks import register_missing_items, register_timeline_contributor
    from sanxiang.core.navigation import register_nav, register_panel

    register_nav(nav)
    register_panel(reviewer_panel)
    register_panel(handler_panel)
    register_panel(head_panel)
    register_panel(supervisor_panel)
    register_timeline_contributor(case_timeline)
    register_missing_items(case_missing)
