"""One function per arrival of work: the service that causes it calls it in one line.

Each writes the in-app notifications (and through ``services.notify`` the e-mail/SMS) to the
people the item now waits for; a failure is logged and never breaks the act itself.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.org.models import Role

from .services import case_label, notify, notify_case_handlers, notify_roles, safe_notify


def opening_requested(case, actor):
    """A case source was registered and waits for the head's 立案审批."""
    safe_notify(
        notify_roles,
        case.agency_id,
        [Role.HEAD],
        _("待审批立案：%(c)s") % {"c": case_label(case)},
        url=reverse("cases:detail", args=[case.pk]),
        exclude=actor,
    )


def opening_decided(case, actor, approved: bool):
    title = _("已批准立案：%(c)s") if approved else _("不予立案：%(c)s")
    safe_notify(notify_case_handlers, case, title % {"c": case_label(case)}, exclude=actor)


def decision_made(case, actor):
    safe_notify(
        notify_case_handlers, case, _("已作出决定：%(c)s") % {"c": case_label(case)}, exclude=actor
    )


def review_submitted(review, actor):
    safe_notify(
        notify_roles,
        review.agency_id,
        [Role.HEAD, Role.REVIEWER],
        _("新的法制审核待分配：%(c)s") % {"c": case_label(review.case)},
        url=reverse("review:detail", args=[review.pk]),
        exclude=actor,
    )


def review_assigned(review, actor):
    if review.reviewer_id is None or review.reviewer_id == getattr(actor, "pk", None):
        return
    safe_notify(
        notify,
        [review.reviewer],
        _("分配给您的法制审核：%(c)s") % {"c": case_label(review.case)},
        url=reverse("review:detail", args=[review.pk]),
    )


def opinion_given(review, actor):
    from sanxiang.org.models import User

    title = _("法制审核意见已出具：%(c)s") % {"c": case_label(review.case)}
    url = reverse("review:detail", args=[review.pk])
    safe_notify(notify_case_handlers, review.case, title, url=url, exclude=actor)
    if review.submitted_by_id:
        safe_notify(notify, User.objects.filter(pk=review.submitted_by_id), title, url=url)
    safe_notify(notify_roles, review.agency_id, [Role.HEAD], title, url=url, exclude=actor)


def publication_pending(publication):
    from sanxiang.org.models import User

    title = _("待确认公示内容：%(n)s") % {
        "n": publication.document_number
        or _("决定日期%(d)s") % {"d": _date(publication.decision_date)}
    }
    url = reverse("publicity:detail", args=[publication.pk])
    if publication.handler_ids:
        users = User.objects.filter(pk__in=publication.handler_ids, agency_id=publication.agency_id)
        safe_notify(notify, users, title, url=url)
    else:
        safe_notify(notify_roles, publication.agency_id, [Role.HEAD], title, url=url)


def access_requested(req, actor):
    safe_notify(
        notify_roles,
        req.agency_id,
        [Role.HEAD],
        _("待审批的音像记录调阅申请：%(c)s") % {"c": case_label(req.case)},
        url=reverse("records:requests"),
        exclude=actor,
    )


def access_decided(req, actor):
    if req.requester_id == getattr(actor, "pk", None):
        return
    title = _("您的调阅申请已%(s)s：%(c)s") % {
        "s": req.get_status_display(),
        "c": case_label(req.case),
    }
    safe_notify(notify, [req.requester], title, url=reverse("records:case", args=[req.case_id]))


def complaint_arrived(complaint):
    from sanxiang.complaints import services as complaint_services
    from sanxiang.org.models import User

    users = [
        u
        for u in User.objects.filter(
            agency_id=complaint.agency_id, role__in=[Role.HANDLER, Role.HEAD], is_active=True
        )
        if complaint_services.can_handle(u, complaint)
    ]
    safe_notify(
        notify,
        users,
        _("新的投诉举报待受理：%(n)s") % {"n": complaint.number},
        url=reverse("complaints:detail", args=[complaint.pk]),
    )


def _date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""
