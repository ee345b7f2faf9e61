"""简易程序 (当场处罚, 行政处罚法 第五十一条、第五十二条).

* Limits (第五十一条): a warning, or a fine of at most 200 yuan for a citizen (公民) or
  3,000 yuan for a legal person or other organisation. An 个体工商户 is treated as a
  citizen (民法典 第五十四条 places it under 自然人), so the 200-yuan limit applies.
* Officers: 第四十二条 requires at least two officers "法律另有规定的除外"; 第五十二条 only
  adds that the officer shows the certificate. We follow the text: two certified officers,
  unless the agency records the law that allows one (``CasePolicy.simple_single_officer_basis``,
  e.g. 道路交通安全法 第一百零七条 for traffic police).
* Filing (第五十二条第三款 "报所属行政机关备案"): the law sets no time; agencies' rules do
  (e.g. 市场监督管理行政处罚程序规定: 三个工作日内). ``CasePolicy.simple_filing_workdays``
  (default 3 working days); late filing is recorded and shown as overdue.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import CaseActType, EnforcementField, PartyType, PenaltyKind
from sanxiang.ledger.events import EventType
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_role, require_same_agency

from .. import signals
from ..models import (
    Case,
    CaseHandler,
    CaseSource,
    DecisionOutcome,
    EventKind,
    HandlerRole,
    OpeningStatus,
    Party,
    ServiceMethod,
    Stage,
)
from . import _base as b
from . import dates, effects
from .opening import _check_officer, _check_power, certified_officers, clean_party, power_snapshot

CITIZEN_LIMIT = Decimal("200")
ORGANISATION_LIMIT = Decimal("3000")
SIMPLE_KINDS = {PenaltyKind.WARNING, PenaltyKind.FINE}


def simple_limit(party_type):
    if party_type in (PartyType.NATURAL_PERSON, PartyType.INDIVIDUAL_BUSINESS):
        return CITIZEN_LIMIT
    return ORGANISATION_LIMIT


@transaction.atomic
def decide_on_the_spot(
    *,
    agency,
    actor,
    power,
    party,
    title,
    facts,
    basis,
    penalty_kinds,
    officers,
    place,
    fine=None,
    decided_at=None,
    region=None,
    field=None,
    source=CaseSource.PATROL,
    paid_on_spot=False,
    receipt_number="",
    document=None,
    late_reason="",
):
    """当场作出行政处罚决定: creates the case, decides, hands the decision over (service)
    and, when the fine is collected on the spot, records the payment."""
    require_role(actor, Role.HANDLER, Role.HEAD)
    require_same_agency(actor, agency.pk, _("您只能以本机关名义当场处罚。"))
    _check_power(agency, CaseActType.PENALTY_SIMPLE, power)
    cleaned = clean_party(party or {})
    kinds = list(dict.fromkeys(penalty_kinds or []))
    if not kinds:
        raise DomainError(_("请选择处罚种类（警告或罚款）。"), code=ErrorCode.REQUIRED)
    other = [k for k in kinds if k not in SIMPLE_KINDS]
    if other:
        raise DomainError(
            _("简易程序只能给予警告或者小额罚款（第五十一条），不能给予%(k)s。")
            % {
                "k": "、".join(
                    str(PenaltyKind(k).label) if k in PenaltyKind.values else k for k in other
                )
            },
            code=ErrorCode.LEGAL_REQUIREMENT,
        )
    fine = b.money(fine, _("罚款金额"))
    if PenaltyKind.FINE in kinds and not fine:
        raise DomainError(_("处罚种类包含罚款，请填写罚款金额。"), code=ErrorCode.INCONSISTENT)
    if fine and PenaltyKind.FINE not in kinds:
        raise DomainError(
            _("已填写罚款金额，处罚种类中应包含“罚款”。"), code=ErrorCode.INCONSISTENT
        )
    limit = simple_limit(cleaned["party_type"])
    if fine and fine > limit:
        who = _("公民") if limit == CITIZEN_LIMIT else _("法人或者其他组织")
        raise DomainError(
            _("对%(w)s当场罚款不得超过 %(l)s 元（第五十一条），本案 %(f)s 元应适用一般程序。")
            % {"w": who, "l": limit, "f": fine},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    for label, value in (
        (_("案由"), title),
        (_("违法事实"), facts),
        (_("处罚依据"), basis),
        (_("地点"), place),
    ):
        if not (value or "").strip():
            raise DomainError(_("请填写%(w)s。") % {"w": label}, code=ErrorCode.REQUIRED)
    at = b.as_datetime(decided_at)
    # the on-the-spot decision is the case's first act (it opens the case): rules 1 and 3
    entry = dates.check_act(
        None, at, what=dates.DECISION, late_reason=late_reason, registered=False
    )
    day = b.as_date(at)
    field = field or power.field
    if field not in EnforcementField.values:
        raise DomainError(_("请选择执法领域。"), code=ErrorCode.REQUIRED)
    officers = list(officers or [])
    own = b.officer_of(actor)
    if own is not None and own not in officers:
        officers.insert(0, own)
    pol = b.policy(agency)
    version_label, snapshot = power_snapshot(power)
    case = Case(
        agency=agency,
        power=power,
        catalog_version=version_label,
        power_snapshot=snapshot,
        act_type=CaseActType.PENALTY_SIMPLE,
        title=title.strip(),
        facts=facts.strip(),
        field=field,
        region=(region or agency.region).strip(),
        place=place.strip(),
        source=source if source in CaseSource.values else CaseSource.PATROL,
        created_by=actor,
        stage=Stage.DECISION,
        opening_status=OpeningStatus.APPROVED,
    )
    for officer in officers:
        _check_officer(case, officer)
    ok, reasons = certified_officers(case, officers, day)
    needed = 1 if pol.simple_single_officer_basis else 2
    if len(ok) < needed:
        raise DomainError(
            _(
                "当场处罚须由%(n)s持有有效执法证（%(f)s、%(r)s）的执法人员实施并出示执法证件"
                "（第四十二条、第五十二条）。"
            )
            % {
                "n": _("两名以上") if needed == 2 else _("一名"),
                "f": EnforcementField(field).label,
                "r": case.region,
            }
            + " ".join(str(r) for r in reasons),
            ErrorCode.CERTIFICATE,
        )
    case.opened_at = at
    case.approved_by = None
    case.number = b.next_number(agency, day.year, "简")
    case.save()
    for i, officer in enumerate(ok):
        CaseHandler.objects.create(
            case=case,
            officer=officer,
            role=HandlerRole.MAIN if i == 0 else HandlerRole.INVESTIGATOR,
        )
    party_obj = Party.objects.create(case=case, **cleaned)
    document = b.check_document(case, document) if document is not None else None
    effects.review_gate(case, document, actor)  # a simple-procedure decision needs none
    document = effects.issue_document(document, actor)
    b.record(
        case,
        EventKind.CREATED,
        actor,
        summary=_("当场检查发现：%(t)s") % {"t": case.title},
        data={
            "power": snapshot,
            "catalog_version": version_label,
            "place": case.place,
            "party": {"id": party_obj.pk, "name": party_obj.name, "type": party_obj.party_type},
            "officers": [{"id": o.pk, "name": o.name} for o in ok],
        },
        at=at,
        event_type=EventType.CASE_OPENED,
        entry=entry,
    )
    old = b.move(case, Stage.SERVICE, actor)
    case.decision_outcome = DecisionOutcome.PENALTY
    case.decision_at = at
    case.decided_by = actor
    case.penalty_kinds = kinds
    case.fine = fine
    case.decision_summary = basis.strip()
    case.proposed_penalty_kinds = kinds
    case.proposed_fine = fine
    b.set_deadline(case, "simple_filing_deadline", day, pol.simple_filing_workdays)
    if document is not None:
        case.decision_document_id = document.pk
        case.decision_number = getattr(document, "number", "") or ""
    case.save()
    b.record(
        case,
        EventKind.DECISION,
        actor,
        summary=_("当场作出行政处罚决定：%(k)s%(f)s")
        % {
            "k": "、".join(str(PenaltyKind(k).label) for k in kinds),
            "f": _("，罚款 %(f)s 元") % {"f": fine} if fine else "",
        },
        data={
            "outcome": DecisionOutcome.PENALTY,
            "penalty_kinds": kinds,
            "fine": fine,
            "facts": facts.strip(),
            "basis": basis.strip(),
            "certificates_shown": [{"officer": o.pk, "name": o.name} for o in ok],
            "document": b.document_ref(document),
        },
        at=at,
        event_type=EventType.DECISION_ISSUED,
        old_stage=old,
        entry=entry,
    )
    effects.publish(case, document, actor)
    signals.decision_issued.send(sender=Case, case=case, document=document, actor=actor)
    old2 = b.move(case, Stage.EXECUTION, actor)
    case.served_at = at
    case.service_method = ServiceMethod.ON_THE_SPOT
    if not fine:
        # a warning is executed by handing it over
        b.move(case, Stage.CLOSING, actor)
        case.execution_done = True
    case.save()
    b.record(
        case,
        EventKind.SERVICE,
        actor,
        summary=_("当场交付行政处罚决定书，受送达人%(p)s") % {"p": party_obj.name},
        data={"method": ServiceMethod.ON_THE_SPOT, "recipient": party_obj.name},
        at=at,
        activity="",
        old_stage=old2,
        entry=entry,
    )
    b.stage_changed(case, Stage.DECISION, actor)
    if fine and paid_on_spot:
        from .execution import record_payment

        record_payment(
            case,
            actor,
            amount=fine,
            method="on_the_spot",
            paid_at=at,
            receipt_number=receipt_number,
            late_reason=entry.late_reason,
        )
        case.refresh_from_db()
    return case


@transaction.atomic
def file_simple_decision(case, actor, *, at=None, note="", late_reason=""):
    """当场处罚决定报所属行政机关备案 (第五十二条第三款)."""
    case = b.lock(case)
    b.require_agency_member(actor, case, Role.HEAD, Role.HANDLER)
    if case.act_type != CaseActType.PENALTY_SIMPLE:
        raise DomainError(_("只有简易程序案件需要备案。"), ErrorCode.ILLEGAL_TRANSITION)
    if case.simple_filed_at:
        raise DomainError(_("该当场处罚决定已备案。"), ErrorCode.CONFLICT)
    b.require_active(case, _("备案"))
    at = b.as_datetime(at)
    entry = dates.check_act(
        case,
        at,
        what=dates.FILING,
        after=[(dates.DECISION, case.decision_at)],
        late_reason=late_reason,
    )
    late = bool(case.simple_filing_deadline and b.as_date(at) > case.simple_filing_deadline)
    case.simple_filed_at = at
    case.save()
    return b.record(
        case,
        EventKind.SIMPLE_FILED,
        actor,
        summary=_("当场处罚决定已报机关备案%(l)s")
        % {
            "l": _("（逾期，应于 %(d)s 前备案）") % {"d": case.simple_filing_deadline}
            if late
            else ""
        },
        data={"late": late, "deadline": case.simple_filing_deadline, "note": note},
        at=at,
        entry=entry,
    )
