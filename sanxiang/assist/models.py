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


class AcceptedArticle(models.Model):
    """A handler accepted (or withdrew) a suggested article for a case — append-only.

    Who accepted what, for which case, in which field of the 决定书 and, when a draft existed,
    which draft the citation was written into. The law, number and text are copied (a later
    re-import may replace the ``Article`` row); ``article_id`` is kept as a plain number."""

    class Action(models.TextChoices):
        ACCEPT = "accept", _("采纳")
        WITHDRAW = "withdraw", _("撤回")

    class Field(models.TextChoices):
        VIOLATED = "violated_provisions", _("违反的法律规定")
        BASIS = "legal_basis", _("行政处罚的依据")

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("机关"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    field = models.CharField(_("填入栏目"), max_length=24, choices=Field.choices)
    article_id = models.BigIntegerField(_("条文ID"))
    law_title = models.CharField(_("法律"), max_length=200)
    number = models.CharField(_("条号"), max_length=30)
    paragraph = models.PositiveSmallIntegerField(_("款"), null=True, blank=True)
    citation = models.CharField(_("引用"), max_length=300)
    article_text = models.TextField(_("采纳时的条文"), blank=True)
    document_id = models.BigIntegerField(_("写入的文书草稿ID"), null=True, blank=True)
    withdraws = models.BigIntegerField(_("撤回的采纳记录ID"), null=True, blank=True)
    actor = models.ForeignKey(
        "org.User", verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("采纳的推荐条款")
        verbose_name_plural = _("采纳的推荐条款")
        ordering = ["case_id", "id"]
        indexes = [models.Index(fields=["case", "id"], name="assist_accept_case")]

    def __str__(self):
        return f"{self.get_action_display()} {self.citation}"
