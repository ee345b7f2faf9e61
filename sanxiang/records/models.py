"""A/V and evidence records (音像记录与证据).

Write-once design: a ``Recording`` row never changes after insert (database triggers).
Everything that happens to it later is a new row in its own append-only table:
``LongTermMark`` (retention raised to long-term), ``Purge`` (file removed after expiry),
``AccessLog`` (every view/download), ``AccessRefusal`` (every refused attempt),
``FixityRun``/``FixityAlert`` (re-hash results).
Only the request/approval tables (``AccessRequest``, ``RecordingWaiver``) and the transient
``UploadSession`` have a status that changes; for the first two the triggers allow exactly
the decision columns to change.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.fields import RecordedActivity

from .sniff import MediaKind


class UploadStatus(models.TextChoices):
    ACTIVE = "active", _("上传中")
    COMPLETED = "completed", _("已入库")
    FAILED = "failed", _("入库失败")
    ABANDONED = "abandoned", _("已放弃（超时清理）")


class UploadSession(models.Model):
    """A resumable (tus 1.0) upload in progress. Bytes live in VAR_DIR/uploads/<id>."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    length = models.BigIntegerField(_("文件大小（字节）"))
    offset = models.BigIntegerField(_("已接收（字节）"), default=0)
    # tus checksum extension: True while a PATCH with Upload-Checksum runs; bytes beyond
    # ``offset`` are then unverified and are discarded (not adopted) after a crash.
    unverified_tail = models.BooleanField(_("有未校验的数据块"), default=False)
    # Whole-file SHA-256 (hex) the client declared in Upload-Metadata; compared with the
    # server's running hash when the last byte arrives.
    declared_sha256 = models.CharField(_("申报的 SHA-256"), max_length=64, blank=True)
    labels = models.JSONField(_("标注"), default=dict)
    status = models.CharField(
        _("状态"), max_length=16, choices=UploadStatus.choices, default=UploadStatus.ACTIVE
    )
    error = models.CharField(_("错误"), max_length=255, blank=True)
    recording = models.ForeignKey(
        "Recording",
        verbose_name=_("入库记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后活动时间"), auto_now=True)

    class Meta:
        verbose_name = _("上传任务")
        verbose_name_plural = _("上传任务")
        ordering = ["-created_at"]


class Recording(models.Model):
    """One stored file with its mandatory labels. Never updated, never deleted."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="recordings"
    )
    case_number = models.CharField(_("案件编号"), max_length=80, blank=True)
    activity = models.CharField(
        _("记录的执法活动"), max_length=32, choices=RecordedActivity.choices
    )
    recorded_start = models.DateTimeField(_("记录开始时间"))
    recorded_end = models.DateTimeField(_("记录结束时间"))
    place = models.CharField(_("地点"), max_length=200)
    collector = models.ForeignKey(
        "org.Officer", verbose_name=_("采集人"), on_delete=models.PROTECT, related_name="+"
    )
    proves = models.TextField(_("证明事项"))
    interruptions = models.JSONField(_("中断说明"), default=list, blank=True)
    is_evidence = models.BooleanField(_("作为证据使用"), default=False)
    kind = models.CharField(_("类别"), max_length=16, choices=MediaKind.choices)
    content_type = models.CharField(_("内容类型（按内容识别）"), max_length=80)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.BigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    storage_key = models.CharField(_("存储键"), max_length=200)
    upload_due = models.DateField(_("应上传期限"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # Field mode (issue #18): when the phone captured the file (hashed there at capture)
    # and which device; the upload clock runs from the capture, not from the upload.
    captured_at = models.DateTimeField(_("采集时间（移动端）"), null=True, blank=True)
    device_id = models.CharField(_("采集设备"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("音像记录")
        verbose_name_plural = _("音像记录")
        ordering = ["-recorded_start", "-id"]
        indexes = [models.Index(fields=["case", "activity"])]

    def __str__(self):
        return f"{self.get_activity_display()} {self.recorded_start:%Y-%m-%d %H:%M}"

    @property
    def activity_date(self):
        from django.utils import timezone

        return timezone.localtime(self.recorded_start).date()

    @property
    def is_late(self):
        from django.utils import timezone

        return bool(
            self.upload_due and timezone.localtime(self.uploaded_at).date() > self.upload_due
        )


class LongTermReason(models.TextChoices):
    EVIDENCE = "evidence", _("作为证据使用")
    RECONSIDERATION = "reconsideration", _("当事人申请行政复议")
    LITIGATION = "litigation", _("当事人提起行政诉讼")
    COMPLAINT = "complaint", _("当事人有异议或投诉、上访")
    OBSTRUCTION = "obstruction", _("阻碍执法、妨害公务、暴力抗法")
    EMERGENCY = "emergency", _("涉及突发事件、群体性事件")
    MAJOR_CASE = "major_case", _("重大、复杂、疑难案件")
    OTHER = "other", _("其他需要长期保存的重要情况")


class LongTermMark(models.Model):
    """Raises a recording (or every recording of a case) to long-term retention. Append-only."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+"
    )
    recording = models.ForeignKey(
        Recording,
        verbose_name=_("音像记录（空=整个案件）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="long_term_marks",
    )
    reason = models.CharField(_("长期保存原因"), max_length=20, choices=LongTermReason.choices)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("长期保存标记")
        verbose_name_plural = _("长期保存标记")
        ordering = ["-at"]


class Purge(models.Model):
    """The stored file of a recording was removed by the retention service. Append-only."""

    recording = models.OneToOneField(
        Recording, verbose_name=_("音像记录"), on_delete=models.PROTECT, related_name="purge"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    storage_key = models.CharField(_("存储键"), max_length=200)
    retention_until = models.DateField(_("保存期限至"))
    file_deleted = models.BooleanField(_("已删除文件"), default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("清除时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("到期清除记录")
        verbose_name_plural = _("到期清除记录")
        ordering = ["-at"]


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class AccessRequest(models.Model):
    """调阅申请: to view/download a recording (or all recordings of a case)."""

    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("记录所属机关"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+"
    )
    recording = models.ForeignKey(
        Recording,
        verbose_name=_("音像记录（空=案件全部记录）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_requests",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("调阅事由"))
    allow_download = models.BooleanField(_("申请下载（复制）"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=255, blank=True)
    valid_until = models.DateTimeField(_("有效期至"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("调阅申请")
        verbose_name_plural = _("调阅申请")
        ordering = ["-created_at"]


class AccessAction(models.TextChoices):
    VIEW = "view", _("查看")
    DOWNLOAD = "download", _("下载")


class AccessLog(models.Model):
    """One view or download (who, when, what, why). Append-only."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("记录所属机关"), on_delete=models.PROTECT, related_name="+"
    )
    recording = models.ForeignKey(
        Recording, verbose_name=_("音像记录"), on_delete=models.PROTECT, related_name="access_logs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调阅人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("方式"), max_length=16, choices=AccessAction.choices)
    purpose = models.CharField(_("事由"), max_length=255)
    basis = models.CharField(_("依据"), max_length=40)
    access_request = models.ForeignKey(
        AccessRequest,
        verbose_name=_("调阅申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="logs",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("调阅日志")
        verbose_name_plural = _("调阅日志")
        ordering = ["-at"]


class AccessRefusal(models.Model):
    """One refused view/download attempt (who, when, what, why refused). Append-only.

    Written in its own transaction before the refusal is raised, so the failing request
    does not roll it back.
    """

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("记录所属机关"), on_delete=models.PROTECT, related_name="+"
    )
    recording = models.ForeignKey(
        Recording,
        verbose_name=_("音像记录"),
        on_delete=models.PROTECT,
        related_name="access_refusals",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调阅人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("方式"), max_length=16, choices=AccessAction.choices)
    purpose = models.CharField(_("所填事由"), max_length=255, blank=True)
    reason = models.CharField(_("拒绝原因"), max_length=255)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("拒绝调阅记录")
        verbose_name_plural = _("拒绝调阅记录")
        ordering = ["-at"]


class RecordingWaiver(models.Model):
    """A written reason, approved by the head, standing in for a required recording."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+"
    )
    activity = models.CharField(_("执法活动"), max_length=32, choices=RecordedActivity.choices)
    activity_date = models.DateField(_("活动日期"))
    reason = models.TextField(_("未能音像记录的书面说明"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("免予音像记录说明")
        verbose_name_plural = _("免予音像记录说明")
        ordering = ["-created_at"]


class FixityRun(models.Model):
    """One pass of the fixity job. Written once at the end of the pass."""

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"))
    checked = models.IntegerField(_("校验文件数"), default=0)
    bytes_checked = models.BigIntegerField(_("校验字节数"), default=0)
    failures = models.IntegerField(_("告警数"), default=0)
    last_recording_id = models.BigIntegerField(_("游标（最后校验的记录）"), default=0)

    class Meta:
        verbose_name = _("完整性校验")
        verbose_name_plural = _("完整性校验")
        ordering = ["-started_at"]


class FixityProblem(models.TextChoices):
    MISMATCH = "mismatch", _("哈希值不一致（文件被篡改或损坏）")
    MISSING = "missing", _("文件缺失")


class FixityAlert(models.Model):
    run = models.ForeignKey(
        FixityRun, verbose_name=_("校验批次"), on_delete=models.PROTECT, related_name="alerts"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    recording = models.ForeignKey(
        Recording,
        verbose_name=_("音像记录"),
        on_delete=models.PROTECT,
        related_name="fixity_alerts",
    )
    problem = models.CharField(_("问题"), max_length=16, choices=FixityProblem.choices)
    expected_sha256 = models.CharField(_("应为"), max_length=64)
    actual_sha256 = models.CharField(_("实为"), max_length=64, blank=True)
    at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("完整性告警")
        verbose_name_plural = _("完整性告警")
        ordering = ["-at"]
