"""行政执法公示 — publication records, redacted public snapshots, portal content, webhooks.

Two layers, on purpose:

* ``Publication`` is the *workbench* record of one decision to publish: the unredacted
  source data it was built from, the handler's redaction marks, the clocks and the
  status. It never reaches a public page.
* ``Snapshot`` is the *public* record: redacted text and the 双公示 fields, written by
  ``services`` only. The portal (``public_views``), the open-data API, the exports and
  the feed read snapshots and nothing else (apart from the live credential check, which
  reads the org app through ``certificate_public_status``).

``PortalPage`` is the approved 事前公开 content of an agency (powers, officers, guides…),
one version per approval. ``AnnualReport`` is the published statistics report.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.fields import ActType, CaseActType, PartyType, WithdrawalKind


class PublicationStatus(models.TextChoices):
    PENDING = "pending", _("待确认脱敏预览")
    PUBLISHED = "published", _("已公示")
    WITHDRAWN = "withdrawn", _("已撤下")
    EXPIRED = "expired", _("公示期满")
    REMOVED = "removed", _("提前停止公示")


class SnapshotState(models.TextChoices):
    PREVIEW = "preview", _("预览（未公开）")
    PUBLISHED = "published", _("公示中")
    SUPERSEDED = "superseded", _("已更正（历史版本）")
    WITHDRAWN = "withdrawn", _("已撤下")
    EXPIRED = "expired", _("公示期满")
    REMOVED = "removed", _("提前停止公示")
    DISCARDED = "discarded", _("未公开即撤销")


class MarkReason(models.TextChoices):
    TRADE_SECRET = "trade_secret", _("商业秘密")
    PRIVACY = "privacy", _("个人隐私")


class PublicationPolicy(models.Model):
    """Per-agency publication settings (defaults in ``services.DEFAULT_WINDOWS``)."""

    agency = models.OneToOneField(
        "org.Agency",
        verbose_name=_("执法主体"),
        on_delete=models.PROTECT,
        related_name="publication_policy",
    )
    require_confirmation = models.BooleanField(
        _("公示前须承办人确认脱敏预览"),
        default=True,
        help_text=_("关闭后，决定作出时按自动脱敏结果立即公示。"),
    )
    windows = models.JSONField(
        _("各类别公示期限（日）"),
        default=dict,
        blank=True,
        help_text=_('如 {"penalty": 1095, "licensing": 1095}；未设置的类别使用默认值。'),
    )
    low_fine_threshold = models.DecimalField(
        _("较低数额罚款标准（元）"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("仅受通报批评或不超过此数额罚款的处罚信息，公示期为较短期限。0 表示不适用。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公示规则")
        verbose_name_plural = _("公示规则")

    def __str__(self):
        return f"{self.agency} 公示规则"


class Publication(models.Model):
    """One decision to publish (workbench side; holds unredacted source data)."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    source_key = models.CharField(_("来源标识"), max_length=120, unique=True)
    case_id = models.BigIntegerField(_("案件ID"), null=True, blank=True, db_index=True)
    document_id = models.BigIntegerField(_("文书ID"), null=True, blank=True)
    category = models.CharField(_("执法行为类别"), max_length=16, choices=ActType.choices)
    case_act_type = models.CharField(
        _("案件类别"), max_length=24, choices=CaseActType.choices, blank=True
    )
    document_number = models.CharField(_("决定文书号"), max_length=80, blank=True)
    decision_date = models.DateField(_("决定日期"))
    due_date = models.DateField(_("公示期限"), null=True, blank=True)
    due_note = models.CharField(_("期限说明"), max_length=255, blank=True)
    source = models.JSONField(_("原始数据（未脱敏，仅内部）"), default=dict)
    marks = models.JSONField(_("标注隐去的内容"), default=list, blank=True)
    handler_ids = models.JSONField(_("承办人用户ID"), default=list, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_late = models.BooleanField(_("逾期公示"), default=False)
    visible_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    withdrawal_kind = models.CharField(
        _("撤下情形"), max_length=20, choices=WithdrawalKind.choices, blank=True
    )
    withdrawal_reason = models.CharField(_("撤下理由"), max_length=500, blank=True)
    removed_at = models.DateTimeField(_("停止公示时间"), null=True, blank=True)
    removed_reason = models.CharField(_("停止公示理由"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("决定公示")
        verbose_name_plural = _("决定公示")
        ordering = ["-decision_date", "-id"]
        indexes = [models.Index(fields=["agency", "status", "due_date"], name="pub_agency_due")]

    def __str__(self):
        return self.document_number or self.source_key

    @property
    def subject(self):
        return f"publication:{self.pk}"


class Snapshot(models.Model):
    """A redacted public snapshot of a decision. The only thing the portal reads."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="snapshots"
    )
    version = models.PositiveIntegerField(_("版本"))
    state = models.CharField(
        _("状态"), max_length=16, choices=SnapshotState.choices, default=SnapshotState.PREVIEW
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    agency_name = models.CharField(_("执法机关"), max_length=200)
    agency_usci = models.CharField(_("执法机关统一社会信用代码"), max_length=18, blank=True)
    category = models.CharField(_("执法行为类别"), max_length=16, choices=ActType.choices)
    case_act_type = models.CharField(
        _("案件类别"), max_length=24, choices=CaseActType.choices, blank=True
    )
    document_number = models.CharField(_("决定文书号"), max_length=80, blank=True)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    decision_date = models.DateField(_("决定日期"))
    target_type = models.CharField(
        _("行政相对人类别"), max_length=24, choices=PartyType.choices, blank=True
    )
    target_name = models.CharField(_("行政相对人名称"), max_length=200, blank=True)
    target_usci = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    target_legal_rep = models.CharField(_("法定代表人"), max_length=100, blank=True)
    conclusion = models.TextField(_("执法结论"), blank=True)
    full_text = models.JSONField(_("决定书全文（已脱敏）"), default=list, blank=True)
    details = models.JSONField(_("双公示字段（已脱敏）"), default=dict, blank=True)
    search_text = models.TextField(_("检索文本（分词）"), blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    visible_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤下日期"), null=True, blank=True)
    withdrawal_kind = models.CharField(
        _("撤下情形"), max_length=20, choices=WithdrawalKind.choices, blank=True
    )
    withdrawal_reason = models.CharField(_("撤下理由"), max_length=500, blank=True)
    correction_note = models.CharField(_("更正说明"), max_length=500, blank=True)
    content_sha256 = models.CharField(_("内容哈希"), max_length=64, blank=True)
    ledger_index = models.BigIntegerField(_("账本序号"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("公示快照")
        verbose_name_plural = _("公示快照")
        ordering = ["-decision_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "version"], name="pub_snapshot_version")
        ]
        indexes = [
            models.Index(fields=["state", "-decision_date", "-id"], name="pub_snap_state_date"),
            models.Index(fields=["agency", "state", "-decision_date"], name="pub_snap_agency"),
            models.Index(fields=["document_number"], name="pub_snap_docno"),
            models.Index(fields=["target_usci"], name="pub_snap_usci"),
            models.Index(fields=["publication", "state"], name="pub_snap_pub_state"),
        ]

    def __str__(self):
        return f"{self.document_number or self.title} v{self.version}"

    @property
    def is_full_text(self):
        return bool(self.full_text)


class PageStatus(models.TextChoices):
    DRAFT = "draft", _("待审定")
    APPROVED = "approved", _("已审定公开")
    REJECTED = "rejected", _("退回")


class PortalPage(models.Model):
    """One version of an agency's 事前公开 content (approved by the head before it shows)."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=12, choices=PageStatus.choices, default=PageStatus.DRAFT
    )
    content = models.JSONField(_("公开内容"), default=dict)
    content_sha256 = models.CharField(_("内容哈希"), max_length=64)
    changes = models.JSONField(_("与上一版相比的变化"), default=list, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编制人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    prepared_at = models.DateTimeField(_("编制时间"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by_name = models.CharField(_("审定人姓名"), max_length=50, blank=True)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    ledger_index = models.BigIntegerField(_("账本序号"), null=True, blank=True)

    class Meta:
        verbose_name = _("事前公开内容")
        verbose_name_plural = _("事前公开内容")
        ordering = ["agency_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "version"], name="pub_page_version")
        ]

    def __str__(self):
        return f"{self.agency} 第{self.version}版"


class WebhookEndpoint(models.Model):
    """An external publicity platform that receives signed pushes."""

    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("推送地址"), max_length=500)
    secret = models.CharField(_("签名密钥"), max_length=128)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("仅推送本机关（空为全部）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推送接口")
        verbose_name_plural = _("推送接口")

    def __str__(self):
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待推送")
    DELIVERED = "delivered", _("推送成功")
    RETRYING = "retrying", _("等待重试")
    FAILED = "failed", _("推送失败（已停止重试）")


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("推送接口"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("执法主体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    event = models.CharField(_("事件"), max_length=40)
    body = models.TextField(_("推送内容（JSON）"))
    status = models.CharField(
        _("状态"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    last_status_code = models.IntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("成功时间"), null=True, blank=True)
    redelivery_of = models.ForeignKey(
        "self",
        verbose_name=_("重新推送自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redeliveries",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="pub_delivery_due")]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"


class AnnualReport(models.Model):
    """年度行政执法统计报告 of an agency (or of a supervisor's region)."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("机关"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    is_region = models.BooleanField(_("区域汇总"), default=False)
    title = models.CharField(_("标题"), max_length=200)
    data = models.JSONField(_("统计数据"), default=dict)
    published_at = models.DateTimeField(_("发布时间"))
    ledger_index = models.BigIntegerField(_("账本序号"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度统计报告")
        verbose_name_plural = _("年度统计报告")
        ordering = ["-year", "agency_id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="pub_report_agency_year")
        ]

    def __str__(self):
        return self.title
