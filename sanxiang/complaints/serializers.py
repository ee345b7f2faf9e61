"""Serializers of the complaints API (choice fields as plain strings, documented in help_text)."""

from rest_framework import serializers

from . import services
from .models import Complaint, ComplaintResult, ComplaintStatus

STATUSES = "、".join(f"{v}（{label}）" for v, label in ComplaintStatus.choices)
RESULTS = "、".join(f"{v}（{label}）" for v, label in ComplaintResult.choices)


class ComplaintSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="complaint、report、suggestion")
    status = serializers.CharField(read_only=True, help_text=STATUSES)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    result = serializers.CharField(read_only=True, help_text="空或 " + RESULTS)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    deadline = serializers.SerializerMethodField()
    deadline_provisional = serializers.SerializerMethodField()
    remaining_workdays = serializers.SerializerMethodField(
        help_text="剩余工作日；负数为超期的工作日数；null 为无期限或期限待定"
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "kind",
            "agency",
            "agency_name",
            "original_agency",
            "reference",
            "status",
            "status_display",
            "submitted_at",
            "decided_at",
            "concluded_at",
            "result",
            "deadline",
            "deadline_provisional",
            "remaining_workdays",
            "overdue",
        ]

    def _d(self, obj):
        cache = self.context.setdefault("_deadlines", {})
        if obj.pk not in cache:
            cache[obj.pk] = services.deadline(obj)
        return cache[obj.pk]

    def get_deadline(self, obj) -> str | None:
        d = self._d(obj)
        return d.due.isoformat() if d and d.due else None

    def get_deadline_provisional(self, obj) -> bool:
        d = self._d(obj)
        return bool(d and d.provisional)

    def get_remaining_workdays(self, obj) -> int | None:
        d = self._d(obj)
        return d.remaining if d else None

    def get_overdue(self, obj) -> bool:
        d = self._d(obj)
        return bool(d and d.overdue)


class ComplaintDetailSerializer(ComplaintSerializer):
    """Adds the content, the complainant (handling agency's staff and supervisors only:
    the API is scoped) and the answer."""

    class Meta(ComplaintSerializer.Meta):
        fields = ComplaintSerializer.Meta.fields + [
            "content",
            "name",
            "phone",
            "reject_reason",
            "reply",
            "transfers",
            "history",
        ]


class ComplaintRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ComplaintTransferInputSerializer(serializers.Serializer):
    to_agency = serializers.IntegerField(help_text="接收机关 id（行政执法机关）")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ComplaintConcludeInputSerializer(serializers.Serializer):
    result = serializers.CharField(help_text=RESULTS)
    reply = serializers.CharField()
