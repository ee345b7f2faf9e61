"""行政复议 and 行政诉讼 against a decided case, with their outcome and outcome document."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("行政复议")
    LITIGATION = "litigation", _("行政诉讼")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("已申请/起诉，待受理")
    ACCEPTED = "accepted", _("已受理/立案")
    DECIDED = "decided", _("已有结果")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("维持/驳回")
    REVOKED = "revoked", _("撤销")
    CHANGED = "changed", _("变更")
    CONFIRMED_ILLEGAL = "confirmed_illegal", _("确认违法")
    ORDERED_PERFORM = "ordered_perform", _("责令履行")
    SETTLED = "settled", _("调解/和解")
    WITHDRAWN = "withdrawn", _("撤回")


# 被纠错: the outcomes that find the decision wrong (docs/appeals.md)
CORRECTED_OUTCOMES = (
    Outcome.REVOKED,
    Outcome.CHANGED,
    Outcome.CONFIRMED_ILLEGAL,
    Outcome.ORDERED_PERFORM,
)
# outcomes that take the publication down (revoked / confirmed illegal) or correct it (changed)
WITHDRAWING_OUTCOMES = (Outcome.REVOKED, Outcome.CONFIRMED_ILLEGAL)


def recorded_fields():
    """``recorded_by, created_at, updated_at`` (登记人, 登记时间, 更新时间) of a row of
    复议/诉讼 or 移送 (``transfers.models`` uses it too)."""
    return (
        models.ForeignKey(
            settings.AUTH_USER_MODEL,
            verbose_name=_("登记人"),
            on_delete=models.PROTECT,
            related_name="+",
        ),
        models.DateTimeField(_("登记时间"), auto_now_add=True),
        models.DateTimeField(_("更新时间"), auto_now=True),
    )


class Appeal(models.Model):
    """One 行政复议 application or 行政诉讼 filing against the decision of ``case``."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("被申请人/被告"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="appeals"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=AppealKind.choices)
    body = models.CharField(_("复议机关/人民法院"), max_length=200)
    reference = models.CharField(_("案号"), max_length=100, blank=True)
    applicant = models.CharField(_("申请人/原告"), max_length=100, blank=True)
    prior = models.ForeignKey(
        "self",
        verbose_name=_("经过的行政复议"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="litigations",
    )
    known_on = models.DateField(_("知道或者应当知道行政行为之日"))
    prior_received_on = models.DateField(_("收到复议决定书之日"), null=True, blank=True)
    applied_on = models.DateField(_("申请/起诉日期"))
    application_deadline = models.DateField(_("申请/起诉期限"))
    late_application = models.BooleanField(_("超过申请/起诉期限"), default=False)
    simple_procedure = models.BooleanField(_("简易程序"), default=False)
    accepted_on = models.DateField(_("受理/立案日期"), null=True, blank=True)
    acceptance_deadline = models.DateField(_("受理审查期限"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    extension_note = models.CharField(_("延长理由"), max_length=500, blank=True)
    decision_deadline = models.DateField(_("作出决定/裁判期限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices, blank=True)
    redo_ordered = models.BooleanField(_("责令重新作出"), default=False)
    decided_on = models.DateField(_("决定/裁判日期"), null=True, blank=True)
    decided_late = models.BooleanField(_("超过决定/裁判期限"), default=False)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    changed_conclusion = models.TextField(_("变更后的处理结果"), blank=True)
    recorded_by, created_at, updated_at = recorded_fields()

    class Meta:
        verbose_name = _("行政复议/行政诉讼")
        verbose_name_plural = _("行政复议/行政诉讼")
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["agency", "kind", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference or self.pk}"

    @property
    def corrected(self) -> bool:
        return self.outcome in CORRECTED_OUTCOMES


class AppealDocument(models.Model):
    """The outcome document (复议决定书 / 判决书 / 裁定书 / 调解书), content-addressed. Append-only."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("复议/诉讼"), on_delete=models.PROTECT, related_name="documents"
    )
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=60)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    storage_key = models.CharField(_("存储位置"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("复议/诉讼结果文书")
        verbose_name_plural = _("复议/诉讼结果文书")
        ordering = ["id"]
