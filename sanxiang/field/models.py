"""Field mode (移动执法，离线采集; issue #18).

``Device``: a phone/browser that keeps offline data for one officer. Registered when the
field app is opened online; revoked by the agency head or a supervisor (lost phone). Every
sync checks it. ``FieldSubmission``: the receipt of one act synced from a device (the act
itself is a ``cases.CaseEvent`` with its ledger leaf); it makes a resent act idempotent
and keeps a refused one (conflict) visible.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Device(models.Model):
    device_id = models.CharField(_("设备标识"), max_length=64, unique=True)
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("使用人"),
        on_delete=models.PROTECT,
        related_name="field_devices",
    )
    label = models.CharField(_("设备说明"), max_length=200, blank=True)
    registered_at = models.DateTimeField(_("登记时间"))
    last_seen_at = models.DateTimeField(_("最近联网时间"))
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("停用人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("停用原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("移动执法设备")
        verbose_name_plural = _("移动执法设备")
        ordering = ["-last_seen_at"]

    def __str__(self):
        return f"{self.user} · {self.label or self.device_id[:8]}"

    @property
    def is_revoked(self):
        return self.revoked_at is not None


class SubmissionStatus(models.TextChoices):
    ACCEPTED = "accepted", _("已入案")
    CONFLICT = "conflict", _("冲突（未入案）")


class FieldSubmission(models.Model):
    client_id = models.UUIDField(_("离线记录标识"), unique=True)
    device = models.ForeignKey(
        Device, verbose_name=_("设备"), on_delete=models.PROTECT, related_name="submissions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+"
    )
    captured_at = models.DateTimeField(_("现场采集时间"))
    synced_at = models.DateTimeField(_("同步时间"))
    status = models.CharField(_("结果"), max_length=16, choices=SubmissionStatus.choices)
    case_event_id = models.BigIntegerField(_("案件记录"), null=True, blank=True)
    late_entry = models.BooleanField(_("补录"), default=False)
    message = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("移动端同步记录")
        verbose_name_plural = _("移动端同步记录")
        ordering = ["-synced_at"]
