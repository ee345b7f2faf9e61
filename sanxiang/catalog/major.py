"""重大执法决定法制审核目录: ``is_major(proposal)`` returns the rules a proposal matches.

Applicable rules are those of the agency's own published major-decision catalogue in force on
the proposal's date plus those of its ancestor agencies (e.g. the county 司法局's region-wide
catalogue). Amount thresholds are either inclusive ("以上（含本数）", fine ≥ amount) or exclusive
("超过"/"以上（不含本数）", fine > amount), per rule, separately by party type.
"""

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import ActType, CaseActType, PartyType, PenaltyKind

from .models import CatalogKind, MajorCondition, MajorDecisionRule


@dataclass
class MajorProposal:
    agency: object
    act_type: str
    field: str = ""
    party_type: str = ""
    fine: Decimal | None = None
    confiscation_value: Decimal | None = None
    penalty_kinds: set = dataclasses.field(default_factory=set)
    hearing_held: bool = False
    on_date: object = None
    extra: dict = dataclasses.field(default_factory=dict)


def _category(act_type):
    if act_type in CaseActType.values:
        return str(CaseActType.category(act_type))
    return act_type


def _amount_text(amount):
    amount = Decimal(amount)
    if amount >= 10000 and amount % 1000 == 0:
        wan = amount / 10000
        text = format(wan.normalize(), "f")
        return f"{text}万元"
    return f"{format(amount.normalize(), 'f')}元"


def _party_text(party_types):
    if not party_types:
        return _("当事人")
    names = [str(PartyType(p).label) for p in party_types if p in PartyType.values]
    return "或".join(names)


def describe_rule(rule):
    """Human-readable Chinese description, e.g. 对法人或非法人组织处以10万元以上（含本数）罚款."""
    if rule.description:
        return rule.description
    bound = _("以上（含本数）") if rule.inclusive else _("以上（不含本数）")
    scope = ""
    if rule.act_type:
        scope = str(ActType(rule.act_type).label)
    if rule.case_act_type:
        scope = str(CaseActType(rule.case_act_type).label)
    cond = rule.condition
    if cond == MajorCondition.FINE and rule.amount is not None:
        return _("拟对%(p)s处以%(a)s%(b)s罚款") % {
            "p": _party_text(rule.party_types),
            "a": _amount_text(rule.amount),
            "b": bound,
        }
    if cond == MajorCondition.CONFISCATION and rule.amount is not None:
        return _("拟对%(p)s没收违法所得、非法财物价值%(a)s%(b)s") % {
            "p": _party_text(rule.party_types),
            "a": _amount_text(rule.amount),
            "b": bound,
        }
    if cond == MajorCondition.PENALTY_KIND and rule.penalty_kind:
        return _("拟作出%(k)s的决定") % {"k": PenaltyKind(rule.penalty_kind).label}
    if cond == MajorCondition.HEARING:
        return _("经过听证程序拟作出的%(s)s决定") % {"s": scope or _("执法")}
    if cond == MajorCondition.FLAG and rule.flag:
        return str(rule.get_flag_display())
    if cond == MajorCondition.ALWAYS:
        return _("%(s)s决定一律进行法制审核") % {"s": scope or _("执法")}
    return str(rule.get_condition_display())


def _matches(rule, proposal, category, agency):
    if rule.act_type and rule.act_type != category:
        return False
    if rule.case_act_type and rule.case_act_type != proposal.act_type:
        return False
    if rule.field and proposal.field and rule.field != proposal.field:
        return False
    if rule.level and rule.level != agency.level:
        return False
    if rule.party_types and proposal.party_type not in rule.party_types:
        if rule.condition in (MajorCondition.FINE, MajorCondition.CONFISCATION):
            return False
    cond = rule.condition
    if cond == MajorCondition.ALWAYS:
        return True
    if cond == MajorCondition.HEARING:
        return bool(proposal.hearing_held)
    if cond == MajorCondition.PENALTY_KIND:
        return rule.penalty_kind in {str(k) for k in proposal.penalty_kinds or ()}
    if cond == MajorCondition.FLAG:
        return bool((proposal.extra or {}).get(rule.flag))
    value = proposal.fine if cond == MajorCondition.FINE else proposal.confiscation_value
    if value is None or rule.amount is None:
        return False
    value = Decimal(value)
    return value >= rule.amount if rule.inclusive else value > rule.amount


def applicable_rules(agency, on_date=None):
    from .services import applicable_versions

    versions = applicable_versions(agency, CatalogKind.MAJOR, on_date)
    return list(
        MajorDecisionRule.objects.filter(version__in=versions)
        .select_related("version", "version__agency")
        .order_by("version__agency__path", "code")
    )


def is_major(proposal):
    """The MajorDecisionRule items that make ``proposal`` a major decision (empty: not major)."""
    agency = proposal.agency
    if agency is None:
        raise DomainError(_("缺少执法机关。"), code=ErrorCode.REQUIRED)
    if not proposal.act_type:
        raise DomainError(_("缺少执法行为类别。"), code=ErrorCode.REQUIRED)
    category = _category(proposal.act_type)
    if category not in ActType.values:
        raise DomainError(
            _("未知的执法行为类别：%(t)s。") % {"t": proposal.act_type}, code=ErrorCode.BAD_CHOICE
        )
    if proposal.party_type and proposal.party_type not in PartyType.values:
        raise DomainError(
            _("未知的当事人类别：%(t)s。") % {"t": proposal.party_type}, code=ErrorCode.BAD_CHOICE
        )
    return [
        rule
        for rule in applicable_rules(agency, proposal.on_date)
        if _matches(rule, proposal, category, agency)
    ]
