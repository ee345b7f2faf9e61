"""The working-day deadlines a case holds, registered with ``workdays.deadlines`` so that
entering a year's holiday schedule recomputes those that were provisional."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sanxiang.workdays.deadlines import DeadlineKind, register

from .models import Stage

ENDED = (Stage.CLOSING, Stage.ARCHIVED, Stage.TERMINATED)


def _handlers(case):
    return [h.officer.user for h in case.handlers.select_related("officer__user")]


def _url(case):
    return reverse("cases:detail", args=[case.pk])


def _describe(case):
    return case.number or case.title


def _notice(case):
    """The 事先告知 communicated the statement / hearing deadlines to the party."""
    if case.notice_at is None:
        return ""
    return str(_("行政处罚事先告知书"))


def register_all():
    common = {"model": "cases.Case", "owners": _handlers, "url": _url, "describe": _describe}
    register(
        DeadlineKind(
            key="case.deadline",
            label=_("办案期限"),
            field="deadline",
            is_open=lambda c: c.stage not in ENDED,
            **common,
        )
    )
    register(
        DeadlineKind(
            key="case.statement_deadline",
            label=_("陈述申辩期限"),
            field="statement_deadline",
            is_open=lambda c: c.stage == Stage.DECISION and c.decision_at is None,
            communicated=_notice,
            **common,
        )
    )
    register(
        DeadlineKind(
            key="case.hearing_request_deadline",
            label=_("听证申请期限"),
            field="hearing_request_deadline",
            is_open=lambda c: c.stage == Stage.DECISION and c.decision_at is None,
            communicated=_notice,
            **common,
        )
    )
    register(
        DeadlineKind(
            key="case.service_deadline",
            label=_("送达期限"),
            field="service_deadline",
            is_open=lambda c: c.served_at is None and c.stage not in ENDED,
            **common,
        )
    )
    register(
        DeadlineKind(
            key="case.simple_filing_deadline",
            label=_("备案期限"),
            field="simple_filing_deadline",
            is_open=lambda c: c.simple_filed_at is None and c.stage not in ENDED,
            **common,
        )
    )
