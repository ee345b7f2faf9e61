"""立案 and 调查取证: open, approve, handlers and parties, investigation activities."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.core.fields import CaseActType, EnforcementField, PartyType, RecordedActivity
from sanxiang.core.ids import ric_error, usci_error
from sanxiang.ledger.events import EventType
from sanxiang.notifications import events as notify_events
from sanxiang.org.models import Officer, Role
from sanxiang.org.permissions import require_role, require_same_agency
from sanxiang.org.services import may_enforce

from .. import flows, gates
from ..models import (
    Case,
    CaseHandler,
    CaseSource,
    EventKind,
    HandlerRole,
    OpeningStatus,
    Party,
    Stage,
)
from . import _base as b
from . import dates

# --------------------------------------------------------------------------- parties


def clean_party(data):
    """Validate one party's data (dict); returns the cleaned dict or raises DomainError."""
    party_type = data.get("party_type")
    if party_type not in PartyType.values:
        raise DomainError(_("请选择当事人类别。"), code=ErrorCode.REQUIRED)
    name = (data.get("name") or "").strip()
    if not name:
        raise DomainError(_("当事人姓名或名称不能为空。"), code=ErrorCode.REQUIRED)
    id_number = (data.get("id_number") or "").strip().upper()
    usci = (data.get("usci") or "").strip().upper()
    if party_type == PartyType.NATURAL_PERSON:
        if not id_number:
            raise DomainError(_("自然人当事人须填写居民身份证号码。"), code=ErrorCode.REQUIRED)
        if usci:
            raise DomainError(
                _("自然人当事人不应填写统一社会信用代码。"), code=ErrorCode.INCONSISTENT
            )
    elif party_type in (PartyType.LEGAL_PERSON, PartyType.OTHER_ORG):
        if not usci:
            raise DomainError(
                _("法人或其他组织当事人须填写统一社会信用代码。"), code=ErrorCode.REQUIRED
            )
    elif party_type == PartyType.INDIVIDUAL_BUSINESS:
        if not usci and not id_number:
            raise DomainError(
                _("个体工商户须填写统一社会信用代码或经营者身份证号码。"), code=ErrorCode.REQUIRED
            )
    if id_number:
        error = ric_error(id_number)
        if error:
            raise DomainError(
                _("当事人%(n)s的身份证号码有误：%(e)s") % {"n": name, "e": error},
                code=ErrorCode.BAD_FORMAT,
            )
    if usci:
        error = usci_error(usci)
        if error:
            raise DomainError(
                _("当事人%(n)s的统一社会信用代码有误：%(e)s") % {"n": name, "e": error},
                code=ErrorCode.BAD_FORMAT,
            )
    return {
        "party_type": party_type,
        "name": name,
        "id_number": id_number,
        "usci": usci,
        "legal_representative": (data.get("legal_representative") or "").strip(),
        "address": (data.get("address") or "").strip(),
        "phone": (data.get("phone") or "").strip(),
    }


def _party_ref(party):
    return {"id": party.pk, "type": party.party_type, "name": party.name}


@transaction.atomic
def add_party(case, actor, **data):
    """Register a party (当事人) of the case."""
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_active(case, _("登记当事人"))
    if case.decision_at and case.decision_outcome:
        raise DomainError(_("已作出决定的案件不能再增加当事人。"), ErrorCode.ILLEGAL_TRANSITION)
    party = Party.objects.create(case=case, **clean_party(data))
    b.record(
        case,
        EventKind.PARTY_ADDED,
        actor,
        summary=_("登记当事人：%(n)s") % {"n": party.name},
        data={"party": _party_ref(party)},
    )
    return party


# --------------------------------------------------------------------------- handlers


def _check_officer(case, officer):
    if not isinstance(officer, Officer):
        raise DomainError(_("执法人员无效。"), code=ErrorCode.BAD_CHOICE)
    if officer.agency_id != case.agency_id:
        raise PermissionDenied(
            _("%(o)s不是本机关（%(a)s）的执法人员。") % {"o": officer.name, "a": case.agency}
        )
    if not officer.is_active:
        raise DomainError(
            _("%(o)s已不在执法岗位。") % {"o": officer.name}, code=ErrorCode.CERTIFICATE
        )


def _assign(case, officer, role, actor):
    _check_officer(case, officer)
    if case.handlers.filter(officer=officer).exists():
        raise DomainError(_("%(o)s已是本案办案人员。") % {"o": officer.name}, ErrorCode.CONFLICT)
    if role == HandlerRole.MAIN and case.handlers.filter(role=HandlerRole.MAIN).exists():
        role = HandlerRole.INVESTIGATOR
    handler = CaseHandler.objects.create(case=case, officer=officer, role=role)
    return handler


@transaction.atomic
def add_handler(case, actor, officer, role=HandlerRole.INVESTIGATOR):
    """Assign an officer of the case's agency to the case (head or an assigned handler)."""
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_active(case, _("指定办案人员"))
    if role not in HandlerRole.values:
        raise DomainError(_("办案人员分工无效。"), code=ErrorCode.BAD_CHOICE)
    handler = _assign(case, officer, role, actor)
    b.record(
        case,
        EventKind.HANDLER_ADDED,
        actor,
        summary=_("指定%(r)s：%(o)s") % {"r": handler.get_role_display(), "o": officer.name},
        data={"officer": officer.pk, "name": officer.name, "role": handler.role},
    )
    return handler


# --------------------------------------------------------------------------- opening


def _check_power(agency, act_type, power):
    if power is None:
        if act_type in flows.POWER_REQUIRED:
            raise DomainError(
                _("请从本机关的执法事项清单中选择执法事项（法律依据）。"),
                code=ErrorCode.NOT_IN_SCOPE,
            )
        return
    if power.agency_id != agency.pk:
        raise PermissionDenied(_("所选执法事项不属于本机关的权责清单。"))
    category = CaseActType.category(act_type)
    if power.act_type != category:
        raise DomainError(
            _("所选执法事项的类别为“%(p)s”，与案件的执法行为类别不一致。")
            % {"p": power.get_act_type_display()},
            code=ErrorCode.INCONSISTENT,
        )


def power_snapshot(power):
    if power is None:
        return "", {}
    version = getattr(power, "version", None)
    label = ""
    if version is not None:
        label = f"{version.get_kind_display()} 第{version.number}版"
    snapshot = {
        "id": power.pk,
        "code": power.code,
        "name": power.name,
        "act_type": power.act_type,
        "field": power.field,
        "legal_basis": power.legal_basis,
        "version_id": getattr(power, "version_id", None),
        "version_number": getattr(version, "number", None),
        "version": getattr(version, "ref", None),
    }
    return label, snapshot


@transaction.atomic
def open_case(
    *,
    agency,
    actor,
    act_type,
    title,
    source,
    power=None,
    field=None,
    region=None,
    place="",
    facts="",
    source_detail="",
    found_at=None,
    parties=(),
    officers=(),
):
    """登记案源并提请立案 (status pending the head's approval).

    ``parties``: list of dicts (see ``clean_party``); ``officers``: Officer objects of the
    agency (the actor's own officer is added as 主办人 when it has one).
    """
    require_role(actor, Role.HANDLER, Role.HEAD)
    require_same_agency(actor, agency.pk, _("您只能在本机关立案。"))
    if act_type not in CaseActType.values:
        raise DomainError(_("请选择执法行为类别。"), code=ErrorCode.REQUIRED)
    if act_type == CaseActType.PENALTY_SIMPLE:
        raise DomainError(_("简易程序案件请使用“当场处罚”办理。"), code=ErrorCode.INCONSISTENT)
    if source not in CaseSource.values:
        raise DomainError(_("请选择案件来源。"), code=ErrorCode.REQUIRED)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("案由不能为空。"), code=ErrorCode.REQUIRED)
    _check_power(agency, act_type, power)
    field = field or (power.field if power is not None else None)
    if not field and len(agency.fields or []) == 1:
        field = agency.fields[0]
    if field not in EnforcementField.values:
        raise DomainError(_("请选择执法领域。"), code=ErrorCode.REQUIRED)
    region = (region or agency.region or "").strip()
    found_at = b.as_datetime(found_at) if found_at else None
    if found_at is not None:
        dates.not_in_future(found_at, dates.FOUND)
    cleaned = [clean_party(p) for p in parties]
    version_label, snapshot = power_snapshot(power)
    case = Case.objects.create(
        agency=agency,
        power=power,
        catalog_version=version_label,
        power_snapshot=snapshot,
        act_type=act_type,
        title=title,
        facts=facts or "",
        field=field,
        region=region,
        place=place or "",
        source=source,
        source_detail=source_detail or "",
        found_at=found_at,
        created_by=actor,
    )
    own = b.officer_of(actor)
    ordered = list(officers)
    if own is not None and own not in ordered:
        ordered.insert(0, own)
    for i, officer in enumerate(ordered):
        _assign(case, officer, HandlerRole.MAIN if i == 0 else HandlerRole.INVESTIGATOR, actor)
    party_objs = [Party.objects.create(case=case, **p) for p in cleaned]
    b.record(
        case,
        EventKind.CREATED,
        actor,
        summary=_("登记案源并提请立案：%(t)s") % {"t": title},
        data={
            "title": title,
            "source": source,
            "power": snapshot,
            "catalog_version": version_label,
            "handlers": [{"officer": o.pk, "name": o.name} for o in ordered],
            "parties": [_party_ref(p) for p in party_objs],
        },
    )
    notify_events.opening_requested(case, actor)
    return case


@transaction.atomic
def approve_opening(case, actor, *, opinion="", at=None, late_reason=""):
    """机关负责人批准立案: assigns the 案件编号 and starts the time limit.

    ``at``: the date of the approval (立案日期; default now); one more than
    ``dates.late_entry_days()`` days back is a 补录 and needs ``late_reason``."""
    case = b.lock(case)
    b.require_head(actor, case)
    b.require_stage(case, Stage.OPENING, action=_("批准立案"))
    if case.opening_status != OpeningStatus.PENDING:
        raise DomainError(_("该案件已审批立案。"), ErrorCode.ILLEGAL_TRANSITION)
    if not case.handlers.exists():
        raise DomainError(_("尚未指定办案人员，不能立案。"), code=ErrorCode.MISSING_MATERIAL)
    at = b.as_datetime(at)
    entry = dates.check_act(
        case,
        at,
        what=dates.REGISTRATION,
        after=[(dates.FOUND, case.found_at)],
        late_reason=late_reason,
        registered=False,
    )
    case.opening_status = OpeningStatus.APPROVED
    case.opened_at = at
    case.approved_by = actor
    case.number = b.next_number(case.agency, b.as_date(at).year, "立")
    opened_on = b.as_date(at)
    pol = b.policy(case.agency)
    if case.act_type == CaseActType.PENALTY_GENERAL:
        # 行政处罚法 第六十条: 90 (calendar) days from 立案.
        case.deadline = opened_on + dt.timedelta(days=pol.decision_days)
    elif case.power_id and case.power.time_limit_days:
        b.set_deadline(case, "deadline", opened_on, case.power.time_limit_days)
    case.save()
    b.record(
        case,
        EventKind.OPENING_APPROVED,
        actor,
        summary=_("批准立案，案件编号 %(n)s") % {"n": case.number},
        data={"number": case.number, "opinion": opinion, "deadline": case.deadline},
        at=at,
        event_type=EventType.CASE_OPENED,
        entry=entry,
    )
    notify_events.opening_decided(case, actor, approved=True)
    return case


@transaction.atomic
def reject_opening(case, actor, *, reason):
    """机关负责人决定不予立案 (the case ends as terminated)."""
    case = b.lock(case)
    b.require_head(actor, case)
    b.require_stage(case, Stage.OPENING, action=_("审批立案"))
    if case.opening_status != OpeningStatus.PENDING:
        raise DomainError(_("该案件已审批立案。"), ErrorCode.ILLEGAL_TRANSITION)
    if not (reason or "").strip():
        raise DomainError(_("不予立案须说明理由。"), code=ErrorCode.REASON_REQUIRED)
    old = b.move(case, Stage.TERMINATED, actor)
    case.opening_status = OpeningStatus.REJECTED
    case.terminated_at = b.now()
    case.save()
    b.record(
        case,
        EventKind.OPENING_REJECTED,
        actor,
        summary=_("不予立案：%(r)s") % {"r": reason.strip()},
        data={"reason": reason.strip()},
        old_stage=old,
    )
    b.stage_changed(case, old, actor)
    notify_events.opening_decided(case, actor, approved=False)
    return case


# --------------------------------------------------------------------------- investigation


def certified_officers(case, officers, on_date):
    """(ok officers, refusal reasons) for ``officers`` on ``on_date`` in the case's field/region."""
    ok, reasons = [], []
    for officer in officers:
        check = may_enforce(officer, case.field, case.region, on_date)
        if check:
            ok.append(officer)
        else:
            reasons.append(check.reason)
    return ok, reasons


def require_two_officers(case, officers, on_date, action):
    """行政处罚法 第四十二条: at least two officers with valid certificates."""
    if case.act_type not in flows.TWO_OFFICER_ACT_TYPES:
        return
    for officer in officers:
        _check_officer(case, officer)
    ok, reasons = certified_officers(case, officers, on_date)
    if len(ok) < 2:
        message = _(
            "%(a)s须由两名以上持有有效执法证（%(f)s领域、%(r)s）的执法人员实施"
            "（《行政处罚法》第四十二条），当前符合条件的仅 %(n)d 人。"
        ) % {
            "a": action,
            "f": EnforcementField(case.field).label,
            "r": case.region,
            "n": len(ok),
        }
        if reasons:
            message += " " + " ".join(str(r) for r in reasons)
        raise DomainError(message, ErrorCode.CERTIFICATE, details=[str(r) for r in reasons])


@transaction.atomic
def start_investigation(case, actor, *, at=None, late_reason=""):
    """立案 → 调查取证 (needs two certified officers among the handlers)."""
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_stage(case, Stage.OPENING, action=_("开始调查"))
    if case.opening_status != OpeningStatus.APPROVED:
        raise DomainError(
            _("立案尚未经机关负责人批准，不能开始调查。"), ErrorCode.ILLEGAL_TRANSITION
        )
    at = b.as_datetime(at)
    entry = dates.check_act(case, at, what=dates.INVESTIGATION_START, late_reason=late_reason)
    officers = [h.officer for h in case.handlers.select_related("officer")]
    require_two_officers(case, officers, b.as_date(at), _("调查取证"))
    old = b.move(case, Stage.INVESTIGATION, actor)
    case.save()
    b.record(
        case,
        EventKind.INVESTIGATION_STARTED,
        actor,
        summary=_("开始调查取证"),
        data={"officers": [{"id": o.pk, "name": o.name} for o in officers]},
        at=at,
        old_stage=old,
        entry=entry,
    )
    b.stage_changed(case, old, actor)
    return case


# Evidence-gathering and coercive activities: two certified officers whatever the stage.
INVESTIGATIVE = {
    RecordedActivity.ON_SITE_INSPECTION,
    RecordedActivity.INTERVIEW,
    RecordedActivity.EVIDENCE_PRESERVATION,
    RecordedActivity.SEIZURE,
    RecordedActivity.SAMPLING,
    RecordedActivity.FORCED_DEMOLITION,
    RecordedActivity.EXECUTION,
}
ACTIVITY_STAGES = (Stage.INVESTIGATION, Stage.DECISION, Stage.SERVICE, Stage.EXECUTION)


@transaction.atomic
def record_event(
    case,
    actor,
    *,
    description,
    activity="",
    at=None,
    place="",
    officers=(),
    evidence=(),
    documents=(),
    data=None,
    late_reason="",
):
    """Record an enforcement activity (现场检查、询问、抽样、先行登记保存、查封扣押…).

    ``officers``: the officers present (two certified ones for investigation activities of
    penalty/coercion/inspection cases); ``evidence``: list of short evidence descriptions;
    ``documents``: Document objects of this case (笔录 etc.). Registered activity checks
    (``gates.register_activity_check``) may refuse or add warnings (e.g. A/V required).
    """
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_stage(case, *ACTIVITY_STAGES, action=_("记录执法活动"))
    description = (description or "").strip()
    if not description:
        raise DomainError(_("请填写执法活动的内容。"), code=ErrorCode.REQUIRED)
    if activity and activity not in RecordedActivity.values:
        raise DomainError(_("执法活动类别无效。"), code=ErrorCode.BAD_CHOICE)
    at = b.as_datetime(at)
    entry = dates.check_act(case, at, what=dates.ACTIVITY, late_reason=late_reason)
    officers = list(officers)
    if activity and (case.stage == Stage.INVESTIGATION or activity in INVESTIGATIVE):
        require_two_officers(case, officers, b.as_date(at), _("该调查取证活动"))
    elif officers:
        for officer in officers:
            _check_officer(case, officer)
    for doc in documents:
        b.check_document(case, doc)
    payload = dict(data or {})
    payload.update(
        {
            "description": description,
            "place": place or case.place,
            "officers": [{"id": o.pk, "name": o.name} for o in officers],
            "evidence": [str(e) for e in evidence if str(e).strip()],
            "documents": [b.document_ref(d) for d in documents],
        }
    )
    payload["at"] = at.isoformat()
    warnings = gates.run_activity_checks(case, activity, payload, actor)
    if warnings:
        payload["warnings"] = warnings
    label = RecordedActivity(activity).label if activity else _("执法活动")
    return b.record(
        case,
        EventKind.ACTIVITY,
        actor,
        summary=f"{label}：{description}"[:500],
        data=payload,
        at=at,
        activity=activity,
        entry=entry,
    )


@transaction.atomic
def finish_investigation(
    case,
    actor,
    *,
    report,
    proposed_penalty_kinds=(),
    proposed_fine=None,
    confiscation_value=None,
    is_major=False,
    at=None,
    late_reason="",
):
    """调查终结: the investigation report; the case goes to 审查决定."""
    from sanxiang.core.fields import PenaltyKind

    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_stage(case, Stage.INVESTIGATION, action=_("调查终结"))
    report = (report or "").strip()
    if not report:
        raise DomainError(
            _("请填写调查终结报告（事实、证据、处理意见）。"), code=ErrorCode.REQUIRED
        )
    if not case.events.filter(kind=EventKind.ACTIVITY).exists():
        raise DomainError(
            _("尚未记录任何调查取证活动，不能调查终结。"), code=ErrorCode.MISSING_MATERIAL
        )
    kinds = list(dict.fromkeys(proposed_penalty_kinds or []))
    bad = [k for k in kinds if k not in PenaltyKind.values]
    if bad:
        raise DomainError(
            _("未知的处罚种类：%(k)s。") % {"k": "、".join(bad)}, code=ErrorCode.BAD_CHOICE
        )
    fine = b.money(proposed_fine, _("拟罚款金额"))
    if fine and PenaltyKind.FINE not in kinds:
        kinds.append(PenaltyKind.FINE)
    at = b.as_datetime(at)
    entry = dates.check_act(
        case,
        at,
        what=dates.INVESTIGATION_END,
        after=[
            dates.latest_event(case, EventKind.INVESTIGATION_STARTED),
            dates.latest_event(case, EventKind.ACTIVITY),
        ],
        late_reason=late_reason,
    )
    old = b.move(case, Stage.DECISION, actor)
    case.proposed_penalty_kinds = kinds
    case.proposed_fine = fine
    case.confiscation_value = b.money(confiscation_value, _("没收金额"))
    if is_major and not case.is_major:
        case.is_major = True
        case.discussion_required = True
    case.save()
    b.record(
        case,
        EventKind.INVESTIGATION_FINISHED,
        actor,
        summary=_("调查终结，提出处理意见"),
        data={
            "report": report,
            "proposed_penalty_kinds": kinds,
            "proposed_fine": fine,
            "confiscation_value": case.confiscation_value,
            "is_major": case.is_major,
        },
        at=at,
        old_stage=old,
        entry=entry,
    )
    b.stage_changed(case, old, actor)
    return case


@transaction.atomic
def terminate_case(case, actor, *, reason):
    """终止办理 / 撤销立案 by the head (any stage before closing)."""
    case = b.lock(case)
    b.require_head(actor, case)
    if case.stage in (Stage.CLOSING, Stage.ARCHIVED, Stage.TERMINATED):
        raise DomainError(
            _("案件已%(s)s，不能终止。") % {"s": case.get_stage_display()},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    if case.decision_at and not case.withdrawal_kind:
        raise DomainError(
            _("已作出决定的案件不能终止，应依法撤销决定或执行完毕后结案。"),
            ErrorCode.ILLEGAL_TRANSITION,
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("终止办理须说明理由。"), code=ErrorCode.REASON_REQUIRED)
    old = b.move(case, Stage.TERMINATED, actor)
    case.terminated_at = b.now()
    case.save()
    b.record(
        case,
        EventKind.TERMINATED,
        actor,
        summary=_("终止办理：%(r)s") % {"r": reason},
        data={"reason": reason},
        old_stage=old,
    )
    b.stage_changed(case, old, actor)
    return case


@transaction.atomic
def extend_deadline(case, days, reason, actor):
    """经机关负责人批准延长办案期限 (行政处罚法 第六十条 "另有规定的, 从其规定")."""
    case = b.lock(case)
    b.require_head(actor, case)
    b.require_active(case, _("延长办案期限"))
    if case.deadline is None:
        raise DomainError(_("该案件没有办案期限，无需延长。"), code=ErrorCode.WRONG_STATE)
    if case.decision_at:
        raise DomainError(_("已作出决定，无需延长办案期限。"), ErrorCode.ILLEGAL_TRANSITION)
    try:
        days = int(days)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("延长天数无效。"), code=ErrorCode.BAD_CHOICE) from exc
    if not 1 <= days <= 365:
        raise DomainError(_("延长天数应在 1 至 365 日之间。"), code=ErrorCode.OUT_OF_RANGE)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("延长办案期限须说明理由。"), code=ErrorCode.REASON_REQUIRED)
    old_deadline = case.deadline
    case.deadline = case.deadline + dt.timedelta(days=days)
    case.extension_days += days
    case.extension_reason = "；".join(filter(None, [case.extension_reason, reason]))[:500]
    case.save()
    b.record(
        case,
        EventKind.DEADLINE_EXTENDED,
        actor,
        summary=_("批准延长办案期限 %(d)d 日至 %(n)s：%(r)s")
        % {"d": days, "n": case.deadline, "r": reason},
        data={"days": days, "from": old_deadline, "to": case.deadline, "reason": reason},
    )
    return case
