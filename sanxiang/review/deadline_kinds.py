"""The review's 审核期限 (10 working days from acceptance), tracked by ``workdays.deadlines``."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sanxiang.workdays.deadlines import DeadlineKind, register


def register_all():
    from .models import ReviewStatus

    register(
        DeadlineKind(
            key="review.deadline",
            label=_("法制审核期限"),
            model="review.Review",
            field="deadline",
            is_open=lambda r: r.status == ReviewStatus.IN_REVIEW,
            owners=lambda r: [r.reviewer] if r.reviewer_id else [],
            url=lambda r: reverse("review:detail", args=[r.pk]),
            describe=lambda r: r.case.number or r.case.title,
        )
    )
