"""网上巡查 (quarterly patrol of publicity): rounds, sampled items and rectification notices.

* ``PatrolRound``: 巡查批次 of a supervisor agency for one quarter (draft → sampled →
  scoring → concluded), with the agencies, the sample size per agency, the draw's seed,
  candidate snapshot, its SHA-256, the result and, once concluded, the summary;
* ``PatrolItem``: one sampled publication with the platform's automatic check results and
  the supervisor's score; fixed once submitted;
* ``PatrolNotice``: 整改通知 to one patrolled agency and its 整改报告.

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
    SCORING = "scoring", _("巡查中")
    CONCLUDED = "concluded", _("已办结")


class PatrolRound(models.Model):
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("组织机关"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("巡查批次名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    period_start = models.DateField(_("公示起始日期"))
    period_end = models.DateField(_("公示截止日期"))
    agencies = models.ManyToManyField(
        "org.Agency", verbose_name=_("被巡查机关"), related_name="patrol_rounds"
    )
    sample_size = models.PositiveSmallIntegerField(_("每个机关抽取（条）"), default=5)
    checklist_version = models.CharField(_("巡查标准版本"), max_length=16, default=CURRENT_VERSION)
    status = models.CharField(
        _("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    seed = models.CharField(_("抽取种子"), max_length=64, blank=True)
    candidates = models.JSONField(_("候选公示信息"), default=list, blank=True)
    candidates_sha256 = models.CharField(_("候选公示信息哈希"), max_length=64, blank=True)
    sample_result = models.JSONField(_("抽取结果"), default=list, blank=True)
    sampled_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    sampled_by = _user_fk(_("抽取人"))
    summary = models.JSONField(_("巡查结果汇总"), default=dict, blank=True)
    summary_sha256 = models.CharField(_("汇总哈希"), max_length=64, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    concluded_by = _user_fk(_("办结人"))
    created_by = _user_fk(_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("巡查批次")
        verbose_name_plural = _("巡查批次")
        ordering = ["-year", "-quarter", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "quarter"], name="patrol_round_quarter"
            )
        ]

    def __str__(self):
        return self.title


class Grade(models.TextChoices):
    EXCELLENT = GRADES[0][0], _("优秀")
    PASS = GRADES[1][0], _("合格")
    BASIC = GRADES[2][0], _("基本合格")
    FAIL = GRADES[3][0], _("不合格")


class PatrolItem(models.Model):
    """One sampled publication. ``submitted_at`` set → immutable."""

    round = models.ForeignKey(
        PatrolRound, verbose_name=_("巡查批次"), on_delete=models.PROTECT, related_name="items"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("被巡查机关"), on_delete=models.PROTECT, related_name="+"
    )
    publication = models.ForeignKey(
        "publicity.Publication",
        verbose_name=_("公示信息"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveIntegerField(_("序号"))
    document_number = models.CharField(_("决定文书号"), max_length=80, blank=True)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    checks = models.JSONField(_("自动检查结果"), default=list, blank=True)
    checked_at = models.DateTimeField(_("自动检查时间"), null=True, blank=True)
    deductions = models.JSONField(_("人工扣分"), default=dict, blank=True)
    comment = models.TextField(_("巡查意见"), blank=True)
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices, blank=True)
    evaluator = _user_fk(_("巡查人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("巡查条目")
        verbose_name_plural = _("巡查条目")
        ordering = ["round_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "publication"], name="patrol_item_pub"),
            models.UniqueConstraint(fields=["round", "order"], name="patrol_item_order"),
        ]

    def __str__(self):
        return f"{self.round} · {self.document_number or self.title}"

    @property
    def auto_deduction(self):
        return sum(c.get("deduction", 0) for c in self.checks or [])

    @property
    def failed_checks(self):
        return [c for c in self.checks or [] if not c.get("ok", True)]


class NoticeStatus(models.TextChoices):
    ISSUED = "issued", _("待整改")
    REPORTED = "reported", _("已报送整改报告")
    RETURNED = "returned", _("退回重报")
    CLOSED = "closed", _("已整改销号")


class PatrolNotice(models.Model):
    """整改通知 to one patrolled agency, answered by its 整改报告."""

    round = models.ForeignKey(
        PatrolRound, verbose_name=_("巡查批次"), on_delete=models.PROTECT, related_name="notices"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("整改机关"), on_delete=models.PROTECT, related_name="+"
    )
    item_ids = models.JSONField(_("涉及巡查条目"), default=list, blank=True)
    requirements = models.TextField(_("整改要求"))
    workdays = models.PositiveSmallIntegerField(_("整改期限（工作日）"), default=20)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED
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
        verbose_name = _("巡查整改通知")
        verbose_name_plural = _("巡查整改通知")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "agency"], name="patrol_notice_agency")
        ]

    def __str__(self):
        return f"{self.round} · {self.agency} · {self.get_status_display()}"

    @property
    def is_open(self):
        return self.status != NoticeStatus.CLOSED

    def is_overdue(self, today):
        """Awaiting the agency (issued or returned) past the deadline."""
        return self.status in (NoticeStatus.ISSUED, NoticeStatus.RETURNED) and today > self.deadline
