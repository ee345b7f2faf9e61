"""Transfers of suspected crimes to the police and back (行政执法机关移送涉嫌犯罪案件的规定).

Time limits (``sanxiang.appeals.limits``): the regulation counts calendar days ("3日",
"24小时"), not working days; a period whose last day is a holiday ends on the next working
day. The agency's own limits (approval, transfer, hand-over) and the police's (decision,
复议) are recorded as findings; the agency's right to ask the police for 复议 lapses after
its 3 days (第九条) and is then refused. Every step is ledgered through
``appeals.leaves.record``: the police's reasons and the notes a user typed only as keyed
digests (issue #11 item 4).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.appeals import leaves, limits
from sanxiang.appeals.services import (
    RECORDER_ROLES,
    _date,
    _not_before,
    _not_future,
    past_date,
    require_recorder,
)
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.ledger.events import EventType
from sanxiang.org.models import Role

from .models import PoliceDecision, PoliceTransfer, TransferStatus

REQUIRED_MATERIALS = (("涉嫌犯罪案件移送书", "移送书"), ("涉嫌犯罪案件情况的调查报告", "调查报告"))
MATERIALS = [
    "涉嫌犯罪案件移送书",
    "涉嫌犯罪案件情况的调查报告",
    "涉案物品清单",
    "有关检验报告或者鉴定结论",
    "其他有关涉嫌犯罪的材料",
]
OPEN_STATUSES = (
    TransferStatus.TRANSFERRED,
    TransferStatus.FILED,
    TransferStatus.NOT_FILED,
    TransferStatus.RECONSIDERATION,
    TransferStatus.HANDED_OVER,
)


def _require(actor, agency_id, *roles):
    require_recorder(actor, agency_id, roles or RECORDER_ROLES, _("您只能办理本机关移送的案件。"))


def _lock(transfer):
    return PoliceTransfer.objects.select_for_update().select_related("case").get(pk=transfer.pk)


def _require_status(transfer, *statuses, action):
    if transfer.status not in statuses:
        raise DomainError(
            _("移送当前状态为“%(s)s”，不能%(a)s。")
            % {"s": transfer.get_status_display(), "a": action},
            ErrorCode.ILLEGAL_TRANSITION,
        )


def _police_notice(transfer, actor, decision, notified_on, reasons, *, reconsidered):
    """The police's notice (第八条; ``reconsidered``: its 复议 decision, 第九条第二款):
    立案 or 不予立案 (with reasons), received on ``notified_on``. A 立案 starts the 3 days of
    the hand-over (第十二条); a 不予立案 leaves the transfer open for 复议 (3 days after
    the first notice), 立案监督 or 退回. Saved and ledgered (the reasons by digest)."""
    transfer = _lock(transfer)
    _require(actor, transfer.agency_id)
    if reconsidered:
        _require_status(transfer, TransferStatus.RECONSIDERATION, action=_("登记复议决定"))
    else:
        _require_status(transfer, TransferStatus.TRANSFERRED, action=_("登记公安机关的决定"))
    if decision not in PoliceDecision.values:
        raise DomainError(_("请选择公安机关的决定：立案或不予立案。"), code=ErrorCode.REQUIRED)
    if reconsidered:
        prefix, event_type = "reconsideration_", EventType.TRANSFER_RECONSIDERED
        label = _("收到复议决定通知书日期")
        after = (transfer.reconsideration_requested_on, _("提请复议日期"))
        no_reasons = _("请填写公安机关维持不予立案的理由。")
    else:
        prefix, event_type = "", EventType.TRANSFER_REPLIED
        label = _("收到通知书日期")
        after = (transfer.received_on, _("公安机关接受日期"))
        no_reasons = _("不予立案的，公安机关应当说明理由（第八条），请填写不予立案理由。")
    notified_on = past_date(notified_on, label, after)
    reasons = (reasons or "").strip()
    if decision == PoliceDecision.NOT_FILED and not reasons:
        raise DomainError(no_reasons, code=ErrorCode.REASON_REQUIRED)
    if reconsidered:
        deadline = limits.days_limit(after[0], limits.POLICE_RECONSIDERATION_DAYS)
    else:
        deadline = transfer.police_deadline
    late = notified_on > deadline
    for field, value in (
        ("decision", decision),
        ("notified_on", notified_on),
        ("reasons", reasons),
        ("police_late", late),
    ):
        setattr(transfer, prefix + field, value)
    if decision == PoliceDecision.FILED:
        transfer.status = TransferStatus.FILED
        transfer.handover_deadline = limits.days_limit(notified_on, limits.HANDOVER_DAYS)
    else:
        transfer.status = TransferStatus.NOT_FILED
        if not reconsidered:
            transfer.reconsideration_deadline = limits.days_limit(
                notified_on, limits.RECONSIDERATION_REQUEST_DAYS
            )
    transfer.save()
    leaves.record(
        event_type,
        transfer,
        {"decision": decision, "notified_on": notified_on, "reasons": reasons, "police_late": late},
        actor,
        key="transfer",
        typed=("reasons",),
    )
    return transfer


@transaction.atomic
def record_transfer(
    case,
    actor,
    *,
    reported_on,
    approved_on,
    police_authority="",
    transferred_on=None,
    received_on=None,
    materials=None,
    case_summary="",
) -> PoliceTransfer:
    """第五条、第六条: the head approves the written report and the case goes to the police.

    A transfer already recorded in the legal review (``review.Transfer``) is linked and
    supplies the authority, date, materials and summary not given here.
    """
    from sanxiang.cases.models import Case, Stage
    from sanxiang.review.models import Transfer as ReviewTransfer

    case = Case.objects.select_for_update().get(pk=case.pk)
    _require(actor, case.agency_id, Role.HEAD)
    if case.stage in (Stage.ARCHIVED, Stage.TERMINATED, Stage.OPENING):
        raise DomainError(
            _("案件处于“%(s)s”环节，不能移送。") % {"s": case.get_stage_display()},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    if PoliceTransfer.objects.filter(case=case, status__in=OPEN_STATUSES).exists():
        raise DomainError(_("本案已移送公安机关，尚未退回。"), ErrorCode.CONFLICT)
    linked = (
        ReviewTransfer.objects.filter(review__case=case, police_transfer__isnull=True)
        .order_by("-id")
        .first()
    )
    if linked is not None:
        police_authority = police_authority or linked.receiving_authority
        transferred_on = transferred_on or linked.transferred_on
        materials = materials or linked.materials
        case_summary = case_summary or linked.case_summary
    police_authority = (police_authority or "").strip()
    case_summary = (case_summary or "").strip()
    items = [str(m).strip() for m in materials or [] if str(m).strip()]
    if not police_authority:
        raise DomainError(_("请填写接受移送的公安机关。"), code=ErrorCode.REQUIRED)
    if not case_summary:
        raise DomainError(_("请填写涉嫌犯罪案件情况。"), code=ErrorCode.REQUIRED)
    reported_on = _date(reported_on, _("书面报告日期"))
    approved_on = _date(approved_on, _("批准移送日期"))
    transferred_on = _date(transferred_on, _("移送日期"))
    received_on = _date(received_on, _("公安机关接受日期"), required=False) or transferred_on
    opened = clock.local_date(case.opened_at) if case.opened_at else None
    _not_before(reported_on, opened, _("书面报告日期"), _("立案日期"))
    _not_before(approved_on, reported_on, _("批准移送日期"), _("书面报告日期"))
    _not_before(transferred_on, approved_on, _("移送日期"), _("批准移送日期"))
    _not_before(received_on, transferred_on, _("公安机关接受日期"), _("移送日期"))
    _not_future(received_on, _("公安机关接受日期"))
    missing = [need for need, word in REQUIRED_MATERIALS if not any(word in m for m in items)]
    if missing:
        raise DomainError(
            _("移送材料不全（行政执法机关移送涉嫌犯罪案件的规定第六条），缺少：%(m)s。")
            % {"m": "、".join(missing)},
            code=ErrorCode.MISSING_MATERIAL,
        )
    approval_deadline = limits.days_limit(reported_on, limits.TRANSFER_APPROVAL_DAYS)
    transfer_deadline = limits.hours_limit(approved_on, limits.TRANSFER_SEND_DAYS)
    transfer = PoliceTransfer.objects.create(
        agency=case.agency,
        case=case,
        review_transfer=linked,
        reported_on=reported_on,
        approved_on=approved_on,
        approved_by=actor,
        approval_deadline=approval_deadline,
        approval_late=approved_on > approval_deadline,
        police_authority=police_authority[:200],
        transferred_on=transferred_on,
        transfer_deadline=transfer_deadline,
        transfer_late=transferred_on > transfer_deadline,
        materials=items,
        case_summary=case_summary,
        received_on=received_on,
        police_deadline=limits.days_limit(received_on, limits.POLICE_DECISION_DAYS),
        recorded_by=actor,
    )
    leaves.record(
        EventType.TRANSFER_RECORDED,
        transfer,
        {
            "review_transfer": linked.pk if linked else None,
            "police_authority": transfer.police_authority,
            "reported_on": reported_on,
            "approved_on": approved_on,
            "transferred_on": transferred_on,
            "received_on": received_on,
            "materials": items,
            "approval_late": transfer.approval_late,
            "transfer_late": transfer.transfer_late,
        },
        actor,
        key="transfer",
    )
    return transfer


@transaction.atomic
def record_reply(transfer, actor, *, decision, notified_on, reasons="") -> PoliceTransfer:
    """第八条: the police's 立案 / 不予立案 (with reasons) notice."""
    return _police_notice(transfer, actor, decision, notified_on, reasons, reconsidered=False)


@transaction.atomic
def request_reconsideration(transfer, actor, *, requested_on) -> PoliceTransfer:
    """第九条第一款: 提请复议 within 3 days of the 不予立案通知书 (once)."""
    transfer = _lock(transfer)
    _require(actor, transfer.agency_id, Role.HEAD)
    _require_status(transfer, TransferStatus.NOT_FILED, action=_("提请复议"))
    if transfer.reconsideration_requested_on is not None:
        raise DomainError(
            _("已提请过复议；对复议决定仍有异议的，可以建议人民检察院立案监督（第九条）。"),
            ErrorCode.ILLEGAL_TRANSITION,
        )
    requested_on = past_date(
        requested_on, _("提请复议日期"), (transfer.notified_on, _("收到不予立案通知书日期"))
    )
    if requested_on > transfer.reconsideration_deadline:
        raise DomainError(
            _(
                "提请复议应自接到不予立案通知书之日起3日内（截止 %(d)s）提出（第九条）；"
                "已过期限的，可以建议人民检察院依法进行立案监督。"
            )
            % {"d": transfer.reconsideration_deadline},
            ErrorCode.DEADLINE,
        )
    transfer.reconsideration_requested_on = requested_on
    transfer.status = TransferStatus.RECONSIDERATION
    transfer.save()
    leaves.record(
        EventType.TRANSFER_RECONSIDERATION,
        transfer,
        {
            "requested_on": requested_on,
            "police_deadline": limits.days_limit(requested_on, limits.POLICE_RECONSIDERATION_DAYS),
        },
        actor,
        key="transfer",
    )
    return transfer


@transaction.atomic
def record_reconsideration(transfer, actor, *, decision, notified_on, reasons="") -> PoliceTransfer:
    """第九条第二款: the police's 复议 decision (3 days)."""
    return _police_notice(transfer, actor, decision, notified_on, reasons, reconsidered=True)


def procuratorate_deadline(transfer) -> dt.date | None:
    """第九条第二款: 3 days after the 复议决定通知书 (none before a 复议 decision: the agency
    may then suggest 立案监督 at any time, 第九条第一款)."""
    if transfer.reconsideration_notified_on is None:
        return None
    return limits.days_limit(transfer.reconsideration_notified_on, limits.PROCURATORATE_DAYS)


@transaction.atomic
def suggest_procuratorate(transfer, actor, *, suggested_on, note="") -> PoliceTransfer:
    """第九条: 建议人民检察院依法进行立案监督 after a 不予立案 (or its 复议 decision)."""
    transfer = _lock(transfer)
    _require(actor, transfer.agency_id, Role.HEAD)
    _require_status(transfer, TransferStatus.NOT_FILED, action=_("建议立案监督"))
    if transfer.procuratorate_on is not None:
        raise DomainError(_("已建议人民检察院立案监督。"), ErrorCode.CONFLICT)
    suggested_on = past_date(
        suggested_on, _("建议日期"), (transfer.notified_on, _("收到不予立案通知书日期"))
    )
    deadline = procuratorate_deadline(transfer)
    if deadline is not None and suggested_on > deadline:
        raise DomainError(
            _(
                "对复议决定仍有异议的，应自收到复议决定通知书之日起3日内（截止 %(d)s）建议立案监督（第九条）。"
            )
            % {"d": deadline},
            ErrorCode.DEADLINE,
        )
    transfer.procuratorate_on = suggested_on
    transfer.procuratorate_note = (note or "").strip()[:500]
    transfer.save()
    leaves.record(
        EventType.TRANSFER_PROCURATORATE,
        transfer,
        {"on": suggested_on, "note": transfer.procuratorate_note},
        actor,
        key="transfer",
        typed=("note",),
    )
    return transfer


@transaction.atomic
def hand_over(transfer, actor, *, handed_over_on) -> PoliceTransfer:
    """第十二条: 涉案物品及材料 handed to the police within 3 days of the 立案通知书."""
    transfer = _lock(transfer)
    _require(actor, transfer.agency_id)
    _require_status(transfer, TransferStatus.FILED, action=_("登记移交"))
    notice = transfer.reconsideration_notified_on or transfer.notified_on
    handed_over_on = past_date(handed_over_on, _("移交日期"), (notice, _("收到立案通知书日期")))
    transfer.handed_over_on = handed_over_on
    transfer.handover_late = handed_over_on > transfer.handover_deadline
    transfer.status = TransferStatus.HANDED_OVER
    transfer.save()
    leaves.record(
        EventType.TRANSFER_HANDED_OVER,
        transfer,
        {"on": handed_over_on, "late": transfer.handover_late},
        actor,
        key="transfer",
    )
    return transfer


@transaction.atomic
def return_case(transfer, actor, *, returned_on, note) -> PoliceTransfer:
    """第十条: a case the police did not accept comes back and is handled administratively.

    A case decided as 移送 goes back to 审查决定 through ``cases.withdraw_decision``
    (责令重新作出: the one lawful backward move); a case transferred before its decision
    simply continues where it is.
    """
    from sanxiang.cases import services as cases
    from sanxiang.cases.models import DecisionOutcome, WithdrawalKind

    transfer = _lock(transfer)
    _require(actor, transfer.agency_id, Role.HEAD)
    _require_status(transfer, TransferStatus.NOT_FILED, action=_("退回依法处理"))
    last = transfer.reconsideration_notified_on or transfer.notified_on
    returned_on = past_date(returned_on, _("退回日期"), (last, _("收到不予立案通知书日期")))
    note = (note or "").strip()
    if not note:
        raise DomainError(
            _("请说明退回后的处理（第十条：应当给予行政处罚的，依法实施行政处罚）。"),
            code=ErrorCode.REQUIRED,
        )
    transfer.returned_on = returned_on
    transfer.return_note = note
    transfer.status = TransferStatus.RETURNED
    transfer.save()
    case = transfer.case
    case.refresh_from_db()
    reopened = False
    if case.decision_at and case.decision_outcome == DecisionOutcome.TRANSFER:
        cases.withdraw_decision(
            case,
            WithdrawalKind.ORDERED_REDONE,
            _(
                "%(p)s不予立案，案件退回依法作出处理（行政执法机关移送涉嫌犯罪案件的规定第十条）：%(n)s"
            )
            % {"p": transfer.police_authority, "n": note},
            actor,
        )
        reopened = True
    leaves.record(
        EventType.TRANSFER_RETURNED,
        transfer,
        {"on": returned_on, "note": note, "reopened": reopened},
        actor,
        key="transfer",
        typed=("note",),
    )
    return transfer


def flags(transfer, today=None) -> list[str]:
    today = today or clock.today()
    out = []
    if transfer.approval_late:
        out.append(_("负责人超过3日作出批准移送决定（第五条）"))
    if transfer.transfer_late:
        out.append(_("批准后超过24小时移送（第五条）"))
    if transfer.police_late or (
        transfer.status == TransferStatus.TRANSFERRED and today > transfer.police_deadline
    ):
        out.append(_("公安机关超过3日未作出立案或不予立案决定（第八条）"))
    if transfer.reconsideration_police_late:
        out.append(_("公安机关超过3日未作出复议决定（第九条）"))
    if transfer.handover_late or (
        transfer.status == TransferStatus.FILED
        and transfer.handover_deadline
        and today > transfer.handover_deadline
    ):
        out.append(_("立案后超过3日未移交涉案物品及材料（第十二条）"))
    return out
