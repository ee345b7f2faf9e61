"""投诉举报 (Complaint): complaints, reports and suggestions from the public, tracked to an answer.

* ``Complaint``: one submission with its 受理编号 (``TS`` + date + 5-digit daily serial), the
  agency currently handling it, the complainant's optional name/phone (personal data: shown
  only to the handling agency's staff and supervisors, never written to the ledger in clear),
  the SHA-256 HMAC of the 查询码, the status and the answer.

Every write goes through ``services``; a concluded complaint is immutable and no complaint
is ever deleted (guards in ``services``/signals).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("意见建议")


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    CONCLUDED = "concluded", _("已办结")


# Open: deadlines run and the complaint may still change; final: never changes again.
OPEN_STATUSES = (ComplaintStatus.SUBMITTED, ComplaintStatus.ACCEPTED)
FINAL_STATUSES = (ComplaintStatus.REJECTED, ComplaintStatus.CONCLUDED)


class ComplaintResult(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("属实已处理")
    PARTLY = "partly", _("部分属实")
    UNFOUNDED = "unfounded", _("不属实")
    CASE = "case", _("已转立案")


class Complaint(models.Model):
    number = models.CharField(_("受理编号"), max_length=20, unique=True)
    kind = models.CharField(_("类别"), max_length=12, choices=ComplaintKind.choices)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("承办机关"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    original_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("被投诉举报机关"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reference = models.CharField(_("相关文号或执法证号"), max_length=60, blank=True)
    content = models.TextField(_("内容"))
    name = models.CharField(_("投诉举报人姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    code_hash = models.CharField(_("查询码摘要"), max_length=64)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.SUBMITTED,
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    # The day the current clock started: submission (or the last transfer) while submitted,
    # acceptance once accepted. Deadlines are computed from it in working days.
    clock_start = models.DateField(_("期限起算日"))
    decided_at = models.DateTimeField(_("受理决定时间"), null=True, blank=True)
    reject_reason = models.TextField(_("不予受理理由"), blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.CharField(
        _("办理结果"), max_length=16, choices=ComplaintResult.choices, blank=True
    )
    reply = models.TextField(_("答复内容"), blank=True)
    transfers = models.PositiveSmallIntegerField(_("转办次数"), default=0)
    history = models.JSONField(_("办理记录"), default=list, blank=True)

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES


class ComplaintAttachment(models.Model):
    """A photo or PDF the complainant attached (证据材料): content-addressed, write-once
    (``complaints/<sha[:2]>/<sha256>`` in the default storage), type sniffed from the bytes.
    Shown to the handling agency and its supervisors only, never on the public site.
    Append-only (complaints 0003); the hashes are in the submission's ledger leaf."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("投诉举报"), on_delete=models.PROTECT, related_name="attachments"
    )
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=60)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    storage_key = models.CharField(_("存储位置"), max_length=120)
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("投诉举报附件")
        verbose_name_plural = _("投诉举报附件")
        ordering = ["complaint_id", "id"]

    def __str__(self):
        return self.original_name
