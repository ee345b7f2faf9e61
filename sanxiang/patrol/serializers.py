"""Serializers of the patrol API (choice fields as plain strings, documented in help_text)."""

from rest_framework import serializers

from sanxiang.core import clock
from sanxiang.workdays.serializers import ProvisionalFlag

from .models import PatrolItem, PatrolNotice, PatrolRound


class PatrolRoundSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="draft、sampled、scoring、concluded")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    agencies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = PatrolRound
        fields = [
            "id",
            "agency",
            "title",
            "year",
            "quarter",
            "period_start",
            "period_end",
            "agencies",
            "sample_size",
            "checklist_version",
            "status",
            "status_display",
            "seed",
            "candidates_sha256",
            "sample_result",
            "sampled_at",
            "summary",
            "summary_sha256",
            "concluded_at",
        ]


class PatrolItemSerializer(serializers.ModelSerializer):
    grade = serializers.CharField(
        read_only=True, help_text="空（待评分）或 excellent、pass、basic、fail"
    )
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    auto_deduction = serializers.IntegerField(read_only=True)

    class Meta:
        model = PatrolItem
        fields = [
            "id",
            "round",
            "agency",
            "publication",
            "order",
            "document_number",
            "title",
            "checks",
            "checked_at",
            "auto_deduction",
            "deductions",
            "comment",
            "score",
            "grade",
            "grade_display",
            "submitted_at",
        ]


class PatrolDeductionInputSerializer(serializers.Serializer):
    deduction = serializers.IntegerField(min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PatrolItemInputSerializer(serializers.Serializer):
    deductions = serializers.DictField(
        child=PatrolDeductionInputSerializer(),
        help_text="人工巡查项目代码（accuracy、standard、privacy）→ {deduction, note}；"
        "未列出的按0分扣分",
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class PatrolNoticeSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="issued、reported、returned、closed")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField()
    deadline_provisional = ProvisionalFlag("deadline")

    class Meta:
        model = PatrolNotice
        fields = [
            "id",
            "round",
            "agency",
            "item_ids",
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


class PatrolReportInputSerializer(serializers.Serializer):
    report = serializers.CharField()
