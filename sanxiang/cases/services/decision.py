"""审查决定: prior notice (告知), statement and defence, hearing, waiver, collective
discussion, the decision (with the decision gates) and its withdrawal.

Windows (documented choices):

* 陈述申辩 window: ``CasePolicy.statement_window_workdays`` working days after the notice
  (default 3, the common agency practice; the law fixes no number). The party may state
  until the end of that day; the decision is possible from the next day on.
* 听证 request: within 5 working days of the notice (行政处罚法 第六十四条第一项; "五日"
  are working days per 第八十五条).
* 听证 notice: at least 7 working days before the hearing (第六十四条第二项 with 第八十五条).
* Hearing scope (第六十三条): fine ≥ the agency's "较大数额" (default 10,000 yuan for a
  natural person or individual business, 100,000 yuan for an organisation; provinces set
  the amount, so it is ``CasePolicy``), confiscation of a value ≥ the same kind of
  threshold, 降低资质等级/吊销许可证件, 责令停产停业/责令关闭/限制从业, and as "其他较重的
  行政处罚" 暂扣许可证件 and 限制开展生产经营活动, or when the handler flags it.
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import CaseActType, PartyType, PenaltyKind
from sanxiang.ledger.events import EventType
from sanxiang.notifications import events as notify_events
from sanxiang.org.models import Role

from .. import signals
from ..models import (
    Case,
    CollectiveDiscussion,
    DecisionOutcome,
    EventKind,
    Stage,
    WithdrawalKind,
)
from . import _base as b
from . import dates, effects

HEAVY_KINDS = {
    PenaltyKind.LOWER_QUALIFICATION: _("降低资质等级"),
    PenaltyKind.REVOKE_LICENCE: _("吊销许可证件"),
    PenaltyKind.STOP_PRODUCTION: _("责令停产停业"),
    PenaltyKind.CLOSE: _("责令关闭"),
    PenaltyKind.RESTRICT_EMPLOYMENT: _("限制从业"),
    PenaltyKind.SUSPEND_LICENCE: _("暂扣许可证件（其他较重的行政处罚）"),
    PenaltyKind.RESTRICT_ACTIVITIES: _("限制开展生产经营活动（其他较重的行政处罚）"),
}
PERSON_TYPES = {PartyType.NATURAL_PERSON, PartyType.INDIVIDUAL_BUSINESS}


def _is_person_case(case):
    types = set(case.parties.values_list("party_type", flat=True))
    return bool(types) and types <= PERSON_TYPES


def hearing_grounds(case, kinds, fine, confiscation, other_heavy=False):
    """Reasons (zh) why the proposed penalty gives the right to a hearing (art. 63)."""
    pol = b.policy(case.agency)
    person = _is_person_case(case)
    grounds = []
    fine_limit = pol.hearing_fine_person if person else pol.hearing_fine_org
    conf_limit = pol.hearing_confiscation_person if person else pol.hearing_confiscation_org
    if fine is not None and fine >= fine_limit:
        grounds.append(_("较大数额罚款（%(f)s 元，标准 %(l)s 元）") % {"f": fine, "l": fine_limit})
    if confiscation is not None and confiscation >= conf_limit:
        grounds.append(
            _("没收较大数额违法所得或较大价值非法财物（%(f)s 元，标准 %(l)s 元）")
            % {"f": confiscation, "l": conf_limit}
        )
    for kind in kinds:
        if kind in HEAVY_KINDS:
            grounds.append(str(HEAVY_KINDS[kind]))
    if other_heavy:
        grounds.append(_("其他较重的行政处罚"))
    return grounds


def _clean_kinds(kinds):
    kinds = list(dict.fromkeys(kinds or []))
    bad = [k for k in kinds if k not in PenaltyKind.values]
    if bad:
        raise DomainError(
            _("未知的处罚种类：%(k)s。") % {"k": "、".join(bad)}, code=ErrorCode.BAD_CHOICE
        )
    return kinds


# --------------------------------------------------------------------------- prior notice


@transaction.atomic
def send_prior_notice(
    case,
    actor,
    *,
    facts,
    reasons,
    basis,
    penalty_kinds,
    fine=None,
    confiscation_value=None,
    other_heavy=False,
    notice_at=None,
    document=None,
    late_reason="",
):
    """行政处罚事先告知 (行政处罚法 第四十四条): content + rights; computes the windows.

    May be sent again before the decision (e.g. when the proposed penalty changes); the
    windows then run from the new notice.
    """
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_stage(case, Stage.DECISION, action=_("告知"))
    if case.decision_at:
        raise DomainError(_("已作出决定，不能再告知。"), ErrorCode.ILLEGAL_TRANSITION)
    if not case.parties.exists():
        raise DomainError(_("尚未登记当事人，不能告知。"), code=ErrorCode.MISSING_MATERIAL)
    content = {"facts": facts, "reasons": reasons, "basis": basis}
    missing = [
        label
        for key, label in (("facts", _("违法事实")), ("reasons", _("理由")), ("basis", _("依据")))
        if not (content[key] or "").strip()
    ]
    kinds = _clean_kinds(penalty_kinds)
    if not kinds:
        missing.append(_("拟作出的行政处罚种类"))
    if missing:
        raise DomainError(
            _("告知内容不完整，缺少：%(m)s。") % {"m": "、".join(map(str, missing))},
            code=ErrorCode.MISSING_MATERIAL,
        )
    fine = b.money(fine, _("拟罚款金额"))
    if fine and PenaltyKind.FINE not in kinds:
        raise DomainError(
            _("拟罚款金额已填写，处罚种类中应包含“罚款”。"), code=ErrorCode.INCONSISTENT
        )
    if PenaltyKind.FINE in kinds and not fine:
        raise DomainError(_("处罚种类包含罚款，请填写拟罚款金额。"), code=ErrorCode.INCONSISTENT)
    confiscation = b.money(confiscation_value, _("没收金额"))
    at = b.as_datetime(notice_at)
    entry = dates.check_act(
        case,
        at,
        what=dates.NOTICE,
        after=[
            dates.latest_event(
                case,
                EventKind.INVESTIGATION_FINISHED,
                EventKind.PRIOR_NOTICE,
                EventKind.DECISION_WITHDRAWN,
            )
        ],
        late_reason=late_reason,
    )
    document = effects.issue_document(b.check_document(case, document), actor)
    day = b.as_date(at)
    pol = b.policy(case.agency)
    grounds = hearing_grounds(case, kinds, fine, confiscation, other_heavy)
    case.notice_at = at
    b.set_deadline(case, "statement_deadline", day, pol.statement_window_workdays)
    case.hearing_eligible = bool(grounds)
    case.hearing_request_deadline = None
    if grounds:
        b.set_deadline(case, "hearing_request_deadline", day, 5)
    case.proposed_penalty_kinds = kinds
    case.proposed_fine = fine
    case.confiscation_value = confiscation
    case.statement_received = False
    case.statement_waived = False
    case.hearing_waived = False
    case.hearing_requested = False
    case.hearing_at = None
    case.hearing_chair = None
    case.hearing_held = False
    case.save()
    rights = [_("陈述、申辩的权利（%(d)s 前提出）") % {"d": case.statement_deadline}]
    if grounds:
        rights.append(_("要求听证的权利（%(d)s 前提出）") % {"d": case.hearing_request_deadline})
    b.record(
        case,
        EventKind.PRIOR_NOTICE,
        actor,
        summary=_("告知拟作出的行政处罚：%(k)s%(f)s")
        % {
            "k": "、".join(str(PenaltyKind(k).label) for k in kinds),
            "f": _("，罚款 %(f)s 元") % {"f": fine} if fine else "",
        },
        data={
            **content,
            "penalty_kinds": kinds,
            "fine": fine,
            "confiscation_value": confiscation,
            "rights": [str(r) for r in rights],
            "hearing_grounds": grounds,
            "statement_deadline": case.statement_deadline,
            "hearing_request_deadline": case.hearing_request_deadline,
            "document": b.document_ref(document),
        },
        at=at,
        entry=entry,
    )
    return case


def _require_notice(case):
    if case.notice_at is None:
        raise DomainError(_("尚未告知当事人，不能办理此事项。"), ErrorCode.ILLEGAL_TRANSITION)


@transaction.atomic
def record_statement(
    case,
    actor,
    *,
    content,
    received_at=None,
    method="written",
    adopted=None,
    review_note="",
    document=None,
    late_reason="",
):
    """当事人陈述、申辩 and the agency's review of it (第四十五条)."""
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_stage(case, Stage.DECISION, action=_("记录陈述申辩"))
    _require_notice(case)
    if case.decision_at:
        raise DomainError(_("已作出决定。"), ErrorCode.ILLEGAL_TRANSITION)
    content = (content or "").strip()
    if not content:
        raise DomainError(_("请填写陈述申辩的内容。"), code=ErrorCode.REQUIRED)
    if method not in ("written", "oral"):
        raise DomainError(_("陈述申辩方式无效。"), code=ErrorCode.BAD_CHOICE)
    at = b.as_datetime(received_at)
    entry = dates.check_act(
        case,
        at,
        what=dates.STATEMENT,
        after=[(dates.NOTICE, case.notice_at)],
        late_reason=late_reason,
    )
    late = b.as_date(at) > case.statement_deadline
    document = b.check_document(case, document)
    case.statement_received = True
    case.save()
    return b.record(
        case,
        EventKind.STATEMENT,
        actor,
        summary=_("当事人%(m)s陈述申辩%(l)s")
        % {
            "m": _("书面") if method == "written" else _("口头"),
            "l": _("（逾期）") if late else "",
        },
        data={
            "content": content,
            "method": method,
            "late": late,
            "adopted": adopted,
            "review_note": review_note,
            "document": b.document_ref(document),
        },
        at=at,
        entry=entry,
    )


@transaction.atomic
def request_hearing(case, actor, *, requested_at=None, note="", document=None, late_reason=""):
    """当事人要求听证 (第六十三条, within 5 working days of the notice, 第六十四条第一项)."""
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_stage(case, Stage.DECISION, action=_("登记听证申请"))
    _require_notice(case)
    if not case.hearing_eligible:
        raise DomainError(
            _("拟作出的行政处罚不属于《行政处罚法》第六十三条规定的听证范围。"),
            ErrorCode.ILLEGAL_TRANSITION,
        )
    if case.hearing_waived:
        raise DomainError(_("当事人已书面放弃听证。"), ErrorCode.ILLEGAL_TRANSITION)
    if case.hearing_requested:
        raise DomainError(_("当事人已申请听证。"), ErrorCode.CONFLICT)
    at = b.as_datetime(requested_at)
    if b.as_date(at) > case.hearing_request_deadline:
        raise DomainError(
            _("听证申请已超过告知后五个工作日的期限（截至 %(d)s）。")
            % {"d": case.hearing_request_deadline},
            ErrorCode.DEADLINE,
        )
    if at < case.notice_at:
        raise DomainError(_("听证申请时间不能早于告知时间。"), code=ErrorCode.BAD_DATE)
    entry = dates.check_act(
        case,
        at,
        what=dates.HEARING_REQUEST,
        after=[(dates.NOTICE, case.notice_at)],
        late_reason=late_reason,
    )
    document = b.check_document(case, document)
    case.hearing_requested = True
    case.save()
    return b.record(
        case,
        EventKind.HEARING_REQUESTED,
        actor,
        summary=_("当事人要求听证"),
        data={"note": note, "document": b.document_ref(document)},
        at=at,
        entry=entry,
    )


def _require_chair(case, chair):
    if chair is None:
        raise DomainError(_("请指定听证主持人。"), code=ErrorCode.REQUIRED)
    if chair.agency_id != case.agency_id:
        raise DomainError(_("听证主持人应由本机关指定的人员担任。"), code=ErrorCode.NOT_IN_SCOPE)
    officer = b.officer_of(chair)
    if officer is not None and case.handlers.filter(officer=officer).exists():
        raise DomainError(
            _("听证主持人%(c)s是本案调查人员，应由非本案调查人员主持（第六十四条第四项）。")
            % {"c": chair.display_name},
            code=ErrorCode.LEGAL_REQUIREMENT,
        )


@transaction.atomic
def schedule_hearing(
    case,
    actor,
    *,
    hearing_at,
    place,
    chair,
    notified_at=None,
    public=True,
    document=None,
    late_reason="",
):
    """通知听证: at least 7 working days before the hearing (第六十四条第二项、第八十五条)."""
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_stage(case, Stage.DECISION, action=_("通知听证"))
    if not case.hearing_requested:
        raise DomainError(_("当事人未要求听证。"), ErrorCode.ILLEGAL_TRANSITION)
    if case.hearing_held:
        raise DomainError(_("听证已举行。"), ErrorCode.ILLEGAL_TRANSITION)
    _require_chair(case, chair)
    if not (place or "").strip():
        raise DomainError(_("请填写听证地点。"), code=ErrorCode.REQUIRED)
    hearing_at = b.as_datetime(hearing_at)  # a future time: not an act date
    notified = b.as_datetime(notified_at)
    entry = dates.check_act(
        case,
        notified,
        what=dates.HEARING_NOTICE,
        after=[dates.latest_event(case, EventKind.HEARING_REQUESTED)],
        late_reason=late_reason,
    )
    earliest = b.workdays_after(b.as_date(notified), 7)
    if b.as_date(hearing_at) < earliest:
        raise DomainError(
            _("应在举行听证的七个工作日前通知当事人：%(n)s 通知的，听证最早于 %(e)s 举行。")
            % {"n": b.as_date(notified), "e": earliest},
            ErrorCode.DEADLINE,
        )
    document = b.check_document(case, document)
    case.hearing_at = hearing_at
    case.hearing_place = place.strip()
    case.hearing_chair = chair
    case.save()
    return b.record(
        case,
        EventKind.HEARING_SCHEDULED,
        actor,
        summary=_("通知听证：%(t)s 在%(p)s举行，主持人%(c)s")
        % {"t": hearing_at.strftime("%Y-%m-%d %H:%M"), "p": place.strip(), "c": chair.display_name},
        data={
            "hearing_at": hearing_at,
            "place": place.strip(),
            "chair": chair.pk,
            "chair_name": chair.display_name,
            "public": bool(public),
            "notified_at": notified,
            "document": b.document_ref(document),
        },
        at=notified,
        entry=entry,
    )


@transaction.atomic
def hold_hearing(
    case,
    actor,
    *,
    transcript_summary,
    held_at=None,
    chair=None,
    party_attended=True,
    absence_reason="",
    document=None,
    late_reason="",
):
    """举行听证 (chaired by a non-investigator; transcript). A party absent without good
    reason is deemed to have waived the hearing (第六十四条第六项)."""
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_stage(case, Stage.DECISION, action=_("举行听证"))
    if case.hearing_at is None:
        raise DomainError(_("尚未通知听证时间，不能举行听证。"), ErrorCode.ILLEGAL_TRANSITION)
    if case.hearing_held:
        raise DomainError(_("听证已举行。"), ErrorCode.CONFLICT)
    chair = chair or case.hearing_chair
    _require_chair(case, chair)
    held_at = b.as_datetime(held_at, default=case.hearing_at)
    if b.as_date(held_at) < b.as_date(case.hearing_at):
        raise DomainError(_("听证不能早于通知的时间举行。"), ErrorCode.DEADLINE)
    entry = dates.check_act(
        case,
        held_at,
        what=dates.HEARING,
        after=[dates.latest_event(case, EventKind.HEARING_SCHEDULED)],
        late_reason=late_reason,
    )
    summary_text = (transcript_summary or "").strip()
    if not summary_text:
        raise DomainError(_("请填写听证笔录摘要。"), code=ErrorCode.REQUIRED)
    document = b.check_document(case, document)
    if party_attended:
        case.hearing_held = True
        summary = _("举行听证，主持人%(c)s") % {"c": chair.display_name}
    else:
        case.hearing_waived = True
        summary = _("当事人无正当理由未出席，视为放弃听证权利，终止听证")
    case.save()
    return b.record(
        case,
        EventKind.HEARING_HELD,
        actor,
        summary=summary,
        data={
            "chair": chair.pk,
            "chair_name": chair.display_name,
            "party_attended": bool(party_attended),
            "absence_reason": absence_reason,
            "transcript_summary": summary_text,
            "document": b.document_ref(document),
        },
        at=held_at,
        activity="hearing",
        entry=entry,
    )


WAIVABLE = ("statement", "hearing", "all")


@transaction.atomic
def waive(case, actor, *, what, signed_at=None, note="", document=None, late_reason=""):
    """当事人书面放弃陈述申辩 and/or 听证 (第六十二条 "明确放弃")."""
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_stage(case, Stage.DECISION, action=_("记录放弃权利"))
    _require_notice(case)
    if what not in WAIVABLE:
        raise DomainError(_("放弃事项无效。"), code=ErrorCode.BAD_CHOICE)
    if what in ("hearing", "all") and not case.hearing_eligible and what == "hearing":
        raise DomainError(_("本案不适用听证，无需放弃。"), code=ErrorCode.INCONSISTENT)
    if what in ("hearing", "all") and case.hearing_held:
        raise DomainError(_("听证已举行，不能再放弃。"), ErrorCode.ILLEGAL_TRANSITION)
    note = (note or "").strip()
    document = b.check_document(case, document)
    if document is None and not note:
        raise DomainError(
            _("放弃权利须有当事人签字的书面材料：请附文书或登记书面声明内容。"),
            code=ErrorCode.MISSING_MATERIAL,
        )
    at = b.as_datetime(signed_at)
    entry = dates.check_act(
        case, at, what=dates.WAIVER, after=[(dates.NOTICE, case.notice_at)], late_reason=late_reason
    )
    if what in ("statement", "all"):
        case.statement_waived = True
    if what in ("hearing", "all") and case.hearing_eligible:
        case.hearing_waived = True
    case.save()
    labels = {"statement": _("陈述申辩"), "hearing": _("听证"), "all": _("陈述申辩和听证")}
    return b.record(
        case,
        EventKind.WAIVER,
        actor,
        summary=_("当事人书面放弃%(w)s权利") % {"w": labels[what]},
        data={"what": what, "note": note, "document": b.document_ref(document)},
        at=at,
        entry=entry,
    )


# --------------------------------------------------------------------------- collective discussion


@transaction.atomic
def require_collective_discussion(case, actor, *, reason):
    """Flag the case as needing 集体讨论 (第五十七条第二款): the head, or a legal reviewer of
    the agency (the review app calls this)."""
    case = b.lock(case)
    b.require_agency_member(actor, case, Role.HEAD, Role.REVIEWER)
    b.require_active(case, _("确定集体讨论"))
    if case.decision_at:
        raise DomainError(_("已作出决定。"), ErrorCode.ILLEGAL_TRANSITION)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请说明须集体讨论的理由。"), code=ErrorCode.REASON_REQUIRED)
    case.discussion_required = True
    case.save()
    return b.record(
        case,
        EventKind.DISCUSSION_REQUIRED,
        actor,
        summary=_("确定须经负责人集体讨论：%(r)s") % {"r": reason},
        data={"reason": reason},
    )


@transaction.atomic
def collective_discussion(
    case, actor, *, held_at, chair, participants, minutes, conclusion, place="", late_reason=""
):
    """机关负责人集体讨论 (第五十七条第二款): participants, minutes, conclusion."""
    case = b.lock(case)
    b.require_agency_member(actor, case, Role.HEAD, Role.HANDLER)
    b.require_stage(case, Stage.DECISION, action=_("记录集体讨论"))
    if case.decision_at:
        raise DomainError(_("已作出决定。"), ErrorCode.ILLEGAL_TRANSITION)
    names = [str(p).strip() for p in (participants or []) if str(p).strip()]
    if len(set(names)) < 3:
        raise DomainError(_("集体讨论的参加人员应不少于三人。"), code=ErrorCode.LEGAL_REQUIREMENT)
    chair = (chair or "").strip()
    if not chair:
        raise DomainError(_("请填写集体讨论的主持人。"), code=ErrorCode.REQUIRED)
    if not (minutes or "").strip() or not (conclusion or "").strip():
        raise DomainError(_("请填写讨论记录和讨论结论。"), code=ErrorCode.REQUIRED)
    held_at = b.as_datetime(held_at)
    entry = dates.check_act(
        case,
        held_at,
        what=dates.DISCUSSION,
        after=[dates.latest_event(case, EventKind.INVESTIGATION_FINISHED)],
        late_reason=late_reason,
    )
    discussion = CollectiveDiscussion.objects.create(
        case=case,
        held_at=held_at,
        place=place or "",
        chair=chair,
        participants=names,
        minutes=minutes.strip(),
        conclusion=conclusion.strip(),
        recorded_by=actor,
    )
    case.discussion_held = True
    case.save()
    b.record(
        case,
        EventKind.COLLECTIVE_DISCUSSION,
        actor,
        summary=_("集体讨论（主持人%(c)s，%(n)d 人参加）：%(r)s")
        % {"c": chair, "n": len(names), "r": conclusion.strip()[:200]},
        data={
            "discussion": discussion.pk,
            "chair": chair,
            "participants": names,
            "minutes": minutes.strip(),
            "conclusion": conclusion.strip(),
            "place": place,
        },
        at=held_at,
        entry=entry,
    )
    return discussion


# --------------------------------------------------------------------------- decision

# The acts of the 审查决定 stage a decision follows (it is dated on or after the latest).
DECISION_FOLLOWS = (
    EventKind.INVESTIGATION_FINISHED,
    EventKind.PRIOR_NOTICE,
    EventKind.STATEMENT,
    EventKind.HEARING_REQUESTED,
    EventKind.HEARING_SCHEDULED,
    EventKind.HEARING_HELD,
    EventKind.WAIVER,
    EventKind.COLLECTIVE_DISCUSSION,
    EventKind.DECISION_WITHDRAWN,
)

PENALTY_OUTCOMES_GENERAL = {
    DecisionOutcome.PENALTY,
    DecisionOutcome.NO_PENALTY_MINOR,
    DecisionOutcome.NO_PENALTY_UNFOUNDED,
    DecisionOutcome.TRANSFER,
    DecisionOutcome.REVOKE,
}


def decision_blockers(case, on_date, *, outcome=None, penalty_kinds=None, fine=None):
    """Reasons (zh) why a decision cannot be made now; empty when it can (gates aside)."""
    reasons = []
    if case.stage != Stage.DECISION:
        reasons.append(
            _("案件当前处于“%(s)s”环节，须在“审查决定”环节作出决定。")
            % {"s": case.get_stage_display()}
        )
        return reasons
    if case.decision_at:
        reasons.append(_("已作出决定。"))
        return reasons
    if case.deadline and on_date > case.deadline:
        reasons.append(
            _("已超过办案期限（%(d)s），须经机关负责人批准延长期限后方可作出决定（第六十条）。")
            % {"d": case.deadline}
        )
    if not case.parties.exists():
        reasons.append(_("尚未登记当事人（行政相对人），不能作出决定。"))
    if case.discussion_required and not case.discussion_held:
        reasons.append(_("本案须经机关负责人集体讨论决定（第五十七条第二款），尚未集体讨论。"))
    penalty = outcome in (None, DecisionOutcome.PENALTY)
    if case.act_type == CaseActType.PENALTY_GENERAL and penalty:
        if case.notice_at is None:
            reasons.append(
                _(
                    "作出行政处罚决定前未告知当事人拟作出的处罚内容及事实、理由、依据（第四十四条、第六十二条）。"
                )
            )
            return reasons
        if not case.statement_waived and on_date <= case.statement_deadline:
            reasons.append(
                _("陈述申辩期限至 %(d)s 届满，期满前不得作出决定（当事人书面放弃的除外）。")
                % {"d": case.statement_deadline}
            )
        if case.hearing_eligible and not case.hearing_waived:
            if case.hearing_requested and not case.hearing_held:
                reasons.append(_("当事人已要求听证，听证结束后方可作出决定（第六十五条）。"))
            elif not case.hearing_requested and on_date <= case.hearing_request_deadline:
                reasons.append(
                    _("听证申请期限至 %(d)s 届满，期满前不得作出决定（当事人书面放弃的除外）。")
                    % {"d": case.hearing_request_deadline}
                )
        if penalty_kinds is not None:
            heavier = [k for k in penalty_kinds if k not in (case.proposed_penalty_kinds or [])]
            if heavier:
                reasons.append(
                    _("决定的处罚种类（%(k)s）未经告知，应重新告知（第四十四条、第四十五条）。")
                    % {"k": "、".join(str(PenaltyKind(k).label) for k in heavier)}
                )
        if fine is not None and case.proposed_fine is not None and fine > case.proposed_fine:
            reasons.append(
                _("决定的罚款 %(f)s 元高于告知的 %(p)s 元，不得因陈述申辩加重处罚，应重新告知。")
                % {"f": fine, "p": case.proposed_fine}
            )
    return reasons


@transaction.atomic
def decide(
    case,
    *,
    actor,
    outcome,
    document=None,
    penalty_kinds=(),
    fine=None,
    confiscated=None,
    summary="",
    decided_at=None,
    payment_days=15,
    late_reason="",
):
    """机关负责人作出决定 (行政处罚法 第五十七条).

    The path of one decision (docs/architecture.md), in this order and in one transaction:
    the rules of this app; the legal-review gate (``effects.review_gate``) before anything
    is written; the draft decision issued by the documents app (``effects.issue_document``);
    the case records the decision and moves on (CaseEvent + DECISION_ISSUED leaf); the
    publication record (``effects.publish``: a refusal leaves a visible pending item, see
    there); then ``signals.decision_issued`` for listeners that only observe.
    """
    case = b.lock(case)
    b.require_head(actor, case)
    if outcome not in DecisionOutcome.values:
        raise DomainError(_("决定结果无效。"), code=ErrorCode.BAD_CHOICE)
    if case.act_type == CaseActType.PENALTY_SIMPLE:
        raise DomainError(_("简易程序案件应当场作出决定。"), ErrorCode.ILLEGAL_TRANSITION)
    if case.act_type == CaseActType.PENALTY_GENERAL and outcome not in PENALTY_OUTCOMES_GENERAL:
        raise DomainError(
            _("行政处罚案件的决定结果应为处罚、不予处罚、移送或撤销案件之一。"),
            code=ErrorCode.BAD_CHOICE,
        )
    kinds = _clean_kinds(penalty_kinds)
    fine = b.money(fine, _("罚款金额"))
    confiscated = b.money(confiscated, _("没收金额"))
    if outcome == DecisionOutcome.PENALTY:
        if not kinds:
            raise DomainError(_("请选择处罚种类。"), code=ErrorCode.REQUIRED)
        if PenaltyKind.FINE in kinds and not fine:
            raise DomainError(_("处罚种类包含罚款，请填写罚款金额。"), code=ErrorCode.INCONSISTENT)
        if fine and PenaltyKind.FINE not in kinds:
            raise DomainError(
                _("已填写罚款金额，处罚种类中应包含“罚款”。"), code=ErrorCode.INCONSISTENT
            )
    elif kinds or fine:
        raise DomainError(
            _("不予处罚、移送或撤销案件的决定不应包含处罚内容。"), code=ErrorCode.INCONSISTENT
        )
    at = b.as_datetime(decided_at)
    entry = dates.check_act(
        case,
        at,
        what=dates.DECISION,
        after=[dates.latest_event(case, *DECISION_FOLLOWS)],
        late_reason=late_reason,
    )
    reasons = decision_blockers(
        case,
        b.as_date(at),
        outcome=outcome,
        penalty_kinds=kinds if outcome == DecisionOutcome.PENALTY else None,
        fine=fine,
    )
    if reasons:
        raise DomainError(
            reasons[0], ErrorCode.ILLEGAL_TRANSITION, details=[str(r) for r in reasons]
        )
    document = b.check_document(case, document)
    spec = getattr(document, "spec", None) if document is not None else None
    if spec is not None and not getattr(spec, "decision", True):
        raise DomainError(
            _("所附文书不是决定类文书，请选择决定书代拟稿。"), code=ErrorCode.MISSING_MATERIAL
        )
    effects.review_gate(case, document, actor)
    # --- everything checked: write
    document = effects.issue_document(document, actor)
    old = b.move(case, _stage_after_decision(case), actor)
    case.decision_outcome = outcome
    case.decision_at = at
    case.decided_by = actor
    case.penalty_kinds = kinds
    case.fine = fine
    case.confiscated = confiscated
    case.decision_summary = (summary or "").strip()
    case.withdrawal_kind = ""
    if document is not None:
        case.decision_document_id = document.pk
        case.decision_number = getattr(document, "number", "") or ""
    if case.stage == Stage.SERVICE:
        b.set_deadline(case, "service_deadline", b.as_date(at), 7)
    if fine or confiscated:
        case.payment_deadline = b.as_date(at) + dt.timedelta(days=int(payment_days))
    case.save()
    b.record(
        case,
        EventKind.DECISION,
        actor,
        summary=_("作出决定：%(o)s%(k)s")
        % {
            "o": DecisionOutcome(outcome).label,
            "k": (
                "（"
                + "、".join(str(PenaltyKind(k).label) for k in kinds)
                + (_("，罚款 %(f)s 元") % {"f": fine} if fine else "")
                + "）"
            )
            if kinds
            else "",
        },
        data={
            "outcome": outcome,
            "penalty_kinds": kinds,
            "fine": fine,
            "confiscated": confiscated,
            "summary": case.decision_summary,
            "document": b.document_ref(document),
            "service_deadline": case.service_deadline,
        },
        at=at,
        event_type=EventType.DECISION_ISSUED,
        old_stage=old,
        entry=entry,
    )
    effects.publish(case, document, actor)
    signals.decision_issued.send(sender=Case, case=case, document=document, actor=actor)
    b.stage_changed(case, old, actor)
    notify_events.decision_made(case, actor)
    return case


def _stage_after_decision(case):
    from .. import flows

    return flows.next_stage(case.act_type, Stage.DECISION)


@transaction.atomic
def withdraw_decision(case, kind, reason, actor):
    """The decision was revoked / confirmed illegal / ordered redone (复议、诉讼、自行纠错).

    ``ordered_redone`` sends the case back to 审查决定 for a new decision; the other kinds
    stop execution. The publication is taken down (``effects.withdraw_publication``), then
    ``signals.decision_withdrawn`` is sent.
    """
    case = b.lock(case)
    b.require_head(actor, case)
    if kind not in WithdrawalKind.values:
        raise DomainError(_("撤销情形无效。"), code=ErrorCode.BAD_CHOICE)
    if not case.decision_at or case.withdrawal_kind:
        raise DomainError(_("本案没有有效的决定。"), ErrorCode.ILLEGAL_TRANSITION)
    if case.stage == Stage.ARCHIVED:
        raise DomainError(_("案件已归档，请在新的纠错案件中办理。"), ErrorCode.ILLEGAL_TRANSITION)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("请说明撤销、确认违法或责令重作的理由及依据（复议决定书或判决书）。"),
            code=ErrorCode.REASON_REQUIRED,
        )
    old = case.stage
    previous = {
        "outcome": case.decision_outcome,
        "decision_at": case.decision_at,
        "number": case.decision_number,
        "document": case.decision_document_id,
    }
    case.withdrawal_kind = kind
    if kind == WithdrawalKind.ORDERED_REDONE:
        case.stage = Stage.DECISION  # the one lawful backward move
        case.decision_at = None
        case.decision_outcome = ""
        case.decided_by = None
        case.withdrawal_kind = ""
        case.service_deadline = None
        case.served_at = None
        case.service_method = ""
        case.served_late = False
        case.execution_done = False
        case.decision_number = ""
        case.decision_document_id = None
        case.penalty_kinds = []
        case.fine = None
        case.confiscated = None
        case.payment_deadline = None
    case.save()
    b.record(
        case,
        EventKind.DECISION_WITHDRAWN,
        actor,
        summary=_("决定被%(k)s：%(r)s") % {"k": WithdrawalKind(kind).label, "r": reason},
        data={"kind": kind, "reason": reason, "previous": previous},
        old_stage=old,
    )
    effects.withdraw_publication(case, kind=kind, reason=reason, actor=actor)
    signals.decision_withdrawn.send(sender=Case, case=case, reason=reason, kind=kind, actor=actor)
    b.stage_changed(case, old, actor)
    return case


__all__ = [
    "collective_discussion",
    "decide",
    "decision_blockers",
    "hearing_grounds",
    "hold_hearing",
    "record_statement",
    "request_hearing",
    "require_collective_discussion",
    "schedule_hearing",
    "send_prior_notice",
    "waive",
    "withdraw_decision",
]
