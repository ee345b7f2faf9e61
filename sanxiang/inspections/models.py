"""双随机、一公开 (RandomInspection): target register, plan, draw, task, result.

* ``Target``: the agency's 检查对象名录库 (name, USCI, address, risk/credit class);
* ``Plan``: 抽查计划 (draft → drawn → completed), with the per-risk-class sampling ratio,
  the draw's seed, the candidate snapshots and their SHA-256, and the published snapshot;
* ``Task``: 检查任务, one per drawn target, with its inspectors and the recorded result.

Every write goes through ``services``; the inspectors come from ``org.Officer`` with a
valid certificate (no separate register).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskClass(models.TextChoices):
    A = "A", _("A 守信/低风险")
    B = "B", _("B 一般")
    C = "C", _("C 较高风险")
    D = "D", _("D 失信/高风险")


class Target(models.Model):
    """检查对象 in one agency's register. The USCI is unique per agency."""

    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("机关"),
        on_delete=models.PROTECT,
        related_name="inspection_targets",
    )
    name = models.CharField(_("名称"), max_length=200)
    usci = models.CharField(_("统一社会信用代码"), max_length=18)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    risk_class = models.CharField(
        _("信用风险分类"), max_length=1, choices=RiskClass.choices, default=RiskClass.B
    )
    is_active = models.BooleanField(_("在册"), default=True)
    created_by = models.ForeignKey(
        "org.User",
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象名录库")
        ordering = ["agency_id", "usci"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "usci"], name="inspections_target_unique")
        ]

    def __str__(self):
        return f"{self.name}（{self.usci}）"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    DRAWN = "drawn", _("已摇号")
    COMPLETED = "completed", _("已完成")


class Plan(models.Model):
    """抽查计划. Editable only in draft; the draw fixes the seed and the candidates."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("机关"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "catalog.InspectionItem",
        verbose_name=_("抽查事项"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("计划名称"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    ratio_a = models.PositiveSmallIntegerField(_("A类抽查比例（%）"), default=3)
    ratio_b = models.PositiveSmallIntegerField(_("B类抽查比例（%）"), default=5)
    ratio_c = models.PositiveSmallIntegerField(_("C类抽查比例（%）"), default=10)
    ratio_d = models.PositiveSmallIntegerField(_("D类抽查比例（%）"), default=20)
    inspectors_per_task = models.PositiveSmallIntegerField(_("每项任务执法人员数"), default=2)
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    # The draw: seed (hex of 32 random bytes), candidate snapshots, their hashes, result.
    seed = models.CharField(_("摇号种子"), max_length=64, blank=True)
    target_candidates = models.JSONField(_("候选检查对象"), default=list, blank=True)
    officer_candidates = models.JSONField(_("候选执法人员"), default=list, blank=True)
    targets_sha256 = models.CharField(_("候选检查对象哈希"), max_length=64, blank=True)
    officers_sha256 = models.CharField(_("候选执法人员哈希"), max_length=64, blank=True)
    draw_result = models.JSONField(_("摇号结果"), default=list, blank=True)
    drawn_at = models.DateTimeField(_("摇号时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        "org.User",
        verbose_name=_("摇号人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    public_snapshot = models.JSONField(_("公示内容"), default=dict, blank=True)
    created_by = models.ForeignKey(
        "org.User",
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽查计划")
        verbose_name_plural = _("抽查计划")
        ordering = ["-start_date", "-id"]

    def __str__(self):
        return self.title

    @property
    def ratios(self):
        """Sampling ratio in percent per risk class, e.g. ``{"A": 3, "B": 5, ...}``."""
        return {"A": self.ratio_a, "B": self.ratio_b, "C": self.ratio_c, "D": self.ratio_d}


class TaskResult(models.TextChoices):
    NO_PROBLEM = "no_problem", _("未发现问题")
    RECTIFY = "rectify", _("发现问题责令整改")
    CASE = "case", _("发现违法线索转立案")
    NOT_FOUND = "not_found", _("未找到检查对象")


class Task(models.Model):
    """检查任务: one drawn target and its inspectors. The result, once recorded, is final."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("抽查计划"), on_delete=models.PROTECT, related_name="tasks"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("机关"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField(_("序号"))
    target = models.ForeignKey(
        Target, verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="tasks"
    )
    target_name = models.CharField(_("检查对象名称"), max_length=200)
    target_usci = models.CharField(_("统一社会信用代码"), max_length=18)
    risk_class = models.CharField(_("信用风险分类"), max_length=1, choices=RiskClass.choices)
    officers = models.ManyToManyField(
        "org.Officer",
        verbose_name=_("执法人员"),
        related_name="inspection_tasks",
        through="TaskOfficer",
    )
    result = models.CharField(_("检查结果"), max_length=16, choices=TaskResult.choices, blank=True)
    note = models.TextField(_("检查情况"), blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "org.User",
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        ordering = ["plan_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="inspections_task_order"),
            models.UniqueConstraint(fields=["plan", "target"], name="inspections_task_target"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.target_name}"

    @property
    def is_recorded(self):
        return bool(self.result)


class TaskOfficer(models.Model):
    """An inspector drawn for a task: the many-to-many table ``inspections_task_officers``
    made explicit so that it is a model of its own with a stated protection. Rows are
    written once by the draw and refused UPDATE/DELETE by trigger (migration 0003,
    issue #11 item 10): who inspects whom never changes after the draw. ``CASCADE`` as
    in the implicit table: deleting a task or an officer reaches these rows and the
    trigger refuses it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    officer = models.ForeignKey("org.Officer", on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "inspections_task_officers"
        verbose_name = _("检查任务的执法人员")
        verbose_name_plural = _("检查任务的执法人员")
        unique_together = [("task", "officer")]

    def __str__(self):
        return f"{self.task_id} · {self.officer_id}"
