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

from .checklist import CURRENT_VERSION
from .shared.models import (
    Grade,
    RectificationNotice,
    RectificationStatus,
    SampledRound,
    ScoredEntry,
    user_fk,
)

__all__ = ["Grade", "Rectification", "RectificationStatus", "Round", "RoundStatus", "Sheet"]


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SAMPLED = "sampled", _("已抽取")
    SCORING = "scoring", _("评查中")
    CONCLUDED = "concluded", _("已办结")


class Round(SampledRound):
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
    candidates = models.JSONField(_("候选案卷"), default=list, blank=True)
    candidates_sha256 = models.CharField(_("候选案卷哈希"), max_length=64, blank=True)
    summary = models.JSONField(_("评查结果汇总"), default=dict, blank=True)

    class Meta:
        verbose_name = _("评查批次")
        verbose_name_plural = _("评查批次")
        ordering = ["-period_end", "-id"]


class Sheet(ScoredEntry):
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
    case_number = models.CharField(_("案件编号"), max_length=64, blank=True)
    case_title = models.CharField(_("案由"), max_length=255)
    deductions = models.JSONField(_("扣分"), default=dict, blank=True)
    comment = models.TextField(_("评查意见"), blank=True)
    evaluator = user_fk(_("评查人"))

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


class Rectification(RectificationNotice):
    """整改通知 for one sheet, answered by the agency's 整改报告."""

    sheet = models.OneToOneField(
        Sheet, verbose_name=_("评分表"), on_delete=models.PROTECT, related_name="rectification"
    )
    round = models.ForeignKey(
        Round, verbose_name=_("评查批次"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return f"{self.sheet} · {self.get_status_display()}"
