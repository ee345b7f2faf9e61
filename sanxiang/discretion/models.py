"""Discretion consistency (裁量一致性, issue #14 item 4).

``Assessment``: one check of a case's proposed fine against the discretion tier and the
distribution of comparable decisions, with the handler's written reason when it is flagged.
Append-only (database triggers, migration 0002) and ledgered (``discretion.assessed``); a new
check is a new row, the latest one for the same tier, fine and base amount counts at 送审.

``DecidedFine``: one row per issued penalty decision with a fine — the catalogue item, the
tier applied and the fine — written when the decision is issued, marked when it is
withdrawn. A derived index (the case and its ledger leaves are the record); comparables are
read from it so that the distribution is one indexed query.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Assessment(models.Model):
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        related_name="discretion_assessments",
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    tier = models.ForeignKey(
        "catalog.DiscretionTier",
        verbose_name=_("裁量档次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    power_code = models.CharField(_("执法事项编码"), max_length=64, blank=True)
    benchmark_code = models.CharField(_("基准编码"), max_length=64, blank=True)
    tier_name = models.CharField(_("档次"), max_length=40, blank=True)
    fine = models.DecimalField(_("拟罚款金额"), max_digits=14, decimal_places=2, null=True)
    base_amount = models.DecimalField(
        _("计算基数金额"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    within_tier = models.BooleanField(_("在档次幅度内"), null=True)
    tier_min = models.DecimalField(
        _("档次下限"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    tier_max = models.DecimalField(
        _("档次上限"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    outside_iqr = models.BooleanField(_("超出可比决定四分位区间"), null=True)
    reference_scope = models.CharField(_("参照范围"), max_length=16, blank=True)
    distribution = models.JSONField(_("可比决定分布"), default=dict, blank=True)
    flagged = models.BooleanField(_("须说明理由"), default=False)
    flags = models.JSONField(_("提示"), default=list, blank=True)
    reason = models.TextField(_("书面说明理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核对人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by_name = models.CharField(_("核对人姓名"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("核对时间"))
    ledger_index = models.BigIntegerField(_("账本序号"), null=True, blank=True)

    class Meta:
        verbose_name = _("裁量一致性核对")
        verbose_name_plural = _("裁量一致性核对")
        ordering = ["case_id", "-id"]
        indexes = [models.Index(fields=["case", "-id"], name="discretion_assess_case")]

    def __str__(self):
        return f"{self.case_id} · {self.tier_name or '—'} · {self.fine}"


class DecidedFine(models.Model):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    agency_path = models.CharField(_("机关路径"), max_length=255)
    power_code = models.CharField(_("执法事项编码"), max_length=64)
    benchmark_code = models.CharField(_("基准编码"), max_length=64, blank=True)
    tier_name = models.CharField(_("档次"), max_length=40, blank=True)
    fine = models.DecimalField(_("罚款金额"), max_digits=14, decimal_places=2)
    decided_on = models.DateField(_("决定日期"))
    withdrawn = models.BooleanField(_("决定已撤销"), default=False)

    class Meta:
        verbose_name = _("已决定罚款（可比决定索引）")
        verbose_name_plural = _("已决定罚款（可比决定索引）")
        indexes = [
            models.Index(
                fields=["power_code", "benchmark_code", "tier_name"], name="discretion_fine_item"
            )
        ]

    def __str__(self):
        return f"{self.case_id} · {self.fine}"
