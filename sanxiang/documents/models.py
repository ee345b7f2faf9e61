"""Enforcement documents (执法文书).

Design (one table, immutable once issued)
----------------------------------------
``Document`` holds both drafts and issued documents. A draft is editable (and may be
discarded); ``issue_document`` turns it into an issued document in one UPDATE that sets
the number (文号), the hash and the files. From then on the row is frozen: database
triggers (SQLite and PostgreSQL, migration 0002) refuse every UPDATE and DELETE of a row
whose *old* status is ``issued``. One table keeps the contract simple for other apps
(``Document.objects.filter(case=..., status="issued")``), and the trigger condition on
``OLD.status`` is what lets drafts stay editable.

Corrections never touch the original: ``correct_document`` issues a new ``Document``
(version + 1, ``previous`` → the original, a new 文号) and appends a
``DocumentCorrection`` row (append-only table). "Superseded" is therefore derived from
the existence of a correction, not stored on the original.

文号 come from ``sanxiang.core.numbering`` (a django-sequences counter per agency, number
code and year, locked for the length of the issuing transaction).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .kinds import DocumentKind, spec


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已签发")


class DocumentQuerySet(models.QuerySet):
    def issued(self):
        return self.filter(status=DocumentStatus.ISSUED)

    def drafts(self):
        return self.filter(status=DocumentStatus.DRAFT)

    def current(self):
        """Issued documents not replaced by a correction."""
        return self.issued().filter(correction_of_this__isnull=True)


class Document(models.Model):
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("制作机关"), on_delete=models.PROTECT, related_name="documents"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("文书种类"), max_length=32, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("版本"), default=1)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("更正的原文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    title = models.CharField(_("文书名称"), max_length=100)
    content = models.JSONField(_("文书内容"), default=dict, blank=True)

    number = models.CharField(_("文号"), max_length=80, null=True, blank=True)
    number_code = models.CharField(_("文号代字"), max_length=16, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("序号"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_by_name = models.CharField(_("签发人姓名"), max_length=50, blank=True)

    sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pdf = models.FileField(_("PDF 文件"), max_length=255, blank=True)
    docx_sha256 = models.CharField(_("DOCX SHA-256"), max_length=64, blank=True)
    docx = models.FileField(_("Word 文件"), max_length=255, blank=True)
    ledger_index = models.BigIntegerField(_("账本序号"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "number"],
                condition=models.Q(number__isnull=False),
                name="documents_number_unique_per_agency",
            ),
            models.UniqueConstraint(
                fields=["agency", "number_code", "year", "serial"],
                condition=models.Q(serial__isnull=False),
                name="documents_serial_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (
                    models.Q(number__isnull=False)
                    & models.Q(serial__isnull=False)
                    & models.Q(issued_at__isnull=False)
                )
                & ~models.Q(sha256=""),
                name="documents_issued_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "kind"], name="documents_case_kind"),
            models.Index(fields=["agency", "status", "-id"], name="documents_agency_status"),
        ]

    def __str__(self):
        return f"{self.title} {self.number or _('（草稿）')}"

    @property
    def spec(self):
        return spec(self.kind)

    @property
    def is_draft(self):
        return self.status == DocumentStatus.DRAFT

    @property
    def is_issued(self):
        return self.status == DocumentStatus.ISSUED

    @property
    def subject(self):
        """Ledger subject: the case when there is one, else the document."""
        return f"case:{self.case_id}" if self.case_id else f"document:{self.pk}"

    @property
    def superseded_by(self):
        """The issued correction that replaces this document, or None (uses the
        ``select_related("correction_of_this")`` cache when present)."""
        if self.pk is None:
            return None
        try:
            return self.correction_of_this.correction
        except DocumentCorrection.DoesNotExist:
            return None

    @property
    def is_superseded(self):
        return self.superseded_by is not None


class DocumentCorrection(models.Model):
    """更正: ``correction`` replaces ``original``. Append-only (database triggers)."""

    original = models.OneToOneField(
        Document,
        verbose_name=_("原文书"),
        on_delete=models.PROTECT,
        related_name="correction_of_this",
    )
    correction = models.OneToOneField(
        Document, verbose_name=_("更正后文书"), on_delete=models.PROTECT, related_name="corrects"
    )
    reason = models.TextField(_("更正理由"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=50, blank=True)
    at = models.DateTimeField(_("更正时间"), auto_now_add=True)
    ledger_index = models.BigIntegerField(_("账本序号"), null=True, blank=True)

    class Meta:
        verbose_name = _("文书更正记录")
        verbose_name_plural = _("文书更正记录")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.original} → {self.correction}"


class FixityProblem(models.TextChoices):
    MISMATCH = "mismatch", _("哈希值不一致（文件被篡改或损坏）")
    MISSING = "missing", _("文件缺失")
    LEDGER = "ledger", _("与账本签发记录不一致")


class DocumentFixityRun(models.Model):
    """One pass of the documents fixity job (``integrity.fixity_check``). Append-only."""

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"))
    checked = models.IntegerField(_("校验文书数"), default=0)
    bytes_checked = models.BigIntegerField(_("校验字节数"), default=0)
    failures = models.IntegerField(_("告警数"), default=0)
    last_document_id = models.BigIntegerField(_("游标（最后校验的文书）"), default=0)

    class Meta:
        verbose_name = _("文书完整性校验")
        verbose_name_plural = _("文书完整性校验")
        ordering = ["-started_at"]


class DocumentFixityAlert(models.Model):
    """A stored file of an issued document no longer matches its recorded SHA-256 (or
    is missing). Written by the fixity job and by a refused download. Append-only."""

    run = models.ForeignKey(
        DocumentFixityRun,
        verbose_name=_("校验批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("制作机关"), on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        Document, verbose_name=_("文书"), on_delete=models.PROTECT, related_name="fixity_alerts"
    )
    file_format = models.CharField(_("文件格式"), max_length=8)
    problem = models.CharField(_("问题"), max_length=16, choices=FixityProblem.choices)
    expected_sha256 = models.CharField(_("应为"), max_length=64)
    actual_sha256 = models.CharField(_("实为"), max_length=64, blank=True)
    at = models.DateTimeField(_("发现时间"))

    class Meta:
        verbose_name = _("文书完整性告警")
        verbose_name_plural = _("文书完整性告警")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.document_id} {self.file_format} {self.problem}"
