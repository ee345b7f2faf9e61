"""Serializers of the evaluation API (choice fields as plain strings, documented in help_text,
to avoid enum-name clashes in the schema)."""

from rest_framework import serializers

from .models import Rectification, Round, Sheet
from .shared import serializers as shared


class RoundSerializer(shared.RoundBase):
    class Meta:
        model = Round
        fields = [
            *shared.ROUND_FIELDS,
            "period_start",
            "period_end",
            "agencies",
            "ratio",
            "min_per_agency",
            *shared.ROUND_STATE_FIELDS,
            "summary_sha256",
            "concluded_at",
        ]


class SheetSerializer(shared.ScoredBase):
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
            *shared.SCORE_FIELDS,
        ]


class DeductionInputSerializer(shared.DeductionInput):
    pass


class SheetInputSerializer(serializers.Serializer):
    deductions = serializers.DictField(
        child=DeductionInputSerializer(),
        help_text="评查项目代码 → {deduction, note}；未列出的项目按0分扣分",
    )
    comment = shared.comment_input()


class RectificationSerializer(shared.NoticeBase):
    class Meta:
        model = Rectification
        fields = ["id", "sheet", "round", "agency", *shared.NOTICE_FIELDS]


class ReportInputSerializer(shared.ReportInput):
    pass
