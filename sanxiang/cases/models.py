"""Case lifecycle (执法全过程记录): cases, parties, handlers and the append-only timeline.

State changes happen only through ``sanxiang.cases.services``; the views, API and admin
never write these models themselves. ``CaseEvent`` and ``CollectiveDiscussion`` are
append-only at the database level (triggers, see migrations).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.fields import (
    CaseActType,
    EnforcementField,
    PartyType,
    RecordedActivity,
    WithdrawalKind,
)

# ----------------------------------------------------------------------------- vocabularies


class Stage(models.TextChoices):
    """环节 of a case (domain.md: 立案 → 调查取证 → 审查决定 → 送达 → 执行 → 结案 → 归档)."""

    OPENING = "opening", _("立案")
    INVESTIGATION = "investigation", _("调查取证")
    DECISION = "decision", _("审查决定")
    SERVICE = "service", _("送达")
    EXECUTION = "execution", _("执行")
    CLOSING = "closing", _("结案")
    ARCHIVED = "archived", _("归档")
    TERMINATED = "terminated", _("终止")


class OpeningStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准立案")
    REJECTED = "rejected", _("不予立案")


class CaseSource(models.TextChoices):
    """案件来源 (案源)."""

    INSPECTION = "inspection", _("监督检查发现")
    RANDOM_INSPECTION = "random_inspection", _("双随机抽查发现")
    COMPLAINT = "complaint", _("投诉举报")
    REFERRAL = "referral", _("其他机关移送")
    ASSIGNED = "assigned", _("上级交办")
    PATROL = "patrol", _("日常巡查")
    MONITORING = "monitoring", _("在线监测/技术监控")
    SELF_REPORT = "self_report", _("当事人主动报告")
    APPLICATION = "application", _("依申请")
    OTHER = "other", _("其他")


class HandlerRole(models.TextChoices):
    MAIN = "main", _("主办人")
    INVESTIGATOR = "investigator", _("协办人")


class DecisionOutcome(models.TextChoices):
    """审查决定的结果 (行政处罚法 第五十七条 and the other act types)."""

    PENALTY = "penalty", _("给予行政处罚")
    NO_PENALTY_MINOR = "no_penalty_minor", _("违法行为轻微，不予行政处罚")
    NO_PENALTY_UNFOUNDED = "no_penalty_unfounded", _("违法事实不能成立，不予行政处罚")
    TRANSFER = "transfer", _("涉嫌犯罪，移送司法机关")
    REVOKE = "revoke", _("撤销案件")
    # other act types
    APPROVE = "approve", _("准予/确认/给予")
    REJECT = "reject", _("不予准予/不予确认")
    MEASURE = "measure", _("采取行政强制措施")
    RELEASE = "release", _("解除行政强制措施")
    COMPLIANT = "compliant", _("检查未发现问题")
    RECTIFY = "rectify", _("责令改正/限期整改")
    OTHER = "other", _("其他处理")


class ServiceMethod(models.TextChoices):
    DIRECT = "direct", _("直接送达")
    LIEN = "lien", _("留置送达")
    MAIL = "mail", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")
    ENTRUSTED = "entrusted", _("委托送达")
    NOTICE = "notice", _("公告送达")
    ON_THE_SPOT = "on_the_spot", _("当场交付")


class EventKind(models.TextChoices):
    """Kinds of timeline entries (CaseEvent.kind)."""

    CREATED = "created", _("登记案源/立案申请")
    OPENING_APPROVED = "opening_approved", _("批准立案")
    OPENING_REJECTED = "opening_rejected", _("不予立案")
    HANDLER_ADDED = "handler_added", _("指定执法人员")
    PARTY_ADDED = "party_added", _("登记当事人")
    INVESTIGATION_STARTED = "investigation_started", _("开始调查取证")
    ACTIVITY = "activity", _("调查取证活动")
    INVESTIGATION_FINISHED = "investigation_finished", _("调查终结")
    PRIOR_NOTICE = "prior_notice", _("告知")
    STATEMENT = "statement", _("陈述申辩")
    HEARING_REQUESTED = "hearing_requested", _("申请听证")
    HEARING_SCHEDULED = "hearing_scheduled", _("通知听证")
    HEARING_HELD = "hearing_held", _("举行听证")
    WAIVER = "waiver", _("书面放弃权利")
    DISCUSSION_REQUIRED = "discussion_required", _("确定须集体讨论")
    COLLECTIVE_DISCUSSION = "collective_discussion", _("集体讨论")
    DEADLINE_EXTENDED = "deadline_extended", _("延长办案期限")
    DECISION = "decision", _("作出决定")
    DECISION_WITHDRAWN = "decision_withdrawn", _("决定被撤销/确认违法/责令重作")
    SERVICE = "service", _("送达")
    PAYMENT = "payment", _("缴纳罚没款")
    ENFORCEMENT = "enforcement", _("执行")
    SIMPLE_FILED = "simple_filed", _("当场处罚决定备案")
    CLOSED = "closed", _("结案")
    ARCHIVED = "archived", _("归档")
    TERMINATED = "terminated", _("终止办理")
    NOTE = "note", _("备注")


# ----------------------------------------------------------------------------- policy


class CasePolicy(models.Model):
    """Per-agency settings of the case procedure (provinces set some amounts)."""

    agency = models.OneToOneField(
        "org.Agency",
        verbose_name=_("执法主体"),
        on_delete=models.PROTECT,
        related_name="case_policy",
    )
    number_prefix = models.CharField(
        _("案件编号机关代字"),
        max_length=20,
        blank=True,
        help_text=_("如“青市监”。空则用机关简称。"),
    )
    statement_window_workdays = models.PositiveSmallIntegerField(
        _("陈述申辩期限（工作日）"), default=3
    )
    hearing_fine_person = models.DecimalField(
        _("较大数额罚款（自然人）"), max_digits=14, decimal_places=2, default=10000
    )
    hearing_fine_org = models.DecimalField(
        _("较大数额罚款（法人或其他组织）"), max_digits=14, decimal_places=2, default=100000
    )
    hearing_confiscation_person = models.DecimalField(
        _("较大价值没收（自然人）"), max_digits=14, decimal_places=2, default=10000
    )
    hearing_confiscation_org = models.DecimalField(
        _("较大价值没收（法人或其他组织）"), max_digits=14, decimal_places=2, default=100000
    )
    decision_days = models.PositiveSmallIntegerField(_("一般程序办案期限（日）"), default=90)
    warn_days_before_deadline = models.PositiveSmallIntegerField(
        _("期限届满前预警（日）"), default=15
    )
    simple_filing_workdays = models.PositiveSmallIntegerField(
        _("当场处罚决定备案期限（工作日）"), default=3
    )
    simple_single_officer_basis = models.CharField(
        _("简易程序一名执法人员的法律依据"),
        max_length=255,
        blank=True,
        help_text=_("行政处罚法第四十二条“法律另有规定的除外”；填写依据后简易程序可由一人实施。"),
    )

    class Meta:
        verbose_name = _("办案规则设置")
        verbose_name_plural = _("办案规则设置")

    def __str__(self):
        return str(self.agency)


# ----------------------------------------------------------------------------- case


class Case(models.Model):
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="cases"
    )
    power = models.ForeignKey(
        "catalog.Power",
        verbose_name=_("执法事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # The catalogue as used when the case was opened (the power may change later).
    catalog_version = models.CharField(_("目录清单版本"), max_length=64, blank=True)
    power_snapshot = models.JSONField(_("执法事项快照"), default=dict, blank=True)
    act_type = models.CharField(_("执法行为类别"), max_length=24, choices=CaseActType.choices)
    number = models.CharField(_("案件编号"), max_length=64, blank=True, default="")
    title = models.CharField(_("案由"), max_length=255)
    facts = models.TextField(_("案情摘要"), blank=True)
    stage = models.CharField(_("环节"), max_length=16, choices=Stage.choices, default=Stage.OPENING)
    opening_status = models.CharField(
        _("立案审批"), max_length=12, choices=OpeningStatus.choices, default=OpeningStatus.PENDING
    )
    field = models.CharField(_("执法领域"), max_length=32, choices=EnforcementField.choices)
    region = models.CharField(_("执法区域"), max_length=100)
    place = models.CharField(_("地点"), max_length=255, blank=True)
    source = models.CharField(_("案件来源"), max_length=24, choices=CaseSource.choices)
    source_detail = models.CharField(_("来源说明"), max_length=255, blank=True)
    found_at = models.DateTimeField(_("发现时间"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    opened_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("立案批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # time limit (art. 60: 90 days from opening; extendable with approval)
    deadline = models.DateField(_("办案期限"), null=True, blank=True)
    extension_days = models.PositiveIntegerField(_("已延长天数"), default=0)
    extension_reason = models.CharField(_("延长理由"), max_length=500, blank=True)

    # flags
    is_major = models.BooleanField(_("重大/复杂案件"), default=False)
    review_required = models.BooleanField(_("须法制审核"), default=False)
    discussion_required = models.BooleanField(_("须集体讨论"), default=False)
    discussion_held = models.BooleanField(_("已集体讨论"), default=False)

    # proposed penalty (before the decision)
    proposed_penalty_kinds = models.JSONField(_("拟处罚种类"), default=list, blank=True)
    proposed_fine = models.DecimalField(
        _("拟罚款金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    confiscation_value = models.DecimalField(
        _("拟没收金额/价值"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    # prior notice, statement, hearing
    notice_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    statement_deadline = models.DateField(_("陈述申辩期限"), null=True, blank=True)
    hearing_eligible = models.BooleanField(_("可申请听证"), default=False)
    hearing_request_deadline = models.DateField(_("听证申请期限"), null=True, blank=True)
    statement_received = models.BooleanField(_("已陈述申辩"), default=False)
    statement_waived = models.BooleanField(_("书面放弃陈述申辩"), default=False)
    hearing_waived = models.BooleanField(_("书面放弃听证"), default=False)
    hearing_requested = models.BooleanField(_("已申请听证"), default=False)
    hearing_at = models.DateTimeField(_("听证时间"), null=True, blank=True)
    hearing_place = models.CharField(_("听证地点"), max_length=255, blank=True)
    hearing_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("听证主持人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hearing_held = models.BooleanField(_("已举行听证"), default=False)

    # decision
    decision_outcome = models.CharField(
        _("决定结果"), max_length=24, choices=DecisionOutcome.choices, blank=True
    )
    decision_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_number = models.CharField(_("决定书文号"), max_length=64, blank=True)
    decision_document_id = models.BigIntegerField(_("决定书（文书ID）"), null=True, blank=True)
    penalty_kinds = models.JSONField(_("处罚种类"), default=list, blank=True)
    fine = models.DecimalField(
        _("罚款金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    confiscated = models.DecimalField(
        _("没收金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decision_summary = models.TextField(_("决定内容"), blank=True)
    withdrawal_kind = models.CharField(
        _("决定撤销情形"), max_length=20, choices=WithdrawalKind.choices, blank=True
    )

    # service
    service_deadline = models.DateField(_("送达期限"), null=True, blank=True)
    served_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    service_method = models.CharField(
        _("送达方式"), max_length=16, choices=ServiceMethod.choices, blank=True
    )
    served_late = models.BooleanField(_("逾期送达"), default=False)

    # execution
    payment_deadline = models.DateField(_("履行期限"), null=True, blank=True)
    paid_amount = models.DecimalField(_("已缴金额"), max_digits=14, decimal_places=2, default=0)
    execution_done = models.BooleanField(_("执行完毕"), default=False)

    # simple procedure
    simple_filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    simple_filing_deadline = models.DateField(_("备案期限"), null=True, blank=True)

    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    long_term_retention_reasons = models.JSONField(_("长期保存理由"), default=list, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("执法案件")
        verbose_name_plural = _("执法案件")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "number"],
                condition=~models.Q(number=""),
                name="cases_case_number_unique_per_agency",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "-id"], name="cases_case_agency_id"),
            models.Index(fields=["agency", "stage", "-id"], name="cases_case_agency_stage_id"),
            models.Index(fields=["agency", "act_type", "-id"], name="cases_case_agency_act_id"),
            # the supervisor's dashboard counts a window of opened and closed cases
            models.Index(fields=["agency", "opened_at"], name="cases_case_agency_opened"),
            models.Index(fields=["agency", "closed_at"], name="cases_case_agency_closed"),
        ]

    def __str__(self):
        return f"{self.number or _('（未立案）')} {self.title}"

    @property
    def subject(self):
        """Ledger subject of this case."""
        return f"case:{self.pk}"

    @property
    def is_active(self):
        return self.stage not in (Stage.ARCHIVED, Stage.TERMINATED)

    @staticmethod
    def _kind_labels(kinds):
        from sanxiang.core.fields import PenaltyKind

        return "、".join(
            str(PenaltyKind(k).label) if k in PenaltyKind.values else str(k) for k in kinds or []
        )

    @property
    def proposed_penalty_labels(self):
        return self._kind_labels(self.proposed_penalty_kinds)

    @property
    def penalty_labels(self):
        return self._kind_labels(self.penalty_kinds)


class Party(models.Model):
    """当事人."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="parties"
    )
    party_type = models.CharField(_("当事人类别"), max_length=24, choices=PartyType.choices)
    name = models.CharField(_("姓名或名称"), max_length=200)
    id_number = models.CharField(_("居民身份证号码"), max_length=18, blank=True)
    usci = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(
        _("法定代表人（负责人/经营者）"), max_length=50, blank=True
    )
    address = models.CharField(_("住所/地址"), max_length=255, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case_id", "id"]

    def __str__(self):
        return self.name

    @property
    def is_natural_person(self):
        return self.party_type == PartyType.NATURAL_PERSON


class CaseHandler(models.Model):
    """执法人员 assigned to a case."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="handlers"
    )
    officer = models.ForeignKey(
        "org.Officer",
        verbose_name=_("执法人员"),
        on_delete=models.PROTECT,
        related_name="case_roles",
    )
    role = models.CharField(_("分工"), max_length=16, choices=HandlerRole.choices)
    added_at = models.DateTimeField(_("指定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办案人员")
        verbose_name_plural = _("办案人员")
        ordering = ["case_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "officer"], name="cases_handler_unique")
        ]

    def __str__(self):
        return f"{self.officer} ({self.get_role_display()})"


class CaseEvent(models.Model):
    """One timeline entry. Append-only (database triggers)."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=32, choices=EventKind.choices)
    stage = models.CharField(_("所处环节"), max_length=16, choices=Stage.choices)
    activity = models.CharField(
        _("执法活动"), max_length=32, choices=RecordedActivity.choices, blank=True
    )
    at = models.DateTimeField(_("时间"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=50, blank=True)
    summary = models.CharField(_("摘要"), max_length=500, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    ledger_index = models.BigIntegerField(_("账本序号"), null=True, blank=True)
    # 补录: a paper record entered after the fact. ``at`` is the act's claimed date;
    # ``recorded_at`` and the ledger leaf's time say when it was entered (authoritative).
    late_entry = models.BooleanField(_("补录"), default=False)
    late_reason = models.CharField(_("补录原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("案件记录")
        verbose_name_plural = _("案件记录")
        ordering = ["case_id", "id"]
        indexes = [models.Index(fields=["case", "id"], name="cases_event_case_id")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class CollectiveDiscussion(models.Model):
    """集体讨论 (行政处罚法 第五十七条第二款). Append-only."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="discussions"
    )
    held_at = models.DateTimeField(_("讨论时间"))
    place = models.CharField(_("地点"), max_length=255, blank=True)
    chair = models.CharField(_("主持人"), max_length=50)
    participants = models.JSONField(_("参加人员"), default=list)
    minutes = models.TextField(_("讨论记录"))
    conclusion = models.TextField(_("讨论结论"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("集体讨论记录")
        verbose_name_plural = _("集体讨论记录")
        ordering = ["case_id", "id"]
