"""Legal review of major enforcement decisions (重大执法决定法制审核).

One ``Review`` is one submission of a proposed decision (送审) and its review: materials,
discretion check, reviewer, clock, findings and the written opinion. A corrected draft is
resubmitted as a new ``Review`` (``version`` + 1, ``previous`` pointing to the old one).

Records the law says must never change (scope assessments, materials, assignments,
opinions and their findings, disputes, collective-discussion decisions, transfers) are
append-only at the database level (triggers, see migrations). ``Review`` and
``DeadlineExtension`` carry workflow state and change only through ``services``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Criterion(models.TextChoices):
    """Statutory criteria (行政处罚法 第五十八条; seed 000 annex 3 art. 4; seed 001 §4)."""

    PUBLIC_INTEREST = "public_interest", _("涉及重大公共利益")
    SOCIAL_IMPACT = "social_impact", _("可能造成重大社会影响或者引发社会风险")
    MAJOR_RIGHTS = "major_rights", _("直接关系当事人或者第三人重大权益")
    HEARING = "hearing", _("经过听证程序")
    COMPLEX = "complex", _("案件情况疑难复杂、涉及多个法律关系")
    REQUIRED_BY_LAW = "required_by_law", _("法律、法规、规章规定应当进行法制审核")


class MaterialKind(models.TextChoices):
    """送审材料 (seed 000 annex 3 art. 5)."""

    PROPOSAL = "proposal", _("重大执法决定建议及情况说明")
    CLOSURE_REPORT = "closure_report", _("调查（审查）终结报告")
    DRAFT_DECISION = "draft_decision", _("决定书代拟稿")
    BASIS_EVIDENCE = "basis_evidence", _("法律依据和证据资料")
    HEARING_TRANSCRIPT = "hearing_transcript", _("听证笔录")
    ASSESSMENT_REPORT = "assessment_report", _("评估报告")
    OTHER = "other", _("其他材料")


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待分配审核人员")
    ASSIGNED = "assigned", _("待受理")
    IN_REVIEW = "in_review", _("审核中")
    CONCLUDED = "concluded", _("已出具审核意见")
    DISPUTED = "disputed", _("有异议，待集体讨论")
    SETTLED = "settled", _("集体讨论已决定")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_STATUSES = (ReviewStatus.SUBMITTED, ReviewStatus.ASSIGNED, ReviewStatus.IN_REVIEW)


class OpinionKind(models.TextChoices):
    AGREE = "agree", _("同意")
    CORRECT = "correct", _("纠正")
    REFUSE = "refuse", _("不予作出")
    TRANSFER = "transfer", _("移送司法机关")


class CheckPoint(models.TextChoices):
    """The review checklist (domain.md §3; seed 000 annex 3)."""

    SUBJECT = "subject", _("执法主体是否合法，执法人员是否具备执法资格")
    FACTS = "facts", _("主要事实是否清楚，证据是否合法充分")
    PROCEDURE = "procedure", _("执法程序是否合法")
    LAW = "law", _("适用法律、法规、规章是否准确，裁量基准运用是否适当")
    POWERS = "powers", _("是否超越本机关法定权限或者滥用职权")
    DOCUMENTS = "documents", _("执法文书是否规范、齐备")
    CRIME = "crime", _("违法行为是否涉嫌犯罪、需要移送司法机关")


class FindingResult(models.TextChoices):
    OK = "ok", _("符合")
    PROBLEM = "problem", _("存在问题")
    NOT_APPLICABLE = "na", _("不适用")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予批准")


class DiscussionConclusion(models.TextChoices):
    ADOPT = "adopt", _("采纳法制审核意见")
    OVERRULE = "overrule", _("不采纳审核意见，按代拟稿作出决定")


def _user_fk(verbose, null=True):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name="+",
    )


class ReviewScope(models.Model):
    """Whether a case's proposed decision needs legal review, and why. Append-only."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="review_scopes"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("决定书代拟稿"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    draft_hash = models.CharField(_("代拟稿内容哈希"), max_length=64, blank=True)
    required = models.BooleanField(_("须法制审核"))
    catalogue_rules = models.JSONField(_("命中的目录清单条目"), default=list, blank=True)
    answers = models.JSONField(_("法定情形判断"), default=dict, blank=True)
    answer_note = models.TextField(_("判断说明"), blank=True)
    policy_applies = models.BooleanField(_("适用一般程序处罚一律审核"), default=False)
    reasons = models.JSONField(_("理由"), default=list, blank=True)
    proposal = models.JSONField(_("拟作出决定要素"), default=dict, blank=True)
    assessed_by = _user_fk(_("评估人"))
    assessed_by_name = models.CharField(_("评估人姓名"), max_length=50, blank=True)
    assessed_at = models.DateTimeField(_("评估时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("法制审核范围评估")
        verbose_name_plural = _("法制审核范围评估")
        ordering = ["case_id", "-id"]

    def __str__(self):
        return f"{self.case_id} {'须审核' if self.required else '无须审核'}"


class Review(models.Model):
    """One submission for legal review (送审) and its review."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="reviews"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("送审次序"))
    previous = models.ForeignKey(
        "self",
        verbose_name=_("上一次送审"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope = models.ForeignKey(
        ReviewScope, verbose_name=_("范围评估"), on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("决定书代拟稿"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    draft_hash = models.CharField(_("代拟稿内容哈希"), max_length=64)
    draft_snapshot = models.JSONField(_("代拟稿内容快照"), default=dict)
    proposal = models.TextField(_("决定建议及情况说明"))
    proposed_penalty = models.JSONField(_("拟处罚内容"), default=dict, blank=True)
    assessment_held = models.BooleanField(_("经过评估"), default=False)
    discretion = models.JSONField(_("裁量基准核对"), default=dict, blank=True)
    discretion_out_of_range = models.BooleanField(_("超出裁量基准"), default=False)
    justification = models.TextField(_("超出裁量基准的书面说明"), blank=True)
    submitted_by = _user_fk(_("送审人"))
    submitted_by_name = models.CharField(_("送审人姓名"), max_length=50, blank=True)
    submitted_at = models.DateTimeField(_("送审时间"), auto_now_add=True)

    status = models.CharField(
        _("状态"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    outcome = models.CharField(
        _("审核意见"), max_length=16, choices=OpinionKind.choices, blank=True
    )
    reviewer = _user_fk(_("审核人员"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    deadline = models.DateField(_("审核期限"), null=True, blank=True)
    extended_deadline = models.DateField(_("延长后的期限"), null=True, blank=True)
    draft_findings = models.JSONField(_("审核要点（暂存）"), default=dict, blank=True)
    concluded_at = models.DateTimeField(_("出具意见时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("法制审核")
        verbose_name_plural = _("法制审核")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="review_case_version_unique")
        ]
        indexes = [
            models.Index(fields=["agency", "status"], name="review_agency_status"),
            models.Index(fields=["reviewer", "status"], name="review_reviewer_status"),
        ]

    def __str__(self):
        return f"{self.case} 第{self.version}次送审"

    @property
    def subject(self):
        return f"review:{self.pk}"

    @property
    def effective_deadline(self):
        return self.extended_deadline or self.deadline

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES


class ReviewMaterial(models.Model):
    """One submitted material. Append-only."""

    review = models.ForeignKey(
        Review, verbose_name=_("法制审核"), on_delete=models.PROTECT, related_name="materials"
    )
    kind = models.CharField(_("材料类别"), max_length=24, choices=MaterialKind.choices)
    title = models.CharField(_("材料名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="review/materials/%Y/%m/", blank=True)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64, blank=True)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("案卷文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reference = models.CharField(_("案卷内引用"), max_length=300, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    added_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("送审材料")
        verbose_name_plural = _("送审材料")
        ordering = ["review_id", "id"]

    def __str__(self):
        return self.title


class ReviewAssignment(models.Model):
    """Assignment history of a review (办、审分离). Append-only."""

    review = models.ForeignKey(
        Review, verbose_name=_("法制审核"), on_delete=models.PROTECT, related_name="assignments"
    )
    reviewer = _user_fk(_("审核人员"), null=False)
    reviewer_name = models.CharField(_("审核人员姓名"), max_length=50)
    previous_reviewer = _user_fk(_("原审核人员"))
    assigned_by = _user_fk(_("分配人"))
    assigned_by_name = models.CharField(_("分配人姓名"), max_length=50, blank=True)
    reason = models.CharField(_("分配/改派理由"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核人员分配记录")
        verbose_name_plural = _("审核人员分配记录")
        ordering = ["review_id", "id"]


class DeadlineExtension(models.Model):
    """Extension of the 10-working-day limit, approved by the agency head."""

    review = models.ForeignKey(
        Review, verbose_name=_("法制审核"), on_delete=models.PROTECT, related_name="extensions"
    )
    requested_by = _user_fk(_("申请人"))
    requested_by_name = models.CharField(_("申请人姓名"), max_length=50, blank=True)
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    reason = models.TextField(_("延长理由"))
    current_deadline = models.DateField(_("原期限"))
    new_deadline = models.DateField(_("申请延长至"))
    status = models.CharField(
        _("审批状态"),
        max_length=12,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    decided_by = _user_fk(_("审批人"))
    decided_by_name = models.CharField(_("审批人姓名"), max_length=50, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("审核期限延长")
        verbose_name_plural = _("审核期限延长")
        ordering = ["-id"]


class Opinion(models.Model):
    """The written review opinion (法制审核意见书). Append-only."""

    review = models.OneToOneField(
        Review, verbose_name=_("法制审核"), on_delete=models.PROTECT, related_name="opinion"
    )
    kind = models.CharField(_("审核意见"), max_length=16, choices=OpinionKind.choices)
    reasoning = models.TextField(_("理由及建议"))
    draft_hash = models.CharField(_("所审代拟稿哈希"), max_length=64)
    given_by = _user_fk(_("审核人员"))
    given_by_name = models.CharField(_("审核人员姓名"), max_length=50)
    given_at = models.DateTimeField(_("出具时间"), auto_now_add=True)
    late = models.BooleanField(_("超期出具"), default=False)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("意见书（案卷文书）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf = models.FileField(_("意见书PDF"), upload_to="review/opinions/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    signature = models.TextField(_("签名（Base64）"), blank=True)
    signature_alg = models.CharField(_("签名算法"), max_length=40, blank=True)
    public_key = models.TextField(_("机关公钥（PEM）"), blank=True)
    key_fingerprint = models.CharField(_("公钥指纹"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("法制审核意见")
        verbose_name_plural = _("法制审核意见")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.review}）"


class ChecklistFinding(models.Model):
    """One point of the review checklist, given with the opinion. Append-only."""

    opinion = models.ForeignKey(
        Opinion, verbose_name=_("审核意见"), on_delete=models.PROTECT, related_name="findings"
    )
    point = models.CharField(_("审核要点"), max_length=16, choices=CheckPoint.choices)
    result = models.CharField(_("审核结论"), max_length=8, choices=FindingResult.choices)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("审核要点")
        verbose_name_plural = _("审核要点")
        ordering = ["opinion_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opinion", "point"], name="review_finding_unique")
        ]


class Dispute(models.Model):
    """The handling unit disagrees with a non-agreeing opinion. Append-only."""

    review = models.OneToOneField(
        Review, verbose_name=_("法制审核"), on_delete=models.PROTECT, related_name="dispute"
    )
    opinion = models.ForeignKey(
        Opinion, verbose_name=_("审核意见"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("异议理由"))
    raised_by = _user_fk(_("提出人"))
    raised_by_name = models.CharField(_("提出人姓名"), max_length=50)
    raised_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核意见异议")
        verbose_name_plural = _("审核意见异议")
        ordering = ["-id"]


class DisputeDiscussion(models.Model):
    """The head's decision after collective discussion (集体讨论) of a dispute. Append-only."""

    dispute = models.OneToOneField(
        Dispute, verbose_name=_("异议"), on_delete=models.PROTECT, related_name="discussion"
    )
    held_on = models.DateField(_("讨论日期"))
    participants = models.JSONField(_("参加人员"), default=list)
    minutes = models.TextField(_("讨论记录"))
    conclusion = models.CharField(_("结论"), max_length=12, choices=DiscussionConclusion.choices)
    decision = models.TextField(_("决定内容"))
    draft_hash = models.CharField(_("所涉代拟稿哈希"), max_length=64)
    decided_by = _user_fk(_("机关负责人"))
    decided_by_name = models.CharField(_("机关负责人姓名"), max_length=50)
    decided_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("集体讨论决定（审核意见分歧）")
        verbose_name_plural = _("集体讨论决定（审核意见分歧）")
        ordering = ["-id"]


class Transfer(models.Model):
    """Transfer of a suspected crime to the public-security organ (移送规定). Append-only."""

    review = models.OneToOneField(
        Review, verbose_name=_("法制审核"), on_delete=models.PROTECT, related_name="transfer"
    )
    opinion = models.ForeignKey(
        Opinion, verbose_name=_("审核意见"), on_delete=models.PROTECT, related_name="+"
    )
    receiving_authority = models.CharField(_("接受移送机关"), max_length=200)
    transferred_on = models.DateField(_("移送日期"))
    materials = models.JSONField(_("移送材料清单"), default=list)
    case_summary = models.TextField(_("涉嫌犯罪案件情况"))
    approved_by_name = models.CharField(_("批准移送的负责人"), max_length=50, blank=True)
    recorded_by = _user_fk(_("记录人"))
    recorded_by_name = models.CharField(_("记录人姓名"), max_length=50)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("涉嫌犯罪案件移送")
        verbose_name_plural = _("涉嫌犯罪案件移送")
        ordering = ["-id"]
