"""监督预警: alerts raised by the rule engine (``sanxiang.alerts.rules``).

One row per (rule, record) while the condition lasts: open → acknowledged (with a note) →
resolved / dismissed (with a reason), or auto-resolved by the next run once the condition
has disappeared. Every transition is a ledger leaf (``alerts.*``); rows change only through
``sanxiang.alerts.services``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    HIGH = "high", _("严重")
    MEDIUM = "medium", _("一般")
    LOW = "low", _("提示")


SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    RESOLVED = "resolved", _("已整改")
    DISMISSED = "dismissed", _("已排除")
    AUTO_RESOLVED = "auto_resolved", _("已自动消除")


LIVE_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class Alert(models.Model):
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("执法主体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule = models.CharField(_("预警模型"), max_length=40, db_index=True)
    severity = models.CharField(_("等级"), max_length=8, choices=Severity.choices)
    record_key = models.CharField(_("记录标识"), max_length=120)
    record_label = models.CharField(_("记录"), max_length=255)
    record_url = models.CharField(_("记录链接"), max_length=255, blank=True)
    detail = models.TextField(_("预警内容"))
    links = models.JSONField(_("相关记录"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    raised_at = models.DateTimeField(_("预警时间"))
    raised_on = models.DateField(_("预警日期"), db_index=True)
    last_seen_at = models.DateTimeField(_("最近一次确认条件仍存在"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledge_note = models.TextField(_("签收说明"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    close_reason = models.TextField(_("办结说明"), blank=True)

    class Meta:
        verbose_name = _("监督预警")
        verbose_name_plural = _("监督预警")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "record_key"],
                condition=models.Q(status__in=["open", "acknowledged"]),
                name="alerts_one_live_per_record",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "status", "rule"], name="alerts_agency_status_rule"),
        ]

    def __str__(self):
        return f"{self.rule} {self.record_label}"

    @property
    def subject(self):
        return f"alert:{self.pk}"

    @property
    def is_live(self):
        return self.status in LIVE_STATUSES

    @property
    def rule_obj(self):
        from .rules import get_rule

        return get_rule(self.rule)

    @property
    def rule_title(self):
        rule = self.rule_obj
        return rule.title if rule else self.rule


class AlertRun(models.Model):
    """One run of the rule engine (periodic or on demand): counts only."""

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_label = models.CharField(_("范围"), max_length=200, blank=True)
    raised = models.IntegerField(_("新增预警"), default=0)
    still_open = models.IntegerField(_("仍存在"), default=0)
    auto_resolved = models.IntegerField(_("自动消除"), default=0)
    errors = models.JSONField(_("出错的模型"), default=list, blank=True)

    class Meta:
        verbose_name = _("预警运行记录")
        verbose_name_plural = _("预警运行记录")
        ordering = ["-started_at", "-id"]
