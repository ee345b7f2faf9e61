"""Read side: the actions a user may take now, deadlines and warnings, missing items and
the full timeline of a case."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core.fields import CaseActType, PartyType, RecordedActivity
from sanxiang.org.models import Role

from .. import hooks
from ..models import EventKind, OpeningStatus, Stage
from . import _base as b
from .execution import amount_due

H, HD, RV = Role.HANDLER, Role.HEAD, Role.REVIEWER
ACTIVE = (
    Stage.OPENING,
    Stage.INVESTIGATION,
    Stage.DECISION,
    Stage.SERVICE,
    Stage.EXECUTION,
    Stage.CLOSING,
)


def _open_decision(c):
    return c.stage == Stage.DECISION and not c.decision_at


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    roles: tuple
    when: object  # callable(case) -> bool
    case_handler: bool = True  # a handler must be assigned to the case
    danger: bool = False


ACTIONS = [
    Action(
        "approve_opening",
        gettext_lazy("批准立案"),
        (HD,),
        lambda c: c.stage == Stage.OPENING and c.opening_status == OpeningStatus.PENDING,
    ),
    Action(
        "reject_opening",
        gettext_lazy("不予立案"),
        (HD,),
        lambda c: c.stage == Stage.OPENING and c.opening_status == OpeningStatus.PENDING,
        danger=True,
    ),
    Action(
        "start_investigation",
        gettext_lazy("开始调查取证"),
        (H, HD),
        lambda c: c.stage == Stage.OPENING and c.opening_status == OpeningStatus.APPROVED,
    ),
    Action(
        "add_party",
        gettext_lazy("登记当事人"),
        (H, HD),
        lambda c: c.stage in ACTIVE and not c.decision_at,
    ),
    Action("add_handler", gettext_lazy("指定办案人员"), (H, HD), lambda c: c.stage in ACTIVE),
    Action(
        "record_event",
        gettext_lazy("记录执法活动"),
        (H, HD),
        lambda c: c.stage in (Stage.INVESTIGATION, Stage.DECISION, Stage.SERVICE, Stage.EXECUTION),
    ),
    Action(
        "finish_investigation",
        gettext_lazy("调查终结"),
        (H, HD),
        lambda c: c.stage == Stage.INVESTIGATION,
    ),
    Action(
        "send_prior_notice",
        gettext_lazy("告知（拟处罚）"),
        (H, HD),
        lambda c: _open_decision(c) and c.act_type != CaseActType.PENALTY_SIMPLE,
    ),
    Action(
        "record_statement",
        gettext_lazy("记录陈述申辩"),
        (H, HD),
        lambda c: _open_decision(c) and c.notice_at is not None,
    ),
    Action(
        "request_hearing",
        gettext_lazy("登记听证申请"),
        (H, HD),
        lambda c: _open_decision(c)
        and c.hearing_eligible
        and not c.hearing_requested
        and not c.hearing_waived,
    ),
    Action(
        "schedule_hearing",
        gettext_lazy("通知听证"),
        (H, HD),
        lambda c: _open_decision(c)
        and c.hearing_requested
        and not c.hearing_held
        and not c.hearing_waived,
    ),
    Action(
        "hold_hearing",
        gettext_lazy("举行听证"),
        (H, HD),
        lambda c: _open_decision(c)
        and c.hearing_at is not None
        and not c.hearing_held
        and not c.hearing_waived,
    ),
    Action(
        "waive",
        gettext_lazy("登记书面放弃权利"),
        (H, HD),
        lambda c: _open_decision(c) and c.notice_at is not None,
    ),
    Action(
        "require_collective_discussion",
        gettext_lazy("确定须集体讨论"),
        (HD, RV),
        lambda c: c.stage in ACTIVE and not c.decision_at and not c.discussion_required,
        case_handler=False,
    ),
    Action(
        "collective_discussion",
        gettext_lazy("记录集体讨论"),
        (HD, H),
        lambda c: _open_decision(c),
        case_handler=False,
    ),
    Action(
        "decide",
        gettext_lazy("作出决定"),
        (HD,),
        lambda c: _open_decision(c) and c.act_type != CaseActType.PENALTY_SIMPLE,
    ),
    Action(
        "extend_deadline",
        gettext_lazy("延长办案期限"),
        (HD,),
        lambda c: c.stage in ACTIVE and c.deadline is not None and not c.decision_at,
    ),
    Action("serve", gettext_lazy("送达"), (H, HD), lambda c: c.stage == Stage.SERVICE),
    Action(
        "record_payment",
        gettext_lazy("登记缴款"),
        (H, HD),
        lambda c: c.stage == Stage.EXECUTION and c.paid_amount < amount_due(c),
    ),
    Action(
        "record_enforcement",
        gettext_lazy("登记执行情况"),
        (H, HD),
        lambda c: c.stage == Stage.EXECUTION,
    ),
    Action(
        "file_simple_decision",
        gettext_lazy("当场处罚备案"),
        (H, HD),
        lambda c: c.act_type == CaseActType.PENALTY_SIMPLE
        and not c.simple_filed_at
        and c.stage in ACTIVE,
        case_handler=False,
    ),
    Action(
        "close_case",
        gettext_lazy("批准结案"),
        (HD,),
        lambda c: c.stage == Stage.CLOSING and not c.closed_at,
    ),
    Action(
        "archive_case",
        gettext_lazy("归档"),
        (H, HD),
        lambda c: c.stage == Stage.CLOSING and c.closed_at is not None,
        case_handler=False,
    ),
    Action(
        "withdraw_decision",
        gettext_lazy("撤销/确认违法/责令重作"),
        (HD,),
        lambda c: c.decision_at is not None and not c.withdrawal_kind and c.stage != Stage.ARCHIVED,
        danger=True,
    ),
    Action(
        "terminate_case",
        gettext_lazy("终止办理"),
        (HD,),
        lambda c: (
            (
                c.stage in (Stage.INVESTIGATION, Stage.DECISION)
                or (c.stage == Stage.OPENING and c.opening_status == OpeningStatus.APPROVED)
            )
            and not c.decision_at
        )
        or (bool(c.withdrawal_kind) and c.stage in (Stage.SERVICE, Stage.EXECUTION)),
        danger=True,
    ),
    Action(
        "mark_long_term_retention",
        gettext_lazy("记录需长期保存"),
        (H, HD, RV),
        lambda c: c.stage != Stage.TERMINATED,
        case_handler=False,
    ),
]
ACTIONS_BY_CODE = {a.code: a for a in ACTIONS}


def _is_case_handler(case, user):
    officer = b.officer_of(user)
    if officer is None:
        return False
    return any(h.officer_id == officer.pk for h in case.handlers.all())


def available_actions(case, user):
    """The actions ``user`` may take on ``case`` now (services re-check everything)."""
    if user is None or not user.is_authenticated or user.agency_id != case.agency_id:
        return []
    assigned = None
    result = []
    for action in ACTIONS:
        if user.role not in action.roles or not action.when(case):
            continue
        if action.case_handler and user.role == Role.HANDLER:
            if assigned is None:
                assigned = _is_case_handler(case, user)
            if not assigned:
                continue
        result.append(action)
    return result


# --------------------------------------------------------------------------- warnings


def _alert(level, code, message):
    return {"level": level, "code": code, "message": str(message)}


def deadline_warnings(case, today=None):
    """Deadlines running out or overdue: list of {level: error|warn|info, code, message}."""
    today = today or b.today()
    out = []
    pol = b.policy(case.agency)
    if case.stage in (Stage.ARCHIVED, Stage.TERMINATED):
        return out
    if case.deadline and not case.decision_at:
        left = (case.deadline - today).days
        if left < 0:
            out.append(
                _alert(
                    "error",
                    "deadline_overdue",
                    _("已超过办案期限 %(n)d 日（期限 %(d)s），须经负责人批准延长。")
                    % {"n": -left, "d": case.deadline},
                )
            )
        elif left <= pol.warn_days_before_deadline:
            out.append(
                _alert(
                    "warn",
                    "deadline_soon",
                    _("距办案期限届满还有 %(n)d 日（%(d)s）。") % {"n": left, "d": case.deadline},
                )
            )
    if case.stage == Stage.DECISION and case.notice_at and not case.decision_at:
        if not case.statement_waived and today <= case.statement_deadline:
            out.append(
                _alert(
                    "info",
                    "statement_window",
                    _("陈述申辩期限至 %(d)s。") % {"d": case.statement_deadline},
                )
            )
        if (
            case.hearing_eligible
            and not case.hearing_waived
            and not case.hearing_requested
            and today <= case.hearing_request_deadline
        ):
            out.append(
                _alert(
                    "info",
                    "hearing_window",
                    _("听证申请期限至 %(d)s。") % {"d": case.hearing_request_deadline},
                )
            )
        if case.hearing_requested and case.hearing_at is None:
            out.append(
                _alert("warn", "hearing_unscheduled", _("当事人已要求听证，尚未通知听证时间地点。"))
            )
        if case.hearing_at and not case.hearing_held and not case.hearing_waived:
            out.append(
                _alert(
                    "info",
                    "hearing_scheduled",
                    _("听证定于 %(t)s 举行。")
                    % {"t": b.as_datetime(case.hearing_at).strftime("%Y-%m-%d %H:%M")},
                )
            )
    if case.stage == Stage.SERVICE and case.service_deadline:
        if today > case.service_deadline:
            out.append(
                _alert(
                    "error",
                    "service_overdue",
                    _("决定书应于 %(d)s 前送达（第六十一条），已逾期。")
                    % {"d": case.service_deadline},
                )
            )
        else:
            out.append(
                _alert(
                    "warn",
                    "service_due",
                    _("决定书须于 %(d)s 前送达。") % {"d": case.service_deadline},
                )
            )
    if case.served_late:
        out.append(_alert("warn", "served_late", _("决定书逾期送达（已记录）。")))
    if (
        case.stage == Stage.EXECUTION
        and case.payment_deadline
        and case.paid_amount < amount_due(case)
        and today > case.payment_deadline
    ):
        out.append(
            _alert(
                "error",
                "payment_overdue",
                _(
                    "当事人逾期未缴纳罚没款（期限 %(d)s），可依法加处罚款或申请强制执行"
                    "（第七十二条）。"
                )
                % {"d": case.payment_deadline},
            )
        )
    if case.act_type == CaseActType.PENALTY_SIMPLE and not case.simple_filed_at:
        if case.simple_filing_deadline and today > case.simple_filing_deadline:
            out.append(
                _alert(
                    "error",
                    "simple_filing_overdue",
                    _("当场处罚决定应于 %(d)s 前报机关备案，已逾期。")
                    % {"d": case.simple_filing_deadline},
                )
            )
        else:
            out.append(
                _alert(
                    "warn",
                    "simple_filing_due",
                    _("当场处罚决定须于 %(d)s 前报机关备案。") % {"d": case.simple_filing_deadline},
                )
            )
    return out


def missing_items(case, today=None):
    """What the case file still lacks for its current stage (list of alerts)."""
    today = today or b.today()
    out = []
    if case.stage == Stage.TERMINATED:
        return out
    parties = list(case.parties.all())
    if not parties and case.act_type != CaseActType.INSPECTION:
        out.append(_alert("warn", "no_party", _("尚未登记当事人。")))
    for p in parties:
        if p.party_type == PartyType.NATURAL_PERSON and not p.id_number:
            out.append(_alert("warn", "party_id", _("当事人%(n)s缺少身份证号码。") % {"n": p.name}))
        if not p.address:
            out.append(
                _alert(
                    "info", "party_address", _("当事人%(n)s缺少地址（送达需要）。") % {"n": p.name}
                )
            )
    if case.power_id is None and case.act_type != CaseActType.OTHER:
        out.append(_alert("info", "no_power", _("未关联执法事项清单中的事项。")))
    if case.stage == Stage.INVESTIGATION:
        kinds = set(case.events.values_list("kind", flat=True))
        if EventKind.ACTIVITY not in kinds:
            out.append(_alert("warn", "no_activity", _("尚未记录调查取证活动。")))
    if case.discussion_required and not case.discussion_held and not case.decision_at:
        out.append(_alert("warn", "discussion", _("须经机关负责人集体讨论，尚未讨论。")))
    if (
        case.decision_at
        and case.act_type == CaseActType.PENALTY_GENERAL
        and not case.decision_document_id
    ):
        out.append(_alert("warn", "decision_document", _("未关联已签发的行政处罚决定书。")))
    for provider in hooks.missing_item_providers():
        for item in provider(case, today) or []:
            out.append(
                _alert(
                    item.get("level", "warn"), item.get("code", "external"), item.get("message", "")
                )
            )
    return out


def case_alerts(case, today=None):
    return deadline_warnings(case, today) + missing_items(case, today)


# --------------------------------------------------------------------------- timeline


def _proof_label(index, head_size):
    if index is None:
        return _("未入账本")
    if head_size is not None and index < head_size:
        return _("已入账本 #%(i)d，已由签名树头覆盖") % {"i": index}
    return _("已入账本 #%(i)d，待下次树头签名") % {"i": index}


def timeline(case):
    """Every event of the case, oldest first, with proof status, merged with the entries
    other apps contribute (documents, recordings)."""
    from sanxiang.ledger.services import latest_head

    head = latest_head()
    head_size = head.tree_size if head else None
    rows = []
    for ev in case.events.select_related("actor").order_by("id"):
        activity = RecordedActivity(ev.activity).label if ev.activity else ""
        rows.append(
            {
                "at": ev.at,
                "kind": ev.get_kind_display(),
                "kind_code": ev.kind,
                "stage": ev.get_stage_display(),
                "activity": activity,
                "summary": ev.summary,
                "actor_name": ev.actor_name,
                "actor": ev.actor,  # the account, shown as name, role and username
                "ledger_index": ev.ledger_index,
                "proof": _proof_label(ev.ledger_index, head_size),
                "documents": [
                    d
                    for d in [
                        ev.data.get("document"),
                        ev.data.get("receipt"),
                        *(ev.data.get("documents") or []),
                    ]
                    if d
                ],
                "warnings": ev.data.get("warnings", []),
                "source": "case",
                "url": "",
                "late_entry": ev.late_entry,
                "late_reason": ev.late_reason,
                "recorded_at": ev.recorded_at,
            }
        )
    for provider in hooks.timeline_contributors():
        for item in provider(case) or []:
            index = item.get("ledger_index")
            rows.append(
                {
                    "at": item["at"],
                    "kind": item.get("kind", ""),
                    "kind_code": "external",
                    "stage": "",
                    "activity": "",
                    "summary": item.get("summary", ""),
                    "actor_name": item.get("actor_name", ""),
                    "ledger_index": index,
                    "proof": item.get("proof") or _proof_label(index, head_size),
                    "documents": [],
                    "warnings": [],
                    "source": "external",
                    "url": item.get("url", ""),
                    "late_entry": False,
                    "late_reason": "",
                    "recorded_at": None,
                }
            )
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    rows.sort(key=lambda r: r["at"] or epoch)
    return rows
