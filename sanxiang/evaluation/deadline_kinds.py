"""The 整改期限 of a rectification notice, tracked by ``workdays.deadlines``. The notice is
itself the issued document that communicates the date to the agency."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sanxiang.workdays.deadlines import DeadlineKind, register


def _agency_people(rect):
    from sanxiang.org.models import Role, User

    return list(
        User.objects.filter(agency_id=rect.agency_id, role__in=[Role.HEAD], is_active=True)
    ) + ([rect.issued_by] if rect.issued_by_id else [])


def register_all():
    from .models import RectificationStatus

    register(
        DeadlineKind(
            key="evaluation.rectification",
            label=_("整改期限"),
            model="evaluation.Rectification",
            field="deadline",
            is_open=lambda r: r.status
            in (RectificationStatus.ISSUED, RectificationStatus.RETURNED),
            communicated=lambda r: str(_("整改通知")),
            owners=_agency_people,
            url=lambda r: reverse("evaluation:rectification", args=[r.pk]),
            describe=lambda r: r.sheet.case_number or r.sheet.case_title,
        )
    )
