"""Review services: coverage — does a proposed decision fall under legal review (审核范围)?

The catalogue of major decisions, the statutory criteria and the agency's own policy decide
whether a case's decision must be reviewed before it is made (``evaluate_scope``); the
handler's assessment is recorded as a ``ReviewScope`` (``assess_scope``). Named
``coverage`` so it is not mistaken for ``org.scoping.scope`` (which rows a user may see).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import CaseActType
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event

from ..models import (
    Criterion,
    ReviewScope,
)
from ._base import (
    _first_party_type,
    _name,
    _require_case_active,
    _require_handling_unit,
    draft_hash,
    proposed_penalty,
)

# --------------------------------------------------------------------------- coverage


@dataclass
class ScopeEvaluation:
    required: bool
    catalogue_rules: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)
    policy_applies: bool = False
    reasons: list = field(default_factory=list)
    proposal: dict = field(default_factory=dict)


def _clean_answers(case, answers) -> dict:
    answers = answers or {}
    unknown = set(answers) - set(Criterion.values)
    if unknown:
        raise DomainError(
            _("未知的法定审核情形：%(k)s。") % {"k": "、".join(sorted(unknown))},
            code=ErrorCode.BAD_CHOICE,
        )
    clean = {c: bool(answers.get(c, False)) for c in Criterion.values}
    if case.hearing_held:
        clean[Criterion.HEARING] = True
    return clean


def evaluate_scope(case, answers=None, on_date=None) -> ScopeEvaluation:
    """Does the proposed decision need legal review? (catalogue + statutory criteria + policy)."""
    from sanxiang.catalog.major import MajorProposal, is_major

    answers = _clean_answers(case, answers)
    proposal = MajorProposal(
        agency=case.agency,
        act_type=case.act_type,
        field=case.field or "",
        party_type=_first_party_type(case),
        fine=case.proposed_fine,
        confiscation_value=case.confiscation_value,
        penalty_kinds=set(case.proposed_penalty_kinds or []),
        hearing_held=bool(case.hearing_held),
        on_date=on_date,
        extra={k: v for k, v in answers.items() if v},
    )
    rules = is_major(proposal)
    reasons = []
    rule_refs = []
    for rule in rules:
        text = rule.describe()
        rule_refs.append(
            {
                "id": rule.pk,
                "code": rule.code,
                "describe": str(text),
                "version": getattr(rule, "version_id", None),
            }
        )
        reasons.append(
            _("命中本机关重大执法决定法制审核目录清单第%(c)s项：%(d)s")
            % {"c": rule.code, "d": text}
        )
    for key, value in answers.items():
        if value:
            reasons.append(_("属于法定审核情形：%(l)s") % {"l": Criterion(key).label})
    policy = case.act_type == CaseActType.PENALTY_GENERAL and bool(
        case.agency.review_all_general_penalties
    )
    if policy:
        reasons.append(_("本机关规定：适用一般程序的行政处罚决定一律进行法制审核"))
    required = bool(rules) or any(answers.values()) or policy
    if not required:
        reasons.append(_("未命中重大执法决定法制审核目录清单，且不属于法定审核情形，无须法制审核"))
        if case.act_type == CaseActType.PENALTY_GENERAL:
            reasons.append(_("本机关已关闭“一般程序行政处罚决定一律审核”的规定"))
    return ScopeEvaluation(
        required=required,
        catalogue_rules=rule_refs,
        answers={k: v for k, v in answers.items()},
        policy_applies=policy,
        reasons=[str(r) for r in reasons],
        proposal=proposed_penalty(case),
    )


@transaction.atomic
def assess_scope(case, answers, actor, *, document=None, note="", on_date=None) -> ReviewScope:
    """The handler answers the statutory criteria; the platform records whether review is
    required and why (catalogue rules matched, criteria, agency policy)."""
    _require_handling_unit(case, actor)
    _require_case_active(case, _("评估法制审核范围"))
    if document is not None and document.case_id != case.pk:
        raise DomainError(_("所附文书不属于本案件。"), code=ErrorCode.NOT_IN_SCOPE)
    result = evaluate_scope(case, answers, on_date)
    scope = ReviewScope.objects.create(
        case=case,
        agency_id=case.agency_id,
        document=document,
        draft_hash=draft_hash(document),
        required=result.required,
        catalogue_rules=result.catalogue_rules,
        answers=result.answers,
        answer_note=(note or "").strip(),
        policy_applies=result.policy_applies,
        reasons=result.reasons,
        proposal=result.proposal,
        assessed_by=actor,
        assessed_by_name=_name(actor),
    )
    append_event(
        EventType.REVIEW_SCOPE_ASSESSED,
        case,
        {
            "scope": scope.pk,
            "required": scope.required,
            "rules": [r["code"] for r in scope.catalogue_rules],
            "answers": scope.answers,
            "policy": scope.policy_applies,
        },
        actor,
    )
    return scope


def latest_scope(case):
    return ReviewScope.objects.filter(case=case).order_by("-id").first()
