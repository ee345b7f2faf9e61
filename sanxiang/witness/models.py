"""Witness tables.

Witness side (what the 司法局's witness keeps, per log origin):
``WitnessedLog`` (trusted log key + the latest cosigned size/root: the one mutable row,
locked by every add-checkpoint), ``Cosignature`` (history of every cosigned checkpoint,
append-only) and ``WitnessAlert`` (every refused checkpoint: fork, rollback, bad proof,
bad signature, unknown origin; append-only).

Platform side (the log submitting its heads): ``CosignedCheckpoint`` (every checkpoint a
witness cosigned, with the cosignature lines, append-only; the newest is published) and
``SubmissionStatus`` (per witness: last size submitted, last error — a retry queue).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WitnessedLog(models.Model):
    origin = models.CharField(_("日志来源标识"), max_length=200, unique=True)
    key_name = models.CharField(_("日志签名密钥名"), max_length=200)
    public_key = models.BinaryField(_("日志公钥（Ed25519）"), max_length=32)
    # The log's Merkle hash (issue #16 item 7): consistency proofs are checked with it.
    hash_algorithm = models.CharField(_("哈希算法"), max_length=16, default="sha256")
    tree_size = models.BigIntegerField(_("最新见证树大小"), default=0)
    root_hash = models.BinaryField(_("最新见证根哈希"), max_length=32, default=b"")
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("受见证的账本")
        verbose_name_plural = _("受见证的账本")
        ordering = ["origin"]

    def __str__(self):
        return self.origin


class Cosignature(models.Model):
    log = models.ForeignKey(WitnessedLog, on_delete=models.PROTECT, related_name="cosignatures")
    tree_size = models.BigIntegerField(_("树大小"))
    root_hash = models.BinaryField(_("根哈希"), max_length=32)
    timestamp = models.BigIntegerField(_("见证时间（POSIX 秒）"))
    checkpoint = models.TextField(_("检查点（含日志签名）"))
    signature_line = models.TextField(_("见证签名行"))
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("见证签名")
        verbose_name_plural = _("见证签名")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.log_id}@{self.tree_size}"


class WitnessAlert(models.Model):
    class Kind(models.TextChoices):
        UNKNOWN_ORIGIN = "unknown_origin", _("未登记的账本")
        BAD_SIGNATURE = "bad_signature", _("签名无效")
        BAD_REQUEST = "bad_request", _("请求格式错误")
        CONFLICT = "conflict", _("旧树大小不符")
        ROLLBACK = "rollback", _("账本回滚")
        FORK = "fork", _("账本分叉")
        BAD_PROOF = "bad_proof", _("一致性证明无效")

    log = models.ForeignKey(
        WitnessedLog, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    origin = models.CharField(_("日志来源标识"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    old_size = models.BigIntegerField(_("请求中的旧树大小"), null=True, blank=True)
    tree_size = models.BigIntegerField(_("请求中的树大小"), null=True, blank=True)
    witness_size = models.BigIntegerField(_("见证方已见证的树大小"), null=True, blank=True)
    detail = models.TextField(_("说明"))
    request_body = models.TextField(_("请求原文"), blank=True)
    created_at = models.DateTimeField(_("发生时间"))

    class Meta:
        verbose_name = _("账本完整性告警")
        verbose_name_plural = _("账本完整性告警")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.kind} {self.origin}"


class CosignedCheckpoint(models.Model):
    witness_name = models.CharField(_("见证方"), max_length=200)
    tree_size = models.BigIntegerField(_("树大小"), db_index=True)
    root_hash = models.BinaryField(_("根哈希"), max_length=32)
    note = models.TextField(_("检查点（含日志签名与见证签名）"))
    received_at = models.DateTimeField(_("收到时间"))

    class Meta:
        verbose_name = _("已见证检查点")
        verbose_name_plural = _("已见证检查点")
        ordering = ["-tree_size", "-id"]

    def __str__(self):
        return f"{self.witness_name}@{self.tree_size}"


class SubmissionStatus(models.Model):
    witness_name = models.CharField(_("见证方"), max_length=200, unique=True)
    last_size = models.BigIntegerField(_("最近见证的树大小"), default=0)
    last_ok_at = models.DateTimeField(_("最近成功时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    last_error_at = models.DateTimeField(_("最近错误时间"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)

    class Meta:
        verbose_name = _("见证提交状态")
        verbose_name_plural = _("见证提交状态")

    def __str__(self):
        return self.witness_name
