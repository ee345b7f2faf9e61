"""送达 → 执行 → 结案 → 归档."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import CaseActType, PenaltyKind
from sanxiang.ledger.events import EventType
from sanxiang.org.models import Role

from .. import flows
from ..models import DecisionOutcome, EventKind, ServiceMethod, Stage
from . import _base as b
from . import dates

SERVICE_ACTIVITY = {
    ServiceMethod.LIEN: "lien_service",
    ServiceMethod.NOTICE: "notice_service",
    ServiceMethod.DIRECT: "service",
    ServiceMethod.ON_THE_SPOT: "service",
}


def needs_execution(case):
    """Whether the decision leaves something to execute (fine, confiscation, measures)."""
    if not flows.has_stage(case.act_type, Stage.EXECUTION):
        return False
    if case.act_type == CaseActType.LEVY:
        return case.decision_outcome in (DecisionOutcome.APPROVE, DecisionOutcome.OTHER)
    if case.decision_outcome == DecisionOutcome.MEASURE:
        return True
    if case.decision_outcome != DecisionOutcome.PENALTY:
        return False
    kinds = set(case.penalty_kinds or []) - {PenaltyKind.WARNING, PenaltyKind.CRITICISM}
    return bool(kinds) or bool(case.fine) or bool(case.confiscated)


def amount_due(case):
    return (case.fine or Decimal("0")) + (case.confiscated or Decimal("0"))


def _after_service_stage(case):
    nxt = flows.next_stage(case.act_type, Stage.SERVICE)
    if nxt == Stage.EXECUTION and not needs_execution(case):
        # nothing to execute (no penalty, warning only…): execution stage is fulfilled by
        # service itself; the case goes straight on to 结案.
        return Stage.CLOSING
    return nxt


@transaction.atomic
def serve(
    case,
    actor,
    *,
    method,
    recipient,
    served_at=None,
    consent_confirmed=False,
    note="",
    document=None,
    receipt=None,
    late_reason="",
):
    """送达 the decision (行政处罚法 第六十一条: within 7 working days when not handed over on
    announcement; electronic service only with the party's signed consent)."""
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_stage(case, Stage.SERVICE, action=_("送达"))
    if method not in ServiceMethod.values:
        raise DomainError(_("送达方式无效。"), code=ErrorCode.BAD_CHOICE)
    if method == ServiceMethod.ELECTRONIC and not consent_confirmed:
        raise DomainError(
            _("电子送达须经当事人同意并签订确认书（第六十一条第二款）。"),
            ErrorCode.ILLEGAL_TRANSITION,
        )
    recipient = (recipient or "").strip()
    if not recipient and method != ServiceMethod.NOTICE:
        raise DomainError(_("请填写受送达人。"), code=ErrorCode.REQUIRED)
    at = b.as_datetime(served_at)
    entry = dates.check_act(
        case,
        at,
        what=dates.SERVICE,
        after=[(dates.DECISION, case.decision_at)],
        late_reason=late_reason,
    )
    if case.decision_at and at < case.decision_at:
        raise DomainError(_("送达时间不能早于决定时间。"), code=ErrorCode.BAD_DATE)
    for doc in (document, receipt):
        b.check_document(case, doc)
    late = bool(case.service_deadline and b.as_date(at) > case.service_deadline)
    target = _after_service_stage(case)
    old = case.stage
    if (
        target == Stage.CLOSING
        and flows.next_stage(case.act_type, Stage.SERVICE) == Stage.EXECUTION
    ):
        # pass through execution (nothing to execute) without skipping the flow
        b.move(case, Stage.EXECUTION, actor)
        b.move(case, Stage.CLOSING, actor)
        case.execution_done = True
    else:
        b.move(case, target, actor)
    case.served_at = at
    case.service_method = method
    case.served_late = late
    case.save()
    summary = _("%(m)s决定书，受送达人%(r)s") % {
        "m": ServiceMethod(method).label,
        "r": recipient or _("（公告）"),
    }
    if late:
        summary += _("（逾期：应于 %(d)s 前送达）") % {"d": case.service_deadline}
    b.record(
        case,
        EventKind.SERVICE,
        actor,
        summary=summary,
        data={
            "method": method,
            "recipient": recipient,
            "late": late,
            "deadline": case.service_deadline,
            "consent_confirmed": bool(consent_confirmed),
            "note": note,
            "document": b.document_ref(document),
            "receipt": b.document_ref(receipt),
            "execution_needed": target == Stage.EXECUTION,
        },
        at=at,
        activity=SERVICE_ACTIVITY.get(method, ""),
        old_stage=old,
        entry=entry,
    )
    b.stage_changed(case, old, actor)
    return case


def _executes_after(case):
    """What a payment or an execution step follows: the service of the decision (on the spot
    for the simple procedure), or the decision itself."""
    if case.served_at is not None:
        return dates.SERVICE, case.served_at
    return dates.DECISION, case.decision_at


PAYMENT_METHODS = {
    "bank": _("银行缴纳"),
    "online": _("网上缴纳"),
    "on_the_spot": _("当场收缴"),
    "deferred": _("延期缴纳后缴清"),
    "installment": _("分期缴纳"),
}


def _complete(case, actor, summary, data, at=None, entry=None):
    old = b.move(case, Stage.CLOSING, actor)
    case.execution_done = True
    case.save()
    b.record(
        case,
        EventKind.ENFORCEMENT,
        actor,
        summary=summary,
        data=data,
        at=at,
        old_stage=old,
        entry=entry,
    )
    b.stage_changed(case, old, actor)


@transaction.atomic
def record_payment(
    case,
    actor,
    *,
    amount,
    method="bank",
    paid_at=None,
    receipt_number="",
    note="",
    late_reason="",
):
    """罚没款缴纳; when everything due is paid and nothing else is to execute, the
    execution is complete and the case goes to 结案."""
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_stage(case, Stage.EXECUTION, action=_("登记缴款"))
    amount = b.money(amount, _("缴款金额"))
    if not amount:
        raise DomainError(_("缴款金额应大于零。"), code=ErrorCode.OUT_OF_RANGE)
    if method not in PAYMENT_METHODS:
        raise DomainError(_("缴款方式无效。"), code=ErrorCode.BAD_CHOICE)
    due = amount_due(case)
    if case.paid_amount + amount > due:
        raise DomainError(
            _("缴款金额超过应缴金额（应缴 %(d)s 元，已缴 %(p)s 元）。")
            % {"d": due, "p": case.paid_amount},
            code=ErrorCode.OUT_OF_RANGE,
        )
    at = b.as_datetime(paid_at)
    entry = dates.check_act(
        case, at, what=dates.PAYMENT, after=[_executes_after(case)], late_reason=late_reason
    )
    case.paid_amount += amount
    case.save()
    b.record(
        case,
        EventKind.PAYMENT,
        actor,
        summary=_("%(m)s %(a)s 元（累计 %(p)s / %(d)s 元）")
        % {"m": PAYMENT_METHODS[method], "a": amount, "p": case.paid_amount, "d": due},
        data={
            "amount": amount,
            "method": method,
            "receipt_number": receipt_number,
            "note": note,
            "paid_total": case.paid_amount,
            "due": due,
        },
        at=at,
        activity="on_spot_fine" if method == "on_the_spot" else "",
        entry=entry,
    )
    other = set(case.penalty_kinds or []) - {
        PenaltyKind.WARNING,
        PenaltyKind.CRITICISM,
        PenaltyKind.FINE,
        PenaltyKind.CONFISCATE_INCOME,
        PenaltyKind.CONFISCATE_PROPERTY,
    }
    if case.paid_amount >= due and not other:
        _complete(
            case,
            actor,
            _("罚没款已全部缴清，执行完毕"),
            {"paid_total": case.paid_amount},
            at,
            entry,
        )
    return case


ENFORCEMENT_KINDS = {
    "performed": _("当事人自觉履行"),
    "late_fee": _("加处罚款"),
    "auction": _("拍卖查封扣押财物抵缴罚款"),
    "transfer_account": _("划拨存款、汇款抵缴罚款"),
    "court": _("申请人民法院强制执行"),
    "compulsory": _("行政强制执行"),
    "deferment": _("批准暂缓/分期缴纳"),
    "measure_lifted": _("解除强制措施"),
    "other": _("其他执行措施"),
}


@transaction.atomic
def record_enforcement(
    case, actor, *, kind, description, at=None, completes=False, document=None, late_reason=""
):
    """Record an execution step (催告、加处罚款、申请法院强制执行、自觉履行…); with
    ``completes=True`` the execution is complete and the case goes to 结案."""
    case = b.lock(case)
    b.require_case_handler(actor, case)
    b.require_stage(case, Stage.EXECUTION, action=_("登记执行情况"))
    if kind not in ENFORCEMENT_KINDS:
        raise DomainError(_("执行方式无效。"), code=ErrorCode.BAD_CHOICE)
    description = (description or "").strip()
    if not description:
        raise DomainError(_("请填写执行情况。"), code=ErrorCode.REQUIRED)
    b.check_document(case, document)
    at = b.as_datetime(at)
    entry = dates.check_act(
        case, at, what=dates.ENFORCEMENT, after=[_executes_after(case)], late_reason=late_reason
    )
    data = {"kind": kind, "description": description, "document": b.document_ref(document)}
    summary = f"{ENFORCEMENT_KINDS[kind]}：{description}"[:500]
    if completes:
        due = amount_due(case)
        if case.paid_amount < due and kind not in ("court",):
            raise DomainError(
                _("罚没款尚未缴清（应缴 %(d)s 元，已缴 %(p)s 元），不能登记执行完毕。")
                % {"d": due, "p": case.paid_amount},
                code=ErrorCode.WRONG_STATE,
            )
        _complete(case, actor, summary + _("（执行完毕）"), data, at, entry)
        return case
    b.record(
        case,
        EventKind.ENFORCEMENT,
        actor,
        summary=summary,
        data=data,
        at=at,
        activity="execution" if kind == "compulsory" else "",
        entry=entry,
    )
    return case


@transaction.atomic
def close_case(case, actor, *, report, at=None, document=None, late_reason=""):
    """结案 (结案报告 approved by the head)."""
    case = b.lock(case)
    b.require_head(actor, case)
    b.require_stage(case, Stage.CLOSING, action=_("结案"))
    if case.closed_at:
        raise DomainError(_("案件已结案。"), ErrorCode.CONFLICT)
    if case.act_type == CaseActType.PENALTY_SIMPLE and not case.simple_filed_at:
        raise DomainError(
            _("当场处罚决定尚未报所属行政机关备案（第五十二条），不能结案。"),
            code=ErrorCode.WRONG_STATE,
        )
    report = (report or "").strip()
    if not report:
        raise DomainError(_("请填写结案报告。"), code=ErrorCode.REQUIRED)
    b.check_document(case, document)
    at = b.as_datetime(at)
    entry = dates.check_act(
        case,
        at,
        what=dates.CLOSING,
        after=[
            (dates.DECISION, case.decision_at),
            (dates.SERVICE, case.served_at),
            (dates.FILING, case.simple_filed_at),
            dates.latest_event(case, EventKind.PAYMENT, EventKind.ENFORCEMENT),
        ],
        late_reason=late_reason,
    )
    case.closed_at = at
    case.save()
    b.record(
        case,
        EventKind.CLOSED,
        actor,
        summary=_("批准结案"),
        data={"report": report, "document": b.document_ref(document)},
        at=case.closed_at,
        entry=entry,
    )
    return case


@transaction.atomic
def archive_case(case, actor, *, location="", retention="", at=None, late_reason=""):
    """归档: the case file is complete; the case becomes read-only."""
    case = b.lock(case)
    b.require_agency_member(actor, case, Role.HANDLER, Role.HEAD)
    b.require_stage(case, Stage.CLOSING, action=_("归档"))
    if not case.closed_at:
        raise DomainError(_("案件尚未结案，不能归档。"), ErrorCode.ILLEGAL_TRANSITION)
    at = b.as_datetime(at)
    entry = dates.check_act(
        case,
        at,
        what=dates.ARCHIVE,
        after=[(dates.CLOSING, case.closed_at)],
        late_reason=late_reason,
    )
    old = b.move(case, Stage.ARCHIVED, actor)
    case.archived_at = at
    case.save()
    b.record(
        case,
        EventKind.ARCHIVED,
        actor,
        summary=_("案卷归档%(l)s") % {"l": f"（{location}）" if location else ""},
        data={
            "location": location,
            "retention": retention,
            "long_term_retention_reasons": case.long_term_retention_reasons,
        },
        at=at,
        event_type=EventType.CASE_ARCHIVED,
        old_stage=old,
        entry=entry,
    )
    b.stage_changed(case, old, actor)
    return case


@transaction.atomic
def mark_long_term_retention(case, actor, *, reason):
    """Add a reason for long-term retention of the case's records (domain.md: evidence,
    reconsideration/litigation, complaint, obstruction, major/complex cases)."""
    case = b.lock(case)
    b.require_agency_member(actor, case, Role.HANDLER, Role.HEAD, Role.REVIEWER)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写长期保存的理由。"), code=ErrorCode.REASON_REQUIRED)
    if reason in case.long_term_retention_reasons:
        return case
    case.long_term_retention_reasons = [*case.long_term_retention_reasons, reason]
    case.save()
    b.record(
        case,
        EventKind.NOTE,
        actor,
        summary=_("记录需长期保存：%(r)s") % {"r": reason},
        data={"long_term_retention_reason": reason},
    )
    return case
