"""The 整改期限 of a patrol notice, tracked by ``workdays.deadlines``. The notice itself is
what communicates the date to the agency."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sanxiang.workdays.deadlines import DeadlineKind, register


def _owners(notice):
    from sanxiang.org.models import Role, User

    return list(User.objects.filter(agency_id=notice.agency_id, role=Role.HEAD, is_active=True)) + (
        [notice.issued_by] if notice.issued_by_id else []
    )


def register_all():
    from .models import NoticeStatus

    register(
        DeadlineKind(
            key="patrol.rectification",
            label=_("网上巡查整改期限"),
            model="patrol.PatrolNotice",
            field="deadline",
            is_open=lambda n: n.status in (NoticeStatus.ISSUED, NoticeStatus.RETURNED),
            communicated=lambda n: str(_("网上巡查整改通知")),
            owners=_owners,
            url=lambda n: reverse("patrol:notice", args=[n.pk]),
            describe=lambda n: f"{n.round.title} · {n.agency.name}",
        )
    )
