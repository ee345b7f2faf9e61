"""The administrator-edited holiday table that overrides ``chinese_calendar``.

* ``HolidayYear`` — one row per year whose State Council schedule (国务院办公厅关于…部分节假日
  安排的通知) an administrator has dealt with: the notice, who entered it, and whether the year
  is *complete*. A year that ``chinese_calendar`` does not cover counts as known only when its
  ``HolidayYear`` is complete.
* ``HolidayOverride`` — one day whose status differs from what the base calendar says: a
  holiday (休息日) or a make-up working day (调休上班). Overrides win over ``chinese_calendar``.
* ``CalendarRevision`` — a single row whose random token changes with every edit; the
  in-process caches of ``calendar.py`` compare it to know when to reload.

All changes go through ``services.py`` (which also writes the ledger); never save these
models directly.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OverrideKind(models.TextChoices):
    HOLIDAY = "holiday", _("休息日（节假日）")
    WORKDAY = "workday", _("工作日（调休上班）")


class HolidayYear(models.Model):
    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    notice = models.CharField(
        _("发文字号"), max_length=100, blank=True, help_text=_("例如：国办发明电〔2025〕7号")
    )
    source = models.CharField(_("来源"), max_length=500, blank=True, help_text=_("通知标题或网址"))
    complete = models.BooleanField(_("已完整录入"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_by_name = models.CharField(_("录入人姓名"), max_length=150, blank=True)
    completed_at = models.DateTimeField(_("确认完整时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}"


class HolidayOverride(models.Model):
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=OverrideKind.choices)
    name = models.CharField(_("名称"), max_length=50, help_text=_("例如：春节、国庆节"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_by_name = models.CharField(_("录入人姓名"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}"

    @property
    def is_workday(self):
        return self.kind == OverrideKind.WORKDAY


class CalendarRevision(models.Model):
    """Singleton (pk=1): its token changes whenever the holiday table changes."""

    token = models.CharField(_("版本标识"), max_length=32)
    changed_at = models.DateTimeField(_("变更时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日表版本")
        verbose_name_plural = _("节假日表版本")

    def __str__(self):
        return self.token


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class TrackedDeadline(models.Model):
    """A deadline some record holds (e.g. a review's 审核期限), computed by ``calendar.deadline``
    and stored with its provisional flag and the calendar revision it was computed under.

    ``kind`` names a registered ``deadlines.DeadlineKind`` (which model and field hold the date,
    whether the record is still open, whether the date was communicated to a party); the row is
    how ``deadlines.recompute_year`` finds what to move when a year's schedule is entered.
    """

    kind = models.CharField(_("期限类别"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("执法主体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    start = models.DateField(_("起算日"))
    workdays = models.PositiveIntegerField(_("工作日天数"))
    due = models.DateField(_("期限"))
    provisional = models.BooleanField(_("暂定"), default=False)
    provisional_years = models.JSONField(_("暂按法定节假日推算的年份"), default=list, blank=True)
    calendar_revision = models.CharField(_("节假日表版本"), max_length=32, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN
    )
    kept_reason = models.CharField(_("保留原期限的原因"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="workdays_deadline_uniq")
        ]
        indexes = [models.Index(fields=["status", "provisional"], name="workdays_deadline_open")]

    def __str__(self):
        suffix = "（暂定）" if self.provisional else ""
        return f"{self.kind}:{self.object_id} {self.due.isoformat()}{suffix}"
