"""API tokens (issue #12 item 6): only a SHA-256 digest of the secret is stored, with a
short public prefix to recognise it; every token expires (default 90 days) and can be
revoked. Written only through ``sanxiang.apitokens.services``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock


class TokenStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已吊销")


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("名称/用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=16)
    digest = models.CharField(_("SHA-256 摘要"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"))
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("最近使用地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_revoked")]

    def __str__(self):
        return f"{self.prefix}… {self.name}"

    def status(self, at=None) -> str:
        if self.revoked_at is not None:
            return TokenStatus.REVOKED
        if (at or clock.now()) >= self.expires_at:
            return TokenStatus.EXPIRED
        return TokenStatus.ACTIVE

    def status_label(self) -> str:
        return TokenStatus(self.status()).label
