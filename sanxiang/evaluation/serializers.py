"""Serializers of the evaluation API (choice fields as plain strings, documented in help_text,
to avoid enum-name clashes in the schema)."""

from rest_framework import serializers

from sanxiang.core import clock
from sanxiang.workdays.serializers import ProvisionalFlag

from .models import Rectification, Round, Sheet


class RoundSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="draft、sampled、scoring、concluded")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    agencies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "agency",
            "title",
            "period_start",
            "period_end",
            "agencies",
            "ratio",
            "min_per_agency",
            "checklist_version",
            "status",
            "status_display",
            "seed",
            "candidates_sha256",
            "sample_result",
            "sampled_at",
            "summary_sha256",
            "concluded_at",
        ]


class SheetSerializer(serializers.ModelSerializer):
    grade = serializers.CharField(
        read_only=True, help_text="空（待评分）或 excellent、pass、basic、fail"
    )
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)

    class Meta:
        model = Sheet
        fields = [
            "id",
            "round",
            "agency",
            "case",
            "order",
            "case_number",
            "case_title",
            "deductions",
            "comment",
            "score",
            "grade",
            "grade_display",
            "submitted_at",
        ]


class DeductionInputSerializer(serializers.Serializer):
    deduction = serializers.IntegerField(min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SheetInputSerializer(serializers.Serializer):
    deductions = serializers.DictField(
        child=DeductionInputSerializer(),
        help_text="评查项目代码 → {deduction, note}；未列出的项目按0分扣分",
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RectificationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="issued、reported、returned、closed")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField()
    deadline_provisional = ProvisionalFlag("deadline")

    class Meta:
        model = Rectification
        fields = [
            "id",
            "sheet",
            "round",
            "agency",
            "requirements",
            "workdays",
            "deadline",
            "deadline_provisional",
            "status",
            "status_display",
            "overdue",
            "issued_at",
            "report",
            "reported_at",
            "return_reason",
            "returned_count",
            "closed_at",
        ]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue(clock.today())


class ReportInputSerializer(serializers.Serializer):
    report = serializers.CharField()
