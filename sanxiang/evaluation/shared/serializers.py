"""Serializers both APIs build on (choice fields as plain strings, documented in
help_text). Each app subclasses them under its own names, so the schema's components stay
as they were."""

from rest_framework import serializers

from sanxiang.core import clock
from sanxiang.workdays.serializers import ProvisionalFlag

ROUND_FIELDS = ["id", "agency", "title"]
ROUND_STATE_FIELDS = [
    "checklist_version",
    "status",
    "status_display",
    "seed",
    "candidates_sha256",
    "sample_result",
    "sampled_at",
]
SCORE_FIELDS = ["deductions", "comment", "score", "grade", "grade_display", "submitted_at"]
NOTICE_FIELDS = [
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


class RoundBase(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="draft、sampled、scoring、concluded")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    agencies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)


class ScoredBase(serializers.ModelSerializer):
    grade = serializers.CharField(
        read_only=True, help_text="空（待评分）或 excellent、pass、basic、fail"
    )
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)


class DeductionInput(serializers.Serializer):
    deduction = serializers.IntegerField(min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


def comment_input():
    return serializers.CharField(required=False, allow_blank=True, default="")


class NoticeBase(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="issued、reported、returned、closed")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField()
    deadline_provisional = ProvisionalFlag("deadline")

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue(clock.today())


class ReportInput(serializers.Serializer):
    report = serializers.CharField()
