"""The 公示期限 of a pending publication, tracked by ``workdays.deadlines``."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sanxiang.workdays.deadlines import DeadlineKind, register


def _heads(pub):
    from sanxiang.org.models import Role, User

    return list(User.objects.filter(agency_id=pub.agency_id, role=Role.HEAD, is_active=True))


def register_all():
    from .models import PublicationStatus

    register(
        DeadlineKind(
            key="publicity.due_date",
            label=_("公示期限"),
            model="publicity.Publication",
            field="due_date",
            is_open=lambda p: p.status == PublicationStatus.PENDING,
            owners=_heads,
            url=lambda p: reverse("publicity:detail", args=[p.pk]),
            describe=lambda p: p.document_number or str(p.pk),
        )
    )
