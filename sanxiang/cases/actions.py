"""Inputs of every case transition, shared by the REST API (one POST endpoint per
transition) and the workbench forms: a DRF serializer validates the input, ``run`` calls
the service. The services re-check every rule; the serializers only parse.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sanxiang.core.fields import PartyType, PenaltyKind, RecordedActivity
from sanxiang.org.models import Officer, User

from . import services
from .models import DecisionOutcome, HandlerRole, ServiceMethod, WithdrawalKind

TEXTAREA = {"base_template": "textarea.html", "rows": 4}
_named = {}


def named_choice(name, choices, multiple=False):
    """A ChoiceField class documented as its own OpenAPI component ``name`` (unique enum
    names across the schema without settings overrides)."""
    if name in _named:
        return _named[name]
    values = [str(c[0]) for c in choices]
    desc = "；".join(f"{v}: {label}" for v, label in choices)
    if multiple:
        schema = {"type": "array", "items": {"type": "string", "enum": values}, "description": desc}
        base = serializers.MultipleChoiceField
    else:
        schema = {"type": "string", "enum": values, "description": desc}
        base = serializers.ChoiceField
    cls = extend_schema_field(schema, component_name=name)(type(f"{name}Field", (base,), {}))
    _named[name] = cls
    return cls


def choice(name, choices, multiple=False, **kwargs):
    return named_choice(name, choices, multiple)(choices=choices, **kwargs)


def late_reason_field():
    """补录原因: required by the services when the act's date lies more than
    ``services.dates.late_entry_days()`` days back (a paper record entered afterwards)."""
    return serializers.CharField(
        label=_("补录原因"),
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=_(
            "所填时间早于录入之日超过规定天数（默认 3 日）的，属事后补录（如纸质文书事后录入），"
            "须填写原因；该记录将标注“补录”，录入时间以账本时间为准。"
        ),
    )


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CaseBound(serializers.Serializer):
    """A serializer that knows its case (context['case']) to scope related choices."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.context.get("case")
        for name, field in self.fields.items():
            qs_factory = getattr(self, f"queryset_{name}", None)
            if qs_factory is None:
                continue
            target = field.child_relation if hasattr(field, "child_relation") else field
            target.queryset = qs_factory(case) if case is not None else target.queryset.none()


def _officers(case):
    return Officer.objects.filter(agency_id=case.agency_id, is_active=True).order_by("id")


def _documents(case):
    from sanxiang.documents.models import Document

    return Document.objects.filter(case=case).order_by("-id")


def decision_documents(case):
    """The 决定 form offers only decision-type documents (a 法制审核意见书, the newest
    document once the review is done, must not be the preselected choice)."""
    from sanxiang.documents.kinds import SPECS

    kinds = [code for code, s in SPECS.items() if s.decision]
    return _documents(case).filter(kind__in=kinds)


def _document_field(label):
    from sanxiang.documents.models import Document

    return serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.none(), required=False, allow_null=True, label=label
    )


class CaseEmptyIn(CaseBound):
    pass


class CaseApproveOpeningIn(CaseBound):
    opinion = serializers.CharField(
        label=_("审批意见"), required=False, allow_blank=True, style=TEXTAREA
    )
    at = serializers.DateTimeField(label=_("立案时间"), required=False, allow_null=True)
    late_reason = late_reason_field()


class CaseStartInvestigationIn(CaseBound):
    at = serializers.DateTimeField(label=_("开始调查时间"), required=False, allow_null=True)
    late_reason = late_reason_field()


class CaseReasonIn(CaseBound):
    reason = serializers.CharField(label=_("理由"), style=TEXTAREA)


class CasePartyIn(CaseBound):
    party_type = choice("CasePartyType", PartyType.choices, label=_("当事人类别"))
    name = serializers.CharField(label=_("姓名或名称"), max_length=200)
    id_number = serializers.CharField(
        label=_("居民身份证号码"), required=False, allow_blank=True, max_length=18
    )
    usci = serializers.CharField(
        label=_("统一社会信用代码"), required=False, allow_blank=True, max_length=18
    )
    legal_representative = serializers.CharField(
        label=_("法定代表人/负责人/经营者"), required=False, allow_blank=True
    )
    address = serializers.CharField(label=_("住所/地址"), required=False, allow_blank=True)
    phone = serializers.CharField(label=_("联系电话"), required=False, allow_blank=True)


class CaseAddHandlerIn(CaseBound):
    officer = serializers.PrimaryKeyRelatedField(
        label=_("执法人员"),
        queryset=Officer.objects.none(),  # scoped to the case below
    )
    role = choice(
        "CaseHandlerRole", HandlerRole.choices, label=_("分工"), default=HandlerRole.INVESTIGATOR
    )
    queryset_officer = staticmethod(_officers)


class CaseRecordEventIn(CaseBound):
    activity = choice(
        "CaseActivity",
        RecordedActivity.choices,
        label=_("执法活动类别"),
        required=False,
        allow_blank=True,
    )
    description = serializers.CharField(label=_("活动内容"), style=TEXTAREA)
    at = serializers.DateTimeField(label=_("时间"), required=False, allow_null=True)
    place = serializers.CharField(label=_("地点"), required=False, allow_blank=True)
    officers = serializers.PrimaryKeyRelatedField(
        label=_("在场执法人员"), many=True, queryset=Officer.objects.none(), required=False
    )
    evidence = serializers.CharField(
        label=_("取得的证据（每行一项）"), required=False, allow_blank=True, style=TEXTAREA
    )
    late_reason = late_reason_field()
    queryset_officers = staticmethod(_officers)


class CaseFinishInvestigationIn(CaseBound):
    report = serializers.CharField(label=_("调查终结报告"), style=TEXTAREA)
    proposed_penalty_kinds = choice(
        "CasePenaltyKinds", PenaltyKind.choices, True, label=_("拟处罚种类"), required=False
    )
    proposed_fine = serializers.DecimalField(
        label=_("拟罚款金额（元）"),
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
    )
    confiscation_value = serializers.DecimalField(
        label=_("拟没收金额/价值（元）"),
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
    )
    is_major = serializers.BooleanField(
        label=_("重大/复杂案件（须集体讨论）"), required=False, default=False
    )
    at = serializers.DateTimeField(label=_("调查终结时间"), required=False, allow_null=True)
    late_reason = late_reason_field()


class CasePriorNoticeIn(CaseBound):
    facts = serializers.CharField(label=_("违法事实"), style=TEXTAREA)
    reasons = serializers.CharField(label=_("理由"), style=TEXTAREA)
    basis = serializers.CharField(label=_("依据"), style=TEXTAREA)
    penalty_kinds = choice("CasePenaltyKinds", PenaltyKind.choices, True, label=_("拟处罚种类"))
    fine = serializers.DecimalField(
        label=_("拟罚款金额（元）"),
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
    )
    confiscation_value = serializers.DecimalField(
        label=_("拟没收金额/价值（元）"),
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
    )
    other_heavy = serializers.BooleanField(
        label=_("属其他较重的行政处罚（可要求听证）"), required=False, default=False
    )
    notice_at = serializers.DateTimeField(label=_("告知时间"), required=False, allow_null=True)
    late_reason = late_reason_field()
    document = _document_field(_("事先告知书"))
    queryset_document = staticmethod(_documents)


class CaseStatementIn(CaseBound):
    content = serializers.CharField(label=_("陈述申辩内容"), style=TEXTAREA)
    method = choice(
        "CaseStatementMethod",
        [("written", _("书面")), ("oral", _("口头"))],
        label=_("方式"),
        default="written",
    )
    received_at = serializers.DateTimeField(label=_("提出时间"), required=False, allow_null=True)
    adopted = serializers.BooleanField(
        label=_("经复核予以采纳"), required=False, allow_null=True, default=None
    )
    review_note = serializers.CharField(
        label=_("复核意见"), required=False, allow_blank=True, style=TEXTAREA
    )
    late_reason = late_reason_field()


class CaseRequestHearingIn(CaseBound):
    requested_at = serializers.DateTimeField(label=_("申请时间"), required=False, allow_null=True)
    note = serializers.CharField(label=_("备注"), required=False, allow_blank=True)
    late_reason = late_reason_field()


class CaseScheduleHearingIn(CaseBound):
    hearing_at = serializers.DateTimeField(label=_("听证时间"))
    place = serializers.CharField(label=_("听证地点"))
    chair = serializers.PrimaryKeyRelatedField(
        label=_("主持人（非本案调查人员）"), queryset=User.objects.all()
    )
    notified_at = serializers.DateTimeField(label=_("通知时间"), required=False, allow_null=True)
    public = serializers.BooleanField(label=_("公开举行"), required=False, default=True)
    late_reason = late_reason_field()

    @staticmethod
    def queryset_chair(case):
        return User.objects.filter(agency_id=case.agency_id, is_active=True).order_by("id")


class CaseHoldHearingIn(CaseBound):
    transcript_summary = serializers.CharField(label=_("听证笔录摘要"), style=TEXTAREA)
    held_at = serializers.DateTimeField(label=_("举行时间"), required=False, allow_null=True)
    party_attended = serializers.BooleanField(label=_("当事人出席"), required=False, default=True)
    absence_reason = serializers.CharField(label=_("未出席情况"), required=False, allow_blank=True)
    late_reason = late_reason_field()
    document = _document_field(_("听证笔录"))
    queryset_document = staticmethod(_documents)


class CaseWaiveIn(CaseBound):
    what = choice(
        "CaseWaiver",
        [("statement", _("陈述申辩")), ("hearing", _("听证")), ("all", _("陈述申辩和听证"))],
        label=_("放弃事项"),
    )
    signed_at = serializers.DateTimeField(label=_("签署时间"), required=False, allow_null=True)
    note = serializers.CharField(
        label=_("书面声明内容"), required=False, allow_blank=True, style=TEXTAREA
    )
    late_reason = late_reason_field()
    document = _document_field(_("书面放弃声明（文书）"))
    queryset_document = staticmethod(_documents)


class CaseDiscussionIn(CaseBound):
    held_at = serializers.DateTimeField(label=_("讨论时间"))
    place = serializers.CharField(label=_("地点"), required=False, allow_blank=True)
    chair = serializers.CharField(label=_("主持人"))
    participants = serializers.CharField(label=_("参加人员（每行一人）"), style=TEXTAREA)
    minutes = serializers.CharField(label=_("讨论记录"), style=TEXTAREA)
    conclusion = serializers.CharField(label=_("讨论结论"), style=TEXTAREA)
    late_reason = late_reason_field()


class CaseDecideIn(CaseBound):
    outcome = choice("CaseDecisionOutcome", DecisionOutcome.choices, label=_("决定结果"))
    penalty_kinds = choice(
        "CasePenaltyKinds", PenaltyKind.choices, True, label=_("处罚种类"), required=False
    )
    fine = serializers.DecimalField(
        label=_("罚款金额（元）"), max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    confiscated = serializers.DecimalField(
        label=_("没收金额（元）"), max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    summary = serializers.CharField(
        label=_("决定内容"), required=False, allow_blank=True, style=TEXTAREA
    )
    decided_at = serializers.DateTimeField(label=_("决定时间"), required=False, allow_null=True)
    late_reason = late_reason_field()
    document = _document_field(_("决定书（草稿将在通过审核后签发）"))
    queryset_document = staticmethod(decision_documents)


class CaseExtendDeadlineIn(CaseBound):
    days = serializers.IntegerField(label=_("延长天数"), min_value=1, max_value=365)
    reason = serializers.CharField(label=_("延长理由"), style=TEXTAREA)


class CaseServeIn(CaseBound):
    method = choice("CaseServiceMethod", ServiceMethod.choices, label=_("送达方式"))
    # Optional only for 公告送达 (the service says so in Chinese); always passed on.
    recipient = serializers.CharField(
        label=_("受送达人"), required=False, allow_blank=True, default=""
    )
    served_at = serializers.DateTimeField(label=_("送达时间"), required=False, allow_null=True)
    consent_confirmed = serializers.BooleanField(
        label=_("当事人已签订电子送达确认书"), required=False, default=False
    )
    note = serializers.CharField(label=_("备注"), required=False, allow_blank=True)
    late_reason = late_reason_field()


class CasePaymentIn(CaseBound):
    amount = serializers.DecimalField(label=_("缴款金额（元）"), max_digits=14, decimal_places=2)
    method = choice(
        "CasePaymentMethod",
        list(services.PAYMENT_METHODS.items()),
        label=_("缴款方式"),
        default="bank",
    )
    paid_at = serializers.DateTimeField(label=_("缴款时间"), required=False, allow_null=True)
    receipt_number = serializers.CharField(label=_("票据号"), required=False, allow_blank=True)
    note = serializers.CharField(label=_("备注"), required=False, allow_blank=True)
    late_reason = late_reason_field()


class CaseEnforcementIn(CaseBound):
    kind = choice(
        "CaseEnforcementKind", list(services.ENFORCEMENT_KINDS.items()), label=_("执行方式")
    )
    description = serializers.CharField(label=_("执行情况"), style=TEXTAREA)
    at = serializers.DateTimeField(label=_("时间"), required=False, allow_null=True)
    completes = serializers.BooleanField(label=_("执行完毕"), required=False, default=False)
    late_reason = late_reason_field()


class CaseFileSimpleIn(CaseBound):
    at = serializers.DateTimeField(label=_("备案时间"), required=False, allow_null=True)
    note = serializers.CharField(label=_("备注"), required=False, allow_blank=True)
    late_reason = late_reason_field()


class CaseCloseIn(CaseBound):
    report = serializers.CharField(label=_("结案报告"), style=TEXTAREA)
    at = serializers.DateTimeField(label=_("结案时间"), required=False, allow_null=True)
    late_reason = late_reason_field()


class CaseArchiveIn(CaseBound):
    location = serializers.CharField(label=_("存放位置"), required=False, allow_blank=True)
    retention = serializers.CharField(label=_("保管期限"), required=False, allow_blank=True)
    at = serializers.DateTimeField(label=_("归档时间"), required=False, allow_null=True)
    late_reason = late_reason_field()


class CaseWithdrawIn(CaseBound):
    kind = choice("CaseWithdrawalKind", WithdrawalKind.choices, label=_("情形"))
    reason = serializers.CharField(label=_("理由及依据"), style=TEXTAREA)


def _kinds(data, key):
    return sorted(data.get(key) or [])


RUNNERS = {
    "approve_opening": (CaseApproveOpeningIn, lambda c, u, d: services.approve_opening(c, u, **d)),
    "reject_opening": (
        CaseReasonIn,
        lambda c, u, d: services.reject_opening(c, u, reason=d["reason"]),
    ),
    "start_investigation": (
        CaseStartInvestigationIn,
        lambda c, u, d: services.start_investigation(c, u, **d),
    ),
    "add_party": (CasePartyIn, lambda c, u, d: services.add_party(c, u, **d)),
    "add_handler": (
        CaseAddHandlerIn,
        lambda c, u, d: services.add_handler(c, u, d["officer"], d["role"]),
    ),
    "record_event": (
        CaseRecordEventIn,
        lambda c, u, d: services.record_event(
            c,
            u,
            description=d["description"],
            activity=d.get("activity") or "",
            at=d.get("at"),
            place=d.get("place", ""),
            officers=d.get("officers", []),
            evidence=_lines(d.get("evidence")),
            late_reason=d.get("late_reason", ""),
        ),
    ),
    "finish_investigation": (
        CaseFinishInvestigationIn,
        lambda c, u, d: services.finish_investigation(
            c,
            u,
            report=d["report"],
            proposed_penalty_kinds=_kinds(d, "proposed_penalty_kinds"),
            proposed_fine=d.get("proposed_fine"),
            confiscation_value=d.get("confiscation_value"),
            is_major=d.get("is_major", False),
            at=d.get("at"),
            late_reason=d.get("late_reason", ""),
        ),
    ),
    "send_prior_notice": (
        CasePriorNoticeIn,
        lambda c, u, d: services.send_prior_notice(
            c,
            u,
            facts=d["facts"],
            reasons=d["reasons"],
            basis=d["basis"],
            penalty_kinds=_kinds(d, "penalty_kinds"),
            fine=d.get("fine"),
            confiscation_value=d.get("confiscation_value"),
            other_heavy=d.get("other_heavy", False),
            notice_at=d.get("notice_at"),
            document=d.get("document"),
            late_reason=d.get("late_reason", ""),
        ),
    ),
    "record_statement": (CaseStatementIn, lambda c, u, d: services.record_statement(c, u, **d)),
    "request_hearing": (CaseRequestHearingIn, lambda c, u, d: services.request_hearing(c, u, **d)),
    "schedule_hearing": (
        CaseScheduleHearingIn,
        lambda c, u, d: services.schedule_hearing(c, u, **d),
    ),
    "hold_hearing": (CaseHoldHearingIn, lambda c, u, d: services.hold_hearing(c, u, **d)),
    "waive": (CaseWaiveIn, lambda c, u, d: services.waive(c, u, **d)),
    "require_collective_discussion": (
        CaseReasonIn,
        lambda c, u, d: services.require_collective_discussion(c, u, reason=d["reason"]),
    ),
    "collective_discussion": (
        CaseDiscussionIn,
        lambda c, u, d: services.collective_discussion(
            c,
            u,
            held_at=d["held_at"],
            chair=d["chair"],
            participants=_lines(d["participants"]),
            minutes=d["minutes"],
            conclusion=d["conclusion"],
            place=d.get("place", ""),
            late_reason=d.get("late_reason", ""),
        ),
    ),
    "decide": (
        CaseDecideIn,
        lambda c, u, d: services.decide(
            c,
            actor=u,
            outcome=d["outcome"],
            penalty_kinds=_kinds(d, "penalty_kinds"),
            fine=d.get("fine"),
            confiscated=d.get("confiscated"),
            summary=d.get("summary", ""),
            decided_at=d.get("decided_at"),
            document=d.get("document"),
            late_reason=d.get("late_reason", ""),
        ),
    ),
    "extend_deadline": (
        CaseExtendDeadlineIn,
        lambda c, u, d: services.extend_deadline(c, d["days"], d["reason"], u),
    ),
    "serve": (CaseServeIn, lambda c, u, d: services.serve(c, u, **d)),
    "record_payment": (CasePaymentIn, lambda c, u, d: services.record_payment(c, u, **d)),
    "record_enforcement": (
        CaseEnforcementIn,
        lambda c, u, d: services.record_enforcement(c, u, **d),
    ),
    "file_simple_decision": (
        CaseFileSimpleIn,
        lambda c, u, d: services.file_simple_decision(c, u, **d),
    ),
    "close_case": (CaseCloseIn, lambda c, u, d: services.close_case(c, u, **d)),
    "archive_case": (CaseArchiveIn, lambda c, u, d: services.archive_case(c, u, **d)),
    "withdraw_decision": (
        CaseWithdrawIn,
        lambda c, u, d: services.withdraw_decision(c, d["kind"], d["reason"], u),
    ),
    "terminate_case": (
        CaseReasonIn,
        lambda c, u, d: services.terminate_case(c, u, reason=d["reason"]),
    ),
    "mark_long_term_retention": (
        CaseReasonIn,
        lambda c, u, d: services.mark_long_term_retention(c, u, reason=d["reason"]),
    ),
}
if set(RUNNERS) != set(services.ACTIONS_BY_CODE):  # every action has its form and runner
    raise ImproperlyConfigured(
        f"case actions without a runner: {set(RUNNERS) ^ set(services.ACTIONS_BY_CODE)}"
    )


def serializer_for(code, case, data=None):
    cls, _run = RUNNERS[code]
    if data is None:
        return cls(context={"case": case})
    return cls(data=data, context={"case": case})


def run(code, case, user, validated):
    _cls, runner = RUNNERS[code]
    return runner(case, user, dict(validated))
