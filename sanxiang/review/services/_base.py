"""Shared helpers and constants of the review services."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.core.fields import ActType, CaseActType, PenaltyKind
from sanxiang.org.models import Officer, Role
from sanxiang.org.permissions import require_role, require_same_agency

from ..models import (
    Review,
    ReviewStatus,
)

REVIEW_WORKDAYS = 10
NEARING_WORKDAYS = 2
REVIEWER_RATIO = Decimal("0.05")
DECISION_KINDS_PENALTY = ("penalty_decision",)
TRANSFER_MATERIALS = [
    "涉嫌犯罪案件移送书",
    "涉嫌犯罪案件情况的调查报告",
    "涉案物品清单",
    "有关检验报告或者鉴定结论",
    "其他有关涉嫌犯罪的材料",
]
ACTIVE_FOR_GATE = (
    ReviewStatus.SUBMITTED,
    ReviewStatus.ASSIGNED,
    ReviewStatus.IN_REVIEW,
    ReviewStatus.CONCLUDED,
    ReviewStatus.DISPUTED,
    ReviewStatus.SETTLED,
)


# --------------------------------------------------------------------------- helpers


def _name(user):
    return (getattr(user, "display_name", None) or str(user or ""))[:50]


def add_workdays(day, n):
    from sanxiang.workdays.calendar import add_workdays as _add

    return _add(day, n)


def workdays_between(start, end):
    from sanxiang.workdays.calendar import workdays_between as _between

    return _between(start, end)


def draft_hash(document) -> str:
    """Hash of a draft's content as the documents app computes it."""
    if document is None:
        return ""
    from sanxiang.documents.services import draft_content_hash

    return draft_content_hash(document)


def case_people_ids(case) -> set[int]:
    """User ids of the case's handlers and investigators (and the registering user)."""
    ids = set(
        Officer.objects.filter(case_roles__case=case, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    if getattr(case, "created_by_id", None):
        ids.add(case.created_by_id)
    return ids


def _is_case_handler(case, user) -> bool:
    return user.pk in case_people_ids(case)


def _require_agency(user, case_or_review, *roles):
    require_role(user, *roles)
    require_same_agency(
        user,
        case_or_review.agency_id,
        _("您只能办理本机关的法制审核事项。"),
    )


def _require_handling_unit(case, actor):
    """A handler of the case or the agency head acts for the handling unit."""
    _require_agency(actor, case, Role.HANDLER, Role.HEAD)
    if actor.role == Role.HANDLER and not _is_case_handler(case, actor):
        raise PermissionDenied(_("您不是本案的办案人员，不能办理此事项。"))


def _require_case_active(case, action):
    if case.stage in ("archived", "terminated"):
        raise DomainError(
            _("案件已%(s)s，不能%(a)s。") % {"s": case.get_stage_display(), "a": action},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    if case.decision_at:
        raise DomainError(
            _("本案已作出决定，不能%(a)s。") % {"a": action}, ErrorCode.ILLEGAL_TRANSITION
        )


def _lock(review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("case", "agency", "document")
        .get(pk=review.pk)
    )


def _is_penalty(case) -> bool:
    return CaseActType.category(case.act_type) == ActType.PENALTY


def _first_party_type(case):
    party = case.parties.order_by("id").first() if hasattr(case, "parties") else None
    return party.party_type if party else ""


def _money(value):
    return None if value is None else str(value)


def proposed_penalty(case) -> dict:
    return {
        "kinds": list(case.proposed_penalty_kinds or []),
        "kind_labels": [
            str(PenaltyKind(k).label) if k in PenaltyKind.values else str(k)
            for k in case.proposed_penalty_kinds or []
        ],
        "fine": _money(case.proposed_fine),
        "confiscation_value": _money(case.confiscation_value),
        "hearing_held": bool(case.hearing_held),
    }
