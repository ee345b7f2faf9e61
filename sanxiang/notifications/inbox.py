"""待办: what waits for a person, computed from the real state of the records.

Each kind is a function ``(user) -> list[Todo]`` registered with ``register``; apps may
register their own (``sanxiang.notifications.inbox.register``). The built-in kinds below
read the other apps' models with queries scoped to the user's agency (``org.scoping``)
and to the role the law gives the act:

* 立案审批 — cases waiting for the head's approval (机关负责人);
* 待分配审核 — reviews submitted and not yet assigned (机关负责人, 法制审核人员);
* 法制审核 — reviews assigned to the reviewer and not yet concluded (that reviewer);
* 审核意见已返回 — a concluded review whose case still awaits its decision (the submitter
  and the case's handlers);
* 待作出决定 — cases in 审查决定 whose review is concluded or not required (机关负责人);
* 公示确认 — publications waiting for the desensitised preview to be confirmed (the case's
  handlers, or the head);
* 期限临近 — tracked deadlines due within ``SANXIANG_TODO_DEADLINE_WORKDAYS`` (2) working
  days whose owners include the user;
* 调阅审批 — audio/video access requests (机关负责人);
* 投诉举报 — complaints to accept or conclude (those who may handle them; 回避 respected).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core import clock
from sanxiang.org.models import Role
from sanxiang.org.scoping import scope

log = logging.getLogger(__name__)

LIMIT = 200  # at most this many rows per kind are read for one person


@dataclass(frozen=True)
class Todo:
    kind: str  # the kind's key
    label: str  # Chinese name of the kind
    title: str  # what the item is (案件编号 + 案由, …)
    url: str
    due: object = None  # a date, when the item has one


_kinds: list[tuple[str, str, Callable]] = []


def register(key: str, label: str, provider: Callable) -> Callable:
    """``provider(user) -> iterable of Todo``; registered once per key."""
    if all(k != key for k, _l, _p in _kinds):
        _kinds.append((key, label, provider))
    return provider


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.agency_id)


def for_user(user) -> list[Todo]:
    """Every item waiting for ``user``, grouped by kind in registration order."""
    if not _active(user):
        return []
    items: list[Todo] = []
    for key, _label, provider in _kinds:
        try:
            items.extend(provider(user) or [])
        except Exception:  # a broken provider must not take the navigation down
            log.exception("todo provider %s failed", key)
    return items


def grouped(user) -> list[dict]:
    groups: dict[str, dict] = {}
    for item in for_user(user):
        groups.setdefault(item.kind, {"key": item.kind, "label": item.label, "items": []})
        groups[item.kind]["items"].append(item)
    return list(groups.values())


def count(user) -> int:
    return len(for_user(user))


def _case_title(case) -> str:
    return f"{case.number} {case.title}".strip() if case.number else case.title


def _case_url(case_id) -> str:
    return reverse("cases:detail", args=[case_id])


# --- built-in kinds -------------------------------------------------------------------------


def _opening(user):
    if user.role != Role.HEAD:
        return []
    from sanxiang.cases.models import Case, OpeningStatus, Stage

    label = _("立案审批")
    qs = Case.objects.filter(
        agency_id=user.agency_id, stage=Stage.OPENING, opening_status=OpeningStatus.PENDING
    ).order_by("created_at", "pk")[:LIMIT]
    return [Todo("opening", label, _case_title(c), _case_url(c.pk)) for c in qs]


def _review_unassigned(user):
    if user.role not in (Role.HEAD, Role.REVIEWER):
        return []
    from sanxiang.review.models import Review, ReviewStatus

    label = _("待分配审核")
    qs = (
        Review.objects.filter(agency_id=user.agency_id, status=ReviewStatus.SUBMITTED)
        .select_related("case")
        .order_by("submitted_at", "pk")[:LIMIT]
    )
    return [
        Todo("review_unassigned", label, _case_title(r.case), reverse("review:detail", args=[r.pk]))
        for r in qs
    ]


def _review_assigned(user):
    if user.role != Role.REVIEWER:
        return []
    from sanxiang.review.models import Review, ReviewStatus

    label = _("法制审核")
    qs = (
        Review.objects.filter(
            agency_id=user.agency_id,
            reviewer=user,
            status__in=(ReviewStatus.ASSIGNED, ReviewStatus.IN_REVIEW),
        )
        .select_related("case")
        .order_by("submitted_at", "pk")[:LIMIT]
    )
    return [
        Todo(
            "review_assigned",
            label,
            _case_title(r.case),
            reverse("review:detail", args=[r.pk]),
            r.effective_deadline,
        )
        for r in qs
    ]


def _handled_case_ids(user):
    from sanxiang.cases.models import CaseHandler

    return CaseHandler.objects.filter(officer__user=user).values("case_id")


def _opinion_returned(user):
    if user.role not in (Role.HANDLER, Role.HEAD):
        return []
    from django.db.models import Q

    from sanxiang.cases.models import Stage
    from sanxiang.review.models import Review, ReviewStatus

    label = _("审核意见已返回")
    qs = (
        Review.objects.filter(
            agency_id=user.agency_id,
            status__in=(ReviewStatus.CONCLUDED, ReviewStatus.SETTLED),
            case__stage=Stage.DECISION,
            case__decision_at__isnull=True,
        )
        .filter(Q(submitted_by=user) | Q(case_id__in=_handled_case_ids(user)))
        .exclude(case__reviews__status__in=_open_review_statuses())
        .select_related("case")
        .order_by("-concluded_at", "-pk")
    )
    seen, out = set(), []
    for r in qs[:LIMIT]:
        if r.case_id in seen:
            continue
        seen.add(r.case_id)
        out.append(
            Todo(
                "opinion_returned",
                label,
                _case_title(r.case),
                reverse("review:detail", args=[r.pk]),
            )
        )
    return out


def _open_review_statuses():
    from sanxiang.review.models import OPEN_STATUSES

    return list(OPEN_STATUSES) + ["disputed"]


def _decision(user):
    if user.role != Role.HEAD:
        return []
    from django.db.models import Q

    from sanxiang.cases.models import Case, Stage
    from sanxiang.review.models import ReviewStatus

    label = _("待作出决定")
    done = Q(reviews__status__in=(ReviewStatus.CONCLUDED, ReviewStatus.SETTLED))
    qs = (
        Case.objects.filter(
            agency_id=user.agency_id, stage=Stage.DECISION, decision_at__isnull=True
        )
        .filter(done | Q(review_required=False))
        .exclude(reviews__status__in=_open_review_statuses())
        .distinct()
        .order_by("deadline", "pk")[:LIMIT]
    )
    return [Todo("decision", label, _case_title(c), _case_url(c.pk), c.deadline) for c in qs]


def _publication(user):
    if user.role not in (Role.HANDLER, Role.HEAD):
        return []
    from sanxiang.publicity.models import Publication, PublicationStatus

    label = _("公示确认")
    qs = Publication.objects.filter(
        agency_id=user.agency_id, status=PublicationStatus.PENDING
    ).order_by("due_date", "pk")
    mine = [
        p
        for p in qs[: LIMIT * 2]
        if user.role != Role.HANDLER or (p.handler_ids and user.pk in p.handler_ids)
    ][:LIMIT]
    # the 文号 alone does not tell a handler which case it is: add the case's number and 案由
    from sanxiang.cases.models import Case

    cases = Case.objects.only("number", "title").in_bulk([p.case_id for p in mine if p.case_id])
    out = []
    for p in mine:
        title = p.document_number or _("%(d)s 作出的决定") % {
            "d": p.decision_date.strftime("%Y年%m月%d日")
        }
        if p.case_id in cases:
            title = f"{_case_title(cases[p.case_id])}（{title}）"
        out.append(
            Todo("publication", label, title, reverse("publicity:detail", args=[p.pk]), p.due_date)
        )
    return out


def _deadlines(user):
    from sanxiang.workdays import calendar
    from sanxiang.workdays.deadlines import kinds
    from sanxiang.workdays.models import DeadlineStatus, TrackedDeadline

    label = _("期限临近")
    n = int(getattr(settings, "SANXIANG_TODO_DEADLINE_WORKDAYS", 2))
    today = clock.today()
    try:
        horizon = calendar.add_workdays(today, n)
    except Exception:  # the calendar lacks the year: fall back to calendar days
        import datetime as dt

        horizon = today + dt.timedelta(days=n)
    registered = kinds()
    rows = scope(
        TrackedDeadline.objects.filter(
            status=DeadlineStatus.OPEN, due__lte=horizon, kind__in=list(registered)
        ),
        user,
    ).order_by("due", "pk")[:LIMIT]
    rows = list(rows)
    objects = {  # one query per kind, not one per deadline
        name: registered[name]
        .model_class()
        .objects.in_bulk([r.object_id for r in rows if r.kind == name])
        for name in {r.kind for r in rows}
    }
    out = []
    for row in rows:
        kind = registered[row.kind]
        obj = objects[row.kind].get(row.object_id)
        if obj is None or not kind.is_open(obj):
            continue
        owners = {getattr(o, "pk", o) for o in (kind.owners(obj) or [])}
        if user.pk not in owners:
            continue
        title = _("%(label)s：%(what)s") % {"label": kind.label, "what": kind.describe(obj)}
        out.append(Todo("deadline", label, title, kind.url(obj) or "", row.due))
    return out


def _access(user):
    if user.role != Role.HEAD:
        return []
    from sanxiang.records.models import AccessRequest, RequestStatus

    label = _("调阅审批")
    qs = (
        AccessRequest.objects.filter(agency_id=user.agency_id, status=RequestStatus.PENDING)
        .select_related("case", "requester")
        .order_by("created_at", "pk")[:LIMIT]
    )
    return [Todo("access", label, _case_title(r.case), reverse("records:requests")) for r in qs]


def _complaints(user):
    if user.role not in (Role.HANDLER, Role.HEAD):
        return []
    from sanxiang.complaints import services as complaint_services
    from sanxiang.complaints.models import Complaint, ComplaintStatus

    label = _("投诉举报")
    qs = Complaint.objects.filter(
        agency_id=user.agency_id,
        status__in=(ComplaintStatus.SUBMITTED, ComplaintStatus.ACCEPTED),
    ).order_by("submitted_at", "pk")[:LIMIT]
    out = []
    for c in complaint_services.handleable(user, qs):
        title = _("%(n)s（%(s)s）") % {"n": c.number, "s": c.get_status_display()}
        out.append(Todo("complaint", label, title, reverse("complaints:detail", args=[c.pk])))
    return out


register("opening", gettext_lazy("立案审批"), _opening)
register("review_unassigned", gettext_lazy("待分配审核"), _review_unassigned)
register("review_assigned", gettext_lazy("法制审核"), _review_assigned)
register("opinion_returned", gettext_lazy("审核意见已返回"), _opinion_returned)
register("decision", gettext_lazy("待作出决定"), _decision)
register("publication", gettext_lazy("公示确认"), _publication)
register("deadline", gettext_lazy("期限临近"), _deadlines)
register("access", gettext_lazy("调阅审批"), _access)
register("complaint", gettext_lazy("投诉举报"), _complaints)
