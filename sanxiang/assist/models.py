"""智能辅助: the platform's own law corpus and the catalogue → article links."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Law(models.Model):
    """One revision of a law (法律、法规、规章), imported from a Markdown file."""

    title = models.CharField(_("名称"), max_length=200)
    key = models.CharField(_("检索名"), max_length=200, db_index=True)
    revision_date = models.DateField(_("修订日期"))
    source = models.CharField(_("来源"), max_length=500, blank=True)
    file_name = models.CharField(_("文件名"), max_length=300, blank=True)
    content_sha256 = models.CharField(_("内容哈希"), max_length=64)
    imported_at = models.DateTimeField(_("导入时间"))

    class Meta:
        verbose_name = _("法律法规")
        verbose_name_plural = _("法律法规库")
        ordering = ["key", "-revision_date"]
        constraints = [
            models.UniqueConstraint(fields=["key", "revision_date"], name="assist_law_revision")
        ]

    def __str__(self):
        return f"{self.title}（{self.revision_date:%Y年%m月%d日}修订）"


class Article(models.Model):
    law = models.ForeignKey(
        Law, verbose_name=_("法律法规"), on_delete=models.CASCADE, related_name="articles"
    )
    number = models.CharField(_("条号"), max_length=30)
    ordinal = models.PositiveIntegerField(_("序号"))
    chapter = models.CharField(_("章节"), max_length=200, blank=True)
    text = models.TextField(_("条文"))

    class Meta:
        verbose_name = _("条文")
        verbose_name_plural = _("条文")
        ordering = ["law_id", "ordinal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["law", "number"], name="assist_article_number")
        ]

    def __str__(self):
        return f"《{self.law.title}》{self.number}"


class CatalogArticleLink(models.Model):
    """A catalogue item (执法事项 or 裁量基准) cites an article (built from its legal basis)."""

    class ItemKind(models.TextChoices):
        POWER = "power", _("执法事项")
        BENCHMARK = "benchmark", _("裁量基准")

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("机关"), on_delete=models.CASCADE, related_name="+"
    )
    item_kind = models.CharField(_("目录类型"), max_length=12, choices=ItemKind.choices)
    item_id = models.BigIntegerField(_("目录条目ID"))
    law_title = models.CharField(_("引用的法律"), max_length=200)
    law_key = models.CharField(_("检索名"), max_length=200)
    number = models.CharField(_("条号"), max_length=30)
    article = models.ForeignKey(
        Article,
        verbose_name=_("条文"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="catalog_links",
    )

    class Meta:
        verbose_name = _("目录条目引用条文")
        verbose_name_plural = _("目录条目引用条文")
        constraints = [
            models.UniqueConstraint(
                fields=["item_kind", "item_id", "law_key", "number"], name="assist_link_unique"
            )
        ]
        indexes = [models.Index(fields=["item_kind", "item_id"], name="assist_link_item")]


class CorpusGeneration(models.Model):
    """One row; ``value`` grows on every corpus or link change (in-process indexes rebuild)."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("法规库版本计数")
        verbose_name_plural = _("法规库版本计数")
