from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskRun(models.Model):
    """One idempotency key of a task that has side effects (ledger leaves, files).

    The row is created, and marked finished, in the same database transaction as the
    task's own writes (``sanxiang.jobs.idempotency.run_once``): a worker killed before the
    commit leaves nothing (the redelivered task does the work), a worker killed after the
    commit but before the broker got the acknowledgement leaves a finished row (the
    redelivered task returns the stored result and writes nothing again)."""

    key = models.CharField(_("幂等键"), max_length=200, unique=True)
    task = models.CharField(_("任务"), max_length=200)
    created_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    deliveries = models.PositiveIntegerField(_("重复投递次数"), default=0)

    class Meta:
        verbose_name = _("后台任务记录")
        verbose_name_plural = _("后台任务记录")

    def __str__(self):
        return f"{self.task} {self.key}"
