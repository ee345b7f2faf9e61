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

from sanxiang.evaluation.shared.models import (
    Grade,
    RectificationNotice,
    SampledRound,
    ScoredEntry,
    user_fk,
)
from sanxiang.evaluation.shared.models import RectificationStatus as NoticeStatus

from .checklist import CURRENT_VERSION

__all__ = ["Grade", "NoticeStatus", "PatrolItem", "PatrolNotice", "PatrolRound", "RoundStatus"]


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SAMPLED = "sampled", _("已抽取")
    SCORING = "scoring", _("巡查中")
    CONCLUDED = "concluded", _("已办结")


class PatrolRound(SampledRound):
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
    candidates = models.JSONField(_("候选公示信息"), default=list, blank=True)
    candidates_sha256 = models.CharField(_("候选公示信息哈希"), max_length=64, blank=True)
    summary = models.JSONField(_("巡查结果汇总"), default=dict, blank=True)

    class Meta:
        verbose_name = _("巡查批次")
        verbose_name_plural = _("巡查批次")
        ordering = ["-year", "-quarter", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "quarter"], name="patrol_round_quarter"
            )
        ]


class PatrolItem(ScoredEntry):
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
    document_number = models.CharField(_("决定文书号"), max_length=80, blank=True)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    checks = models.JSONField(_("自动检查结果"), default=list, blank=True)
    checked_at = models.DateTimeField(_("自动检查时间"), null=True, blank=True)
    deductions = models.JSONField(_("人工扣分"), default=dict, blank=True)
    comment = models.TextField(_("巡查意见"), blank=True)
    evaluator = user_fk(_("巡查人"))

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


class PatrolNotice(RectificationNotice):
    """整改通知 to one patrolled agency, answered by its 整改报告."""

    round = models.ForeignKey(
        PatrolRound, verbose_name=_("巡查批次"), on_delete=models.PROTECT, related_name="notices"
    )
    item_ids = models.JSONField(_("涉及巡查条目"), default=list, blank=True)

    class Meta:
        verbose_name = _("巡查整改通知")
        verbose_name_plural = _("巡查整改通知")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "agency"], name="patrol_notice_agency")
        ]

    def __str__(self):
        return f"{self.round} · {self.agency} · {self.get_status_display()}"
