"""案卷评查 (CaseFileEvaluation): rounds, score sheets and rectification notices.

* ``Round``: 评查批次 of a supervisor agency (draft → sampled → scoring → concluded), with the
  period, the agencies, the sampling ratio, the draw's seed, candidate snapshot, its SHA-256,
  the result and, once concluded, the summary and its SHA-256;
* ``Sheet``: 评分表, one per sampled case file; fixed once submitted;
* ``Rectification``: 整改通知 to the evaluated agency and its 整改报告.

Every write goes through ``services``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .checklist import CURRENT_VERSION, GRADES


def _user_fk(label):
    return models.ForeignKey(
        "org.User",
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SAMPLED = "sampled", _("已抽取")
    SCORING = "scoring", _("评查中")
    CONCLUDED = "concluded", _("已办结")


class Round(models.Model):
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("组织机关"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("评查批次名称"), max_length=200)
    period_start = models.DateField(_("结案起始日期"))
    period_end = models.DateField(_("结案截止日期"))
    agencies = models.ManyToManyField(
        "org.Agency", verbose_name=_("被评查机关"), related_name="evaluation_rounds"
    )
    ratio = models.PositiveSmallIntegerField(_("抽取比例（%）"), default=10)
    min_per_agency = models.PositiveSmallIntegerField(_("每个机关至少抽取（件）"), default=1)
    checklist_version = models.CharField(_("评查标准版本"), max_length=16, default=CURRENT_VERSION)
    status = models.CharField(
        _("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    seed = models.CharField(_("抽取种子"), max_length=64, blank=True)
    candidates = models.JSONField(_("候选案卷"), default=list, blank=True)
    candidates_sha256 = models.CharField(_("候选案卷哈希"), max_length=64, blank=True)
    sample_result = models.JSONField(_("抽取结果"), default=list, blank=True)
    sampled_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    sampled_by = _user_fk(_("抽取人"))
    summary = models.JSONField(_("评查结果汇总"), default=dict, blank=True)
    summary_sha256 = models.CharField(_("汇总哈希"), max_length=64, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    concluded_by = _user_fk(_("办结人"))
    created_by = _user_fk(_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评查批次")
        verbose_name_plural = _("评查批次")
        ordering = ["-period_end", "-id"]

    def __str__(self):
        return self.title


class Grade(models.TextChoices):
    EXCELLENT = GRADES[0][0], _("优秀")
    PASS = GRADES[1][0], _("合格")
    BASIC = GRADES[2][0], _("基本合格")
    FAIL = GRADES[3][0], _("不合格")


class Sheet(models.Model):
    """评分表 of one sampled case file. ``submitted_at`` set → immutable."""

    round = models.ForeignKey(
        Round, verbose_name=_("评查批次"), on_delete=models.PROTECT, related_name="sheets"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("被评查机关"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案卷"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField(_("序号"))
    case_number = models.CharField(_("案件编号"), max_length=64, blank=True)
    case_title = models.CharField(_("案由"), max_length=255)
    deductions = models.JSONField(_("扣分"), default=dict, blank=True)
    comment = models.TextField(_("评查意见"), blank=True)
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices, blank=True)
    evaluator = _user_fk(_("评查人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        ordering = ["round_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "case"], name="evaluation_sheet_case"),
            models.UniqueConstraint(fields=["round", "order"], name="evaluation_sheet_order"),
        ]

    def __str__(self):
        return f"{self.round} · {self.case_number or self.case_title}"


class RectificationStatus(models.TextChoices):
    ISSUED = "issued", _("待整改")
    REPORTED = "reported", _("已报送整改报告")
    RETURNED = "returned", _("退回重报")
    CLOSED = "closed", _("已整改销号")


class Rectification(models.Model):
    """整改通知 for one sheet, answered by the agency's 整改报告."""

    sheet = models.OneToOneField(
        Sheet, verbose_name=_("评分表"), on_delete=models.PROTECT, related_name="rectification"
    )
    round = models.ForeignKey(
        Round, verbose_name=_("评查批次"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("整改机关"), on_delete=models.PROTECT, related_name="+"
    )
    requirements = models.TextField(_("整改要求"))
    workdays = models.PositiveSmallIntegerField(_("整改期限（工作日）"), default=20)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=RectificationStatus.choices,
        default=RectificationStatus.ISSUED,
    )
    issued_by = _user_fk(_("发出人"))
    issued_at = models.DateTimeField(_("发出时间"))
    report = models.TextField(_("整改报告"), blank=True)
    reported_by = _user_fk(_("报告人"))
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    returned_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    closed_by = _user_fk(_("销号人"))
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return f"{self.sheet} · {self.get_status_display()}"

    @property
    def is_open(self):
        return self.status != RectificationStatus.CLOSED

    def is_overdue(self, today):
        """Open and awaiting the agency (issued or returned) past the deadline."""
        return (
            self.status in (RectificationStatus.ISSUED, RectificationStatus.RETURNED)
            and today > self.deadline
        )
