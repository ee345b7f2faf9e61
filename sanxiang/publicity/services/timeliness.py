"""按时公示: the publication deadline of a decision and the clocks that watch it.

* ``deadline_for(category, decision_date)`` — 7 working days for licensing and penalty,
  20 for the others.
* ``clock_state(publication, today=None)`` — ok / due soon / overdue / published (late).
* ``pending_flags(user, today=None)`` — unconfirmed previews near or past their deadline.
* ``notify_overdue(today=None)`` — mark newly overdue publications (ledgered, periodic job).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _t

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.core.fields import ActType
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event
from sanxiang.org.scoping import scope

from ..models import Publication, PublicationStatus

FAST_CATEGORIES = {ActType.PENALTY, ActType.LICENSING}  # 7 working days; others 20
FAST_WORKDAYS = 7
SLOW_WORKDAYS = 20
WARN_WORKDAYS = 2  # flag an unconfirmed preview this many working days before the deadline


def deadline_for(category, decision_date):
    """(calendar.Deadline or None, note). Licensing and penalty: 7 working days; others 20."""
    from sanxiang.workdays import calendar

    n = FAST_WORKDAYS if category in FAST_CATEGORIES else SLOW_WORKDAYS
    try:
        result = calendar.deadline(decision_date, n)
    except DomainError as exc:
        return None, _t("无法计算公示期限：%(e)s") % {"e": exc.message}
    return result, _t("决定作出之日起%(n)s个工作日内公开") % {"n": n}


def clock_state(publication: Publication, today=None) -> dict:
    """{'state': ok|due_soon|overdue|published|published_late|none, 'label': …}."""
    from sanxiang.workdays.calendar import workdays_between

    today = today or clock.today()
    if publication.status != PublicationStatus.PENDING:
        if publication.published_at:
            if publication.published_late:
                return {"state": "published_late", "label": _t("逾期公示")}
            return {"state": "published", "label": _t("按时公示")}
        return {"state": "none", "label": publication.get_status_display()}
    if publication.due_date is None:
        return {"state": "unknown", "label": publication.due_note or _t("期限未知")}
    if today > publication.due_date:
        return {
            "state": "overdue",
            "label": _t("已逾期（应于%(d)s前公开）") % {"d": publication.due_date.isoformat()},
        }
    try:
        left = workdays_between(today, publication.due_date)
    except DomainError:
        left = (publication.due_date - today).days
    if left <= WARN_WORKDAYS:
        return {
            "state": "due_soon",
            "label": _t("即将到期：还剩%(n)s个工作日，请尽快确认脱敏预览") % {"n": left},
        }
    return {"state": "ok", "label": _t("还剩%(n)s个工作日") % {"n": left}}


def pending_flags(user, today=None) -> list[dict]:
    """Unconfirmed previews near or past their deadline that ``user`` may see.

    Agencies see their own; the supervisor sees its subtree (the flags go to both).
    """
    today = today or clock.today()
    qs = scope(Publication.objects.filter(status=PublicationStatus.PENDING), user)
    qs = qs.select_related("agency").order_by("due_date", "id")
    flags = []
    for pub in qs[:500]:
        state = clock_state(pub, today)
        if state["state"] in ("overdue", "due_soon", "unknown"):
            flags.append({"publication": pub, **state})
    return flags


@transaction.atomic
def notify_overdue(today=None) -> int:
    """Mark newly overdue publications (shown to the agency and its supervisor)."""
    today = today or clock.today()
    qs = Publication.objects.select_for_update().filter(
        status=PublicationStatus.PENDING, due_date__lt=today, overdue_notified_at__isnull=True
    )
    count = 0
    for pub in qs:
        pub.overdue_notified_at = clock.now()
        pub.save(update_fields=["overdue_notified_at"])
        append_event(
            EventType.PUBLICATION_OVERDUE,
            pub.subject,
            {"agency": pub.agency_id, "due_date": pub.due_date},
            None,
        )
        count += 1
    return count
