"""Serializers of the patrol API (choice fields as plain strings, documented in help_text)."""

from rest_framework import serializers

from sanxiang.evaluation.shared import serializers as shared

from .models import PatrolItem, PatrolNotice, PatrolRound


class PatrolRoundSerializer(shared.RoundBase):
    class Meta:
        model = PatrolRound
        fields = [
            *shared.ROUND_FIELDS,
            "year",
            "quarter",
            "period_start",
            "period_end",
            "agencies",
            "sample_size",
            *shared.ROUND_STATE_FIELDS,
            "summary",
            "summary_sha256",
            "concluded_at",
        ]


class PatrolItemSerializer(shared.ScoredBase):
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
            *shared.SCORE_FIELDS,
        ]


class PatrolDeductionInputSerializer(shared.DeductionInput):
    pass


class PatrolItemInputSerializer(serializers.Serializer):
    deductions = serializers.DictField(
        child=PatrolDeductionInputSerializer(),
        help_text="人工巡查项目代码（accuracy、standard、privacy）→ {deduction, note}；"
        "未列出的按0分扣分",
    )
    comment = shared.comment_input()


class PatrolNoticeSerializer(shared.NoticeBase):
    class Meta:
        model = PatrolNotice
        fields = ["id", "round", "agency", "item_ids", *shared.NOTICE_FIELDS]


class PatrolReportInputSerializer(shared.ReportInput):
    pass
