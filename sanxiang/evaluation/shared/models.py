"""Abstract bases of a round, a scored entry and a 整改通知 (no table of their own: each
app's concrete model declares the fields whose labels differ and inherits these)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..checklist import GRADES


def user_fk(label):
    return models.ForeignKey(
        "org.User",
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class Grade(models.TextChoices):
    EXCELLENT = GRADES[0][0], _("优秀")
    PASS = GRADES[1][0], _("合格")
    BASIC = GRADES[2][0], _("基本合格")
    FAIL = GRADES[3][0], _("不合格")


class SampledRound(models.Model):
    """A round of a supervisor agency: the draw's seed and result, the summary's SHA-256
    and who did what when. Each app adds title, period, agencies, status, candidates…"""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("组织机关"), on_delete=models.PROTECT, related_name="+"
    )
    seed = models.CharField(_("抽取种子"), max_length=64, blank=True)
    sample_result = models.JSONField(_("抽取结果"), default=list, blank=True)
    sampled_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    sampled_by = user_fk(_("抽取人"))
    summary_sha256 = models.CharField(_("汇总哈希"), max_length=64, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    concluded_by = user_fk(_("办结人"))
    created_by = user_fk(_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


class ScoredEntry(models.Model):
    """One sampled entry's score. ``submitted_at`` set → immutable."""

    order = models.PositiveIntegerField(_("序号"))
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        abstract = True


class RectificationStatus(models.TextChoices):
    ISSUED = "issued", _("待整改")
    REPORTED = "reported", _("已报送整改报告")
    RETURNED = "returned", _("退回重报")
    CLOSED = "closed", _("已整改销号")


AWAITING_REPORT = (RectificationStatus.ISSUED, RectificationStatus.RETURNED)


class RectificationNotice(models.Model):
    """整改通知 to an agency, answered by its 整改报告: issued → reported → closed, or
    reported → returned → reported."""

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
    issued_by = user_fk(_("发出人"))
    issued_at = models.DateTimeField(_("发出时间"))
    report = models.TextField(_("整改报告"), blank=True)
    reported_by = user_fk(_("报告人"))
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    returned_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    closed_by = user_fk(_("销号人"))
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_open(self):
        return self.status != RectificationStatus.CLOSED

    def is_overdue(self, today):
        """Open and awaiting the agency (issued or returned) past the deadline."""
        return self.status in AWAITING_REPORT and today > self.deadline
