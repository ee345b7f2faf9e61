"""Catalogues (目录清单), versioned with effective dates.

Every catalogue item belongs to a ``CatalogVersion`` of one agency and one kind. A published
version is immutable: its items refuse save/delete (``CatalogItem.save``), and services refuse
edits. A decision records which version applied through ``item.version_ref``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import ActType, CaseActType, EnforcementField, RecordedActivity
from sanxiang.org.models import AgencyLevel


class CatalogKind(models.TextChoices):
    POWERS = "powers", _("执法事项清单")
    DISCRETION = "discretion", _("行政裁量基准")
    MAJOR = "major", _("重大执法决定法制审核目录")
    RECORDING = "recording", _("音像记录事项清单")
    INSPECTION = "inspection", _("随机抽查事项清单")
    GUIDES = "guides", _("执法服务指南")
    REMEDIES = "remedies", _("救济渠道")
    CONTACTS = "contacts", _("联系方式")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class CatalogVersion(models.Model):
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("机关"),
        on_delete=models.PROTECT,
        related_name="catalog_versions",
    )
    kind = models.CharField(_("目录类别"), max_length=16, choices=CatalogKind.choices)
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("版本说明"), max_length=500, blank=True)
    source = models.CharField(_("来源"), max_length=255, blank=True)
    based_on = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.PROTECT
    )
    content_hash = models.CharField(_("内容哈希（SHA-256）"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        "org.User",
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        "org.User",
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("目录清单版本")
        verbose_name_plural = _("目录清单版本")
        ordering = ["agency_id", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "number"], name="catalog_version_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.agency} · {self.get_kind_display()} · 第{self.number}版"

    @property
    def is_published(self):
        return self.status == VersionStatus.PUBLISHED

    @property
    def ref(self):
        """What a decision stores to record which catalogue version applied."""
        return {
            "id": self.pk,
            "agency": self.agency_id,
            "kind": self.kind,
            "number": self.number,
            "content_hash": self.content_hash,
        }


class CatalogItem(models.Model):
    """Base of every catalogue item: belongs to a version; immutable once published."""

    version = models.ForeignKey(
        CatalogVersion, verbose_name=_("版本"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("机关"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_published()
        if self.version_id and not self.agency_id:
            self.agency_id = self.version.agency_id
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def _refuse_if_published(self):
        if (
            self.version_id
            and CatalogVersion.objects.filter(
                pk=self.version_id, status=VersionStatus.PUBLISHED
            ).exists()
        ):
            raise DomainError(
                _("已发布的目录版本不可修改，请基于当前版本新建草稿。"), ErrorCode.IMMUTABLE
            )

    @property
    def version_ref(self):
        return self.version.ref


class Power(CatalogItem):
    """执法事项 (权责清单 item)."""

    code = models.CharField(_("事项编码"), max_length=64)
    name = models.CharField(_("事项名称"), max_length=300)
    act_type = models.CharField(_("执法类别"), max_length=16, choices=ActType.choices)
    field = models.CharField(_("执法领域"), max_length=24, choices=EnforcementField.choices)
    legal_basis = models.TextField(_("设定依据"))
    legal_refs = models.JSONField(_("法律条款引用"), default=list, blank=True)
    procedure = models.TextField(_("实施程序"), blank=True)
    time_limit_days = models.PositiveIntegerField(_("法定期限（工作日）"), null=True, blank=True)
    time_limit_note = models.CharField(_("期限说明"), max_length=300, blank=True)
    responsible_unit = models.CharField(_("承办机构"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("执法事项")
        verbose_name_plural = _("执法事项清单")
        ordering = ["version_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalog_power_unique_code")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class FineBasis(models.TextChoices):
    FIXED = "fixed", _("固定金额")
    MULTIPLE = "multiple", _("倍数")
    PERCENTAGE = "percentage", _("百分比")
    NONE = "none", _("无数值幅度")


class DiscretionBenchmark(CatalogItem):
    """裁量基准: one violation with its tiers."""

    code = models.CharField(_("基准编码"), max_length=64)
    violation = models.TextField(_("违法行为"))
    law_title = models.CharField(_("所属法律法规"), max_length=200, blank=True)
    legal_basis = models.TextField(_("法律依据"), blank=True)
    power_code = models.CharField(_("对应事项编码"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("裁量基准")
        verbose_name_plural = _("裁量基准")
        ordering = ["version_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="catalog_benchmark_unique_code"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.violation[:40]}"


class DiscretionTier(models.Model):
    """裁量档次 (轻微/一般/较重/严重 or the agency's own numbering)."""

    benchmark = models.ForeignKey(
        DiscretionBenchmark,
        verbose_name=_("裁量基准"),
        on_delete=models.PROTECT,
        related_name="tiers",
    )
    order = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("档次"), max_length=40)
    conditions = models.TextField(_("适用情形"), blank=True)
    standard = models.TextField(_("处罚标准"), blank=True)
    fine_basis = models.CharField(
        _("罚款计算方式"), max_length=12, choices=FineBasis.choices, default=FineBasis.NONE
    )
    base_label = models.CharField(_("计算基数"), max_length=60, blank=True)
    fine_min = models.DecimalField(
        _("罚款下限"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        _("罚款上限"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    penalty_kinds = models.JSONField(_("其他处罚种类"), default=list, blank=True)
    remark = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("裁量档次")
        verbose_name_plural = _("裁量档次")
        ordering = ["benchmark_id", "order"]

    def __str__(self):
        return f"{self.benchmark.code} · {self.name}"

    def save(self, *args, **kwargs):
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def _refuse_if_published(self):
        self.benchmark._refuse_if_published()

    @property
    def version_ref(self):
        return self.benchmark.version.ref


class MajorCondition(models.TextChoices):
    FINE = "fine", _("罚款数额")
    CONFISCATION = "confiscation", _("没收违法所得、非法财物价值")
    PENALTY_KIND = "penalty_kind", _("处罚种类")
    HEARING = "hearing", _("经过听证")
    FLAG = "flag", _("特定情形")
    ALWAYS = "always", _("一律审核")


class MajorFlag(models.TextChoices):
    PUBLIC_INTEREST = "public_interest", _("涉及重大公共利益")
    MAJOR_RIGHTS = "major_rights", _("直接关系当事人或第三人重大权益")
    SOCIAL_IMPACT = "social_impact", _("可能造成重大社会影响或引发社会风险")
    COMPLEX = "complex", _("案件情况疑难复杂、涉及多个法律关系")
    DEVIATES = "deviates", _("拟减轻、从轻或超出裁量基准作出处罚")
    VALUABLE_PROPERTY = "valuable_property", _("拍卖或依法处理查封、扣押的财物，价值较大")
    BUSINESS_HALTED = "business_halted", _("查封场所、设施或财物致生产经营难以正常进行")
    LICENCE_REFUSED = "licence_refused", _("拟不予许可、不予变更、不予延续或撤销许可")
    LICENCE_REVOKED = "licence_revoked", _("拟撤回、撤销行政许可")
    CRIME_SUSPECTED = "crime_suspected", _("涉嫌犯罪需移送司法机关")
    OTHER = "other", _("法律法规规章规定的其他情形")


class MajorDecisionRule(CatalogItem):
    """重大执法决定法制审核目录 item."""

    code = models.CharField(_("条目编码"), max_length=64)
    act_type = models.CharField(
        _("执法类别"), max_length=16, choices=ActType.choices, blank=True, help_text=_("空=不限")
    )
    case_act_type = models.CharField(
        _("案件程序类别"), max_length=20, choices=CaseActType.choices, blank=True
    )
    field = models.CharField(
        _("执法领域"), max_length=24, choices=EnforcementField.choices, blank=True
    )
    level = models.CharField(_("机关层级"), max_length=16, choices=AgencyLevel.choices, blank=True)
    condition = models.CharField(_("审核条件"), max_length=16, choices=MajorCondition.choices)
    party_types = models.JSONField(_("当事人类别"), default=list, blank=True)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    inclusive = models.BooleanField(_("含本数"), default=True)
    penalty_kind = models.CharField(_("处罚种类"), max_length=24, blank=True)
    flag = models.CharField(_("特定情形"), max_length=24, choices=MajorFlag.choices, blank=True)
    description = models.CharField(_("条目表述"), max_length=500, blank=True)
    quote = models.TextField(_("原文"), blank=True)

    class Meta:
        verbose_name = _("重大执法决定审核条目")
        verbose_name_plural = _("重大执法决定法制审核目录")
        ordering = ["version_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalog_major_unique_code")
        ]

    def __str__(self):
        return f"{self.code} {self.describe()}"

    def describe(self):
        from .major import describe_rule

        return describe_rule(self)


class RecordingRequirement(CatalogItem):
    """音像记录事项: an activity that must be filmed for a case act type (blank = all)."""

    code = models.CharField(_("事项编码"), max_length=64)
    case_act_type = models.CharField(
        _("执法行为类别"), max_length=20, choices=CaseActType.choices, blank=True
    )
    activity = models.CharField(_("执法环节"), max_length=32, choices=RecordedActivity.choices)
    requirement = models.TextField(_("记录要求"), blank=True)
    basis = models.TextField(_("依据"), blank=True)

    class Meta:
        verbose_name = _("音像记录事项")
        verbose_name_plural = _("音像记录事项清单")
        ordering = ["version_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="catalog_recording_unique_code"
            )
        ]

    def __str__(self):
        return f"{self.get_case_act_type_display() or _('全部')} · {self.get_activity_display()}"


class InspectionItem(CatalogItem):
    """随机抽查事项."""

    code = models.CharField(_("事项编码"), max_length=64)
    name = models.CharField(_("抽查事项"), max_length=300)
    field = models.CharField(
        _("执法领域"), max_length=24, choices=EnforcementField.choices, blank=True
    )
    basis = models.TextField(_("抽查依据"))
    targets = models.TextField(_("抽查对象"))
    ratio = models.CharField(_("抽查比例"), max_length=100)
    method = models.CharField(_("抽查方式"), max_length=200)
    frequency = models.CharField(_("抽查频次"), max_length=100)
    content = models.TextField(_("检查内容"), blank=True)

    class Meta:
        verbose_name = _("随机抽查事项")
        verbose_name_plural = _("随机抽查事项清单")
        ordering = ["version_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="catalog_inspection_unique_code"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class ServiceGuide(CatalogItem):
    """执法服务指南 (per act type / power), with its flow chart as ordered steps."""

    code = models.CharField(_("指南编码"), max_length=64)
    title = models.CharField(_("指南名称"), max_length=300)
    act_type = models.CharField(_("执法类别"), max_length=16, choices=ActType.choices)
    power_code = models.CharField(_("对应事项编码"), max_length=64, blank=True)
    basis = models.TextField(_("办理依据"), blank=True)
    conditions = models.TextField(_("办理条件"), blank=True)
    materials = models.TextField(_("所需材料"), blank=True)
    steps = models.TextField(_("办理流程"), blank=True, help_text=_("每行一步，用于生成流程图"))
    time_limit = models.CharField(_("办理时限"), max_length=200, blank=True)
    fee = models.CharField(_("收费标准"), max_length=200, blank=True)
    place = models.CharField(_("办理地点"), max_length=300, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("执法服务指南")
        verbose_name_plural = _("执法服务指南")
        ordering = ["version_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalog_guide_unique_code")
        ]

    def __str__(self):
        return self.title

    @property
    def step_list(self):
        return [s.strip() for s in self.steps.splitlines() if s.strip()]


class RemedyKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("行政复议")
    LITIGATION = "litigation", _("行政诉讼")
    COMPLAINT = "complaint", _("投诉举报")
    STATEMENT = "statement", _("陈述申辩")
    HEARING = "hearing", _("申请听证")


class TimeUnit(models.TextChoices):
    DAYS = "days", _("日")
    WORKDAYS = "workdays", _("工作日")
    MONTHS = "months", _("个月")


class Remedy(CatalogItem):
    """救济渠道 (复议/诉讼/投诉…) with its time limit."""

    code = models.CharField(_("编码"), max_length=64)
    kind = models.CharField(_("救济方式"), max_length=20, choices=RemedyKind.choices)
    body = models.CharField(_("受理机关"), max_length=300)
    time_limit = models.PositiveIntegerField(_("期限"), null=True, blank=True)
    time_unit = models.CharField(
        _("期限单位"), max_length=10, choices=TimeUnit.choices, default=TimeUnit.DAYS
    )
    basis = models.CharField(_("法律依据"), max_length=300, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("救济渠道")
        verbose_name_plural = _("救济渠道")
        ordering = ["version_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalog_remedy_unique_code")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.body}"

    @property
    def time_limit_text(self):
        if self.time_limit is None:
            return ""
        return f"{self.time_limit}{self.get_time_unit_display()}"


class Contact(CatalogItem):
    """联系方式 (offices, windows, complaint lines)."""

    code = models.CharField(_("编码"), max_length=64)
    name = models.CharField(_("部门/窗口"), max_length=200)
    purpose = models.CharField(_("受理事项"), max_length=300, blank=True)
    phone = models.CharField(_("电话"), max_length=60)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    hours = models.CharField(_("办公时间"), max_length=120, blank=True)
    email = models.CharField(_("电子邮箱"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("联系方式")
        verbose_name_plural = _("联系方式")
        ordering = ["version_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalog_contact_unique_code")
        ]

    def __str__(self):
        return f"{self.name} {self.phone}"


ITEM_MODELS = {
    CatalogKind.POWERS: Power,
    CatalogKind.DISCRETION: DiscretionBenchmark,
    CatalogKind.MAJOR: MajorDecisionRule,
    CatalogKind.RECORDING: RecordingRequirement,
    CatalogKind.INSPECTION: InspectionItem,
    CatalogKind.GUIDES: ServiceGuide,
    CatalogKind.REMEDIES: Remedy,
    CatalogKind.CONTACTS: Contact,
}
