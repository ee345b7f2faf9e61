import base64
import binascii

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sanxiang.workdays.serializers import ProvisionalFlag

from .models import (
    ChecklistFinding,
    CheckPoint,
    Criterion,
    DeadlineExtension,
    DiscussionConclusion,
    Dispute,
    DisputeDiscussion,
    ExtensionStatus,
    FindingResult,
    MaterialKind,
    Opinion,
    OpinionKind,
    Review,
    ReviewAssignment,
    ReviewMaterial,
    ReviewScope,
    ReviewStatus,
    Transfer,
)


def choice(choices, **kw):
    """A ChoiceField documented inline (pattern + description) rather than as a shared
    enum component, so its name cannot collide with other apps' ``status``/``kind``
    enums (drf-spectacular would otherwise warn)."""

    @extend_schema_field(
        {
            "type": "string",
            "pattern": "^(" + "|".join(str(v) for v, _ in choices if v) + ")$"
            if all(v for v, _ in choices)
            else "^(" + "|".join(str(v) for v, _ in choices if v) + ")?$",
            "description": "、".join(f"{v}={label}" for v, label in choices),
        }
    )
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kw)


class ScopeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewScope
        fields = [
            "id",
            "case",
            "document",
            "draft_hash",
            "required",
            "catalogue_rules",
            "answers",
            "answer_note",
            "policy_applies",
            "reasons",
            "proposal",
            "assessed_by_name",
            "assessed_at",
        ]


class ScopeEvaluationSerializer(serializers.Serializer):
    required = serializers.BooleanField()
    catalogue_rules = serializers.ListField(child=serializers.DictField())
    answers = serializers.DictField(child=serializers.BooleanField())
    policy_applies = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class ScopeInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.BooleanField(),
        required=False,
        help_text="法定情形：" + "、".join(f"{c.value}={c.label}" for c in Criterion),
    )
    document = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class GateStatusSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    required = serializers.BooleanField()
    message = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    review = serializers.IntegerField(allow_null=True)


class MaterialInputSerializer(serializers.Serializer):
    kind = choice(MaterialKind.choices)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    document = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    filename = serializers.CharField(required=False, allow_blank=True, default="")
    content_base64 = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        raw = attrs.get("content_base64") or ""
        if raw:
            try:
                attrs["content"] = base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise serializers.ValidationError(
                    {"content_base64": "不是有效的 Base64。"}
                ) from exc
        return attrs


class SubmitSerializer(serializers.Serializer):
    document = serializers.IntegerField(help_text="决定书代拟稿（文书ID）")
    proposal = serializers.CharField(allow_blank=True)
    materials = MaterialInputSerializer(many=True)
    justification = serializers.CharField(required=False, allow_blank=True, default="")
    tier = serializers.IntegerField(required=False, allow_null=True, help_text="裁量档次ID")
    base_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True
    )
    assessment_held = serializers.BooleanField(required=False, default=False)


class MaterialSerializer(serializers.ModelSerializer):
    kind = choice(MaterialKind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = ReviewMaterial
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "sha256",
            "document",
            "reference",
            "note",
            "has_file",
            "added_at",
        ]

    def get_has_file(self, obj) -> bool:
        return bool(obj.file)


class AssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewAssignment
        fields = [
            "id",
            "reviewer",
            "reviewer_name",
            "previous_reviewer",
            "assigned_by_name",
            "reason",
            "at",
        ]


class ExtensionSerializer(serializers.ModelSerializer):
    status = choice(ExtensionStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = DeadlineExtension
        fields = [
            "id",
            "review",
            "requested_by_name",
            "requested_at",
            "reason",
            "current_deadline",
            "new_deadline",
            "status",
            "status_label",
            "decided_by_name",
            "decided_at",
            "decision_note",
        ]


class FindingSerializer(serializers.ModelSerializer):
    point = choice(CheckPoint.choices, read_only=True)
    result = choice(FindingResult.choices, read_only=True)
    point_label = serializers.CharField(source="get_point_display", read_only=True)

    class Meta:
        model = ChecklistFinding
        fields = ["point", "point_label", "result", "note"]


class OpinionSerializer(serializers.ModelSerializer):
    kind = choice(OpinionKind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = Opinion
        fields = [
            "id",
            "kind",
            "kind_label",
            "reasoning",
            "draft_hash",
            "given_by_name",
            "given_at",
            "late",
            "document",
            "pdf_sha256",
            "signature",
            "signature_alg",
            "public_key",
            "key_fingerprint",
            "findings",
        ]


class DiscussionSerializer(serializers.ModelSerializer):
    conclusion = choice(DiscussionConclusion.choices, read_only=True)

    class Meta:
        model = DisputeDiscussion
        fields = [
            "id",
            "held_on",
            "participants",
            "minutes",
            "conclusion",
            "decision",
            "draft_hash",
            "decided_by_name",
            "decided_at",
        ]


class DisputeSerializer(serializers.ModelSerializer):
    discussion = DiscussionSerializer(read_only=True)

    class Meta:
        model = Dispute
        fields = ["id", "review", "reason", "raised_by_name", "raised_at", "discussion"]


class TransferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Transfer
        fields = [
            "id",
            "receiving_authority",
            "transferred_on",
            "materials",
            "case_summary",
            "approved_by_name",
            "recorded_by_name",
            "recorded_at",
        ]


class ReviewSerializer(serializers.ModelSerializer):
    status = choice(ReviewStatus.choices, read_only=True)
    outcome = choice([("", "未出具"), *OpinionKind.choices], read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    case_title = serializers.CharField(source="case.title", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    reviewer_name = serializers.SerializerMethodField()
    effective_deadline = serializers.DateField(read_only=True)
    effective_deadline_provisional = ProvisionalFlag("effective_deadline")

    class Meta:
        model = Review
        fields = [
            "id",
            "case",
            "case_title",
            "case_number",
            "agency",
            "version",
            "previous",
            "document",
            "draft_hash",
            "proposal",
            "proposed_penalty",
            "assessment_held",
            "discretion",
            "discretion_out_of_range",
            "justification",
            "submitted_by_name",
            "submitted_at",
            "status",
            "status_label",
            "outcome",
            "outcome_label",
            "reviewer",
            "reviewer_name",
            "accepted_on",
            "deadline",
            "extended_deadline",
            "effective_deadline",
            "effective_deadline_provisional",
            "concluded_at",
        ]

    def get_reviewer_name(self, obj) -> str:
        return obj.reviewer.display_name if obj.reviewer_id else ""


class ReviewDetailSerializer(ReviewSerializer):
    materials = MaterialSerializer(many=True, read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    opinion = serializers.SerializerMethodField()
    dispute = serializers.SerializerMethodField()
    transfer = serializers.SerializerMethodField()

    class Meta(ReviewSerializer.Meta):
        fields = ReviewSerializer.Meta.fields + [
            "draft_snapshot",
            "draft_findings",
            "materials",
            "assignments",
            "extensions",
            "opinion",
            "dispute",
            "transfer",
        ]

    def get_opinion(self, obj) -> OpinionSerializer(allow_null=True):
        try:
            return OpinionSerializer(obj.opinion).data
        except Opinion.DoesNotExist:
            return None

    def get_dispute(self, obj) -> DisputeSerializer(allow_null=True):
        try:
            return DisputeSerializer(obj.dispute).data
        except Dispute.DoesNotExist:
            return None

    def get_transfer(self, obj) -> TransferSerializer(allow_null=True):
        try:
            return TransferSerializer(obj.transfer).data
        except Transfer.DoesNotExist:
            return None


class AssignSerializer(serializers.Serializer):
    reviewer = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewerOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    open_reviews = serializers.IntegerField()


class AcceptSerializer(serializers.Serializer):
    today = serializers.DateField(required=False, allow_null=True)


class ExtensionRequestSerializer(serializers.Serializer):
    new_deadline = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)


class ExtensionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FindingInputSerializer(serializers.Serializer):
    result = choice(FindingResult.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FindingsSerializer(serializers.Serializer):
    findings = serializers.DictField(
        child=FindingInputSerializer(),
        help_text="审核要点：" + "、".join(f"{c.value}={c.label}" for c in CheckPoint),
    )


class OpinionInputSerializer(FindingsSerializer):
    kind = choice(OpinionKind.choices)
    reasoning = serializers.CharField(allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class DiscussionInputSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    participants = serializers.ListField(child=serializers.CharField())
    minutes = serializers.CharField(allow_blank=True)
    conclusion = choice(DiscussionConclusion.choices)
    decision = serializers.CharField(allow_blank=True)
    chair = serializers.CharField(required=False, allow_blank=True, default="")
    late_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="补录原因：讨论日期早于录入当日 3 日以上（事后补录纸质记录）时必填。",
    )


class TransferInputSerializer(serializers.Serializer):
    receiving_authority = serializers.CharField(allow_blank=True)
    transferred_on = serializers.DateField()
    materials = serializers.ListField(child=serializers.CharField())
    case_summary = serializers.CharField(allow_blank=True)
    approved_by_name = serializers.CharField(required=False, allow_blank=True, default="")


class DiffSegmentSerializer(serializers.Serializer):
    op = choice([("equal", "相同"), ("insert", "新增"), ("delete", "删除")])
    text = serializers.CharField()


class DiffFieldSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    changed = serializers.BooleanField()
    segments = DiffSegmentSerializer(many=True)


class FlagSerializer(serializers.Serializer):
    review = serializers.IntegerField(source="review.pk")
    case_title = serializers.CharField(source="review.case.title")
    deadline = serializers.DateField(source="review.effective_deadline")
    deadline_provisional = ProvisionalFlag("review.effective_deadline")
    state = serializers.CharField()
    workdays_left = serializers.IntegerField()


class StatsRowSerializer(serializers.Serializer):
    agency = serializers.IntegerField(source="agency.pk")
    agency_name = serializers.CharField(source="agency.name")
    submitted = serializers.IntegerField()
    reviewed = serializers.IntegerField()
    agreed = serializers.IntegerField()
    corrected = serializers.IntegerField()
    refused = serializers.IntegerField()
    transferred = serializers.IntegerField()
    open = serializers.IntegerField()
    disputed = serializers.IntegerField()
    overdue = serializers.IntegerField()
    officers = serializers.IntegerField(source="ratio.officers")
    reviewers = serializers.IntegerField(source="ratio.reviewers")
    reviewers_needed = serializers.IntegerField(source="ratio.needed")
    reviewer_ratio_ok = serializers.BooleanField(source="ratio.ok")
    warning = serializers.CharField(source="ratio.warning")
