"""Review services: the gate."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import CaseActType

from ..models import (
    OPEN_STATUSES,
    DiscussionConclusion,
    OpinionKind,
    Review,
    ReviewScope,
    ReviewStatus,
    Transfer,
)
from ._base import (
    ACTIVE_FOR_GATE,
    DECISION_KINDS_PENALTY,
    _is_penalty,
    draft_hash,
)
from .coverage import evaluate_scope, latest_scope
from .workflow import _outcome_stands

# --------------------------------------------------------------------------- the gate


def gate_applies(case, document) -> bool:
    """The review gate concerns the case's main decision: the penalty decision of a penalty
    case, or any decision of another act type (a seizure during a penalty investigation is
    not the decision under review)."""
    if _is_penalty(case):
        if case.act_type == CaseActType.PENALTY_SIMPLE:
            return False
        return document is None or document.kind in DECISION_KINDS_PENALTY
    return True


@dataclass
class GateStatus:
    ok: bool
    required: bool
    message: str
    reasons: list = field(default_factory=list)
    review: Review | None = None
    scope: ReviewScope | None = None


def gate_status(case, document=None, on_date=None) -> GateStatus:
    """Whether a decision on ``document`` may be issued now, and why (shown on the case page)."""
    scope = latest_scope(case)
    if scope is None:
        if case.act_type == CaseActType.PENALTY_GENERAL:
            return GateStatus(
                False,
                True,
                _("尚未进行法制审核范围评估：一般程序行政处罚决定作出前须先评估是否须经法制审核。"),
            )
        evaluation = evaluate_scope(case, {}, on_date)
    else:
        evaluation = evaluate_scope(case, scope.answers, on_date)
    if not evaluation.required:
        return GateStatus(True, False, _("无须法制审核。"), evaluation.reasons, scope=scope)
    if document is None:
        reviews = Review.objects.filter(case=case)
    else:
        reviews = Review.objects.filter(case=case, document=document)
    review = (
        reviews.filter(status__in=ACTIVE_FOR_GATE)
        .select_related("opinion")
        .order_by("-version")
        .first()
    )
    reasons = evaluation.reasons
    if review is None:
        return GateStatus(
            False, True, _("该决定须经法制审核，尚未提交法制审核。"), reasons, scope=scope
        )
    current = draft_hash(document) if document is not None else review.draft_hash
    if review.status in OPEN_STATUSES:
        return GateStatus(
            False,
            True,
            _("法制审核尚未完成（%(s)s），不得作出决定。") % {"s": review.get_status_display()},
            reasons,
            review,
            scope,
        )
    if review.status == ReviewStatus.DISPUTED:
        return GateStatus(
            False,
            True,
            _("对审核意见的异议尚待机关负责人集体讨论决定，不得作出决定。"),
            reasons,
            review,
            scope,
        )
    if document is None:
        # A decision without a decision document (撤销案件、移送、不予处罚 …) may follow a
        # standing 不予作出 opinion or a recorded 移送; a penalty needs its 决定书 reviewed.
        if _outcome_stands(review, OpinionKind.REFUSE) or (
            _outcome_stands(review, OpinionKind.TRANSFER)
            and Transfer.objects.filter(review=review).exists()
        ):
            return GateStatus(
                True,
                True,
                _("依法制审核意见（%(k)s）作出不含决定书的处理决定。")
                % {"k": review.get_outcome_display()},
                reasons,
                review,
                scope,
            )
    approved_hash = None
    if review.outcome == OpinionKind.AGREE:
        approved_hash = review.opinion.draft_hash
    elif review.status == ReviewStatus.SETTLED:
        discussion = review.dispute.discussion
        if discussion.conclusion == DiscussionConclusion.OVERRULE:
            approved_hash = discussion.draft_hash
    if approved_hash is None:
        return GateStatus(
            False,
            True,
            _("法制审核意见为“%(k)s”，未经审核同意，不得作出决定。")
            % {"k": review.get_outcome_display()},
            reasons,
            review,
            scope,
        )
    if approved_hash != current:
        return GateStatus(
            False,
            True,
            _("决定书代拟稿在审核同意后已被修改，原审核结论失效，须重新提交法制审核。"),
            reasons,
            review,
            scope,
        )
    how = (
        _("法制审核同意")
        if review.outcome == OpinionKind.AGREE
        else _("机关负责人经集体讨论决定作出")
    )
    return GateStatus(
        True,
        True,
        _("已%(h)s（第%(v)d次送审）。") % {"h": how, "v": review.version},
        reasons,
        review,
        scope,
    )


def gate(case, document, actor):
    """The decision gate, called by ``cases.services.decide`` (via ``effects.review_gate``)
    and by ``documents.services.issue_document``: raises DomainError(REVIEW_REQUIRED) to
    refuse the decision."""
    if not gate_applies(case, document):
        return
    if document is not None and document.pk:
        # the stored draft is what will be issued (issue_document re-reads it)
        document = type(document).objects.get(pk=document.pk)
    status = gate_status(case, document)
    if not status.ok:
        raise DomainError(status.message, ErrorCode.REVIEW_REQUIRED, details=status.reasons)
