"""涉嫌犯罪案件移送公安机关 (行政执法机关移送涉嫌犯罪案件的规定, 2020) and what follows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.appeals.models import recorded_fields


class TransferStatus(models.TextChoices):
    TRANSFERRED = "transferred", _("已移送，待公安机关决定")
    FILED = "filed", _("公安机关已立案")
    NOT_FILED = "not_filed", _("公安机关不予立案")
    RECONSIDERATION = "reconsideration", _("已提请公安机关复议")
    HANDED_OVER = "handed_over", _("已移交涉案物品及材料")
    RETURNED = "returned", _("退回，依法作出行政处理")


class PoliceDecision(models.TextChoices):
    FILED = "filed", _("立案")
    NOT_FILED = "not_filed", _("不予立案")


class PoliceTransfer(models.Model):
    """One transfer of a case to the public-security organ, from the written report to the
    police's decision, the 复议 it may trigger, and the hand-over or the return."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("移送机关"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="transfers"
    )
    review_transfer = models.OneToOneField(
        "review.Transfer",
        verbose_name=_("法制审核移送记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="police_transfer",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.TRANSFERRED
    )
    # 第五条: written report, head's approval within 3 days, transfer within 24 hours
    reported_on = models.DateField(_("移送书面报告日期"))
    approved_on = models.DateField(_("负责人批准日期"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approval_deadline = models.DateField(_("审批期限"))
    approval_late = models.BooleanField(_("审批超期"), default=False)
    police_authority = models.CharField(_("接受移送的公安机关"), max_length=200)
    transferred_on = models.DateField(_("移送日期"))
    transfer_deadline = models.DateField(_("移送期限"))
    transfer_late = models.BooleanField(_("移送超期"), default=False)
    materials = models.JSONField(_("移送材料（第六条）"), default=list)
    case_summary = models.TextField(_("涉嫌犯罪案件情况"))
    # 第七条 / 第八条: receipt and the police's decision within 3 days
    received_on = models.DateField(_("公安机关接受日期（回执）"))
    police_deadline = models.DateField(_("公安机关决定期限"))
    decision = models.CharField(
        _("公安机关决定"), max_length=12, choices=PoliceDecision.choices, blank=True
    )
    notified_on = models.DateField(_("收到立案/不予立案通知书日期"), null=True, blank=True)
    reasons = models.TextField(_("不予立案理由"), blank=True)
    police_late = models.BooleanField(_("公安机关逾期决定"), default=False)
    # 第九条: 复议 within 3 days; the police decide within 3 days; 检察院 within 3 days
    reconsideration_requested_on = models.DateField(_("提请复议日期"), null=True, blank=True)
    reconsideration_deadline = models.DateField(_("提请复议期限"), null=True, blank=True)
    reconsideration_decision = models.CharField(
        _("复议决定"), max_length=12, choices=PoliceDecision.choices, blank=True
    )
    reconsideration_notified_on = models.DateField(
        _("收到复议决定通知书日期"), null=True, blank=True
    )
    reconsideration_reasons = models.TextField(_("复议决定理由"), blank=True)
    reconsideration_police_late = models.BooleanField(_("公安机关复议逾期"), default=False)
    procuratorate_on = models.DateField(_("建议检察院立案监督日期"), null=True, blank=True)
    procuratorate_note = models.CharField(_("立案监督建议说明"), max_length=500, blank=True)
    # 第十二条: hand-over within 3 days of the 立案通知书; 第十条: the return
    handover_deadline = models.DateField(_("移交期限"), null=True, blank=True)
    handed_over_on = models.DateField(_("移交日期"), null=True, blank=True)
    handover_late = models.BooleanField(_("移交超期"), default=False)
    returned_on = models.DateField(_("退回日期"), null=True, blank=True)
    return_note = models.TextField(_("退回后的处理"), blank=True)
    recorded_by, created_at, updated_at = recorded_fields()

    class Meta:
        verbose_name = _("涉嫌犯罪案件移送")
        verbose_name_plural = _("涉嫌犯罪案件移送")
        ordering = ["-transferred_on", "-id"]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self):
        return f"{self.case} → {self.police_authority}"

    @property
    def final_decision(self) -> str:
        return self.reconsideration_decision or self.decision
