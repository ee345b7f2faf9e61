"""Serializers of the inspections API (choice fields as plain strings, documented in help_text,
to avoid enum-name clashes in the schema)."""

from rest_framework import serializers

from .models import Plan, Task, TaskResult

RESULTS = "、".join(f"{v}（{label}）" for v, label in TaskResult.choices)


class TaskSerializer(serializers.ModelSerializer):
    risk_class = serializers.CharField(read_only=True, help_text="A、B、C、D")
    result = serializers.CharField(read_only=True, help_text="空（待记录）或 " + RESULTS)
    result_display = serializers.CharField(source="get_result_display", read_only=True)
    officers = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "order",
            "target",
            "target_name",
            "target_usci",
            "risk_class",
            "officers",
            "result",
            "result_display",
            "note",
            "recorded_at",
        ]

    def get_officers(self, obj) -> list[dict]:
        return [{"id": o.pk, "name": o.name} for o in obj.officers.all()]


class PlanSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="draft、drawn、completed")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "agency",
            "agency_name",
            "item",
            "item_code",
            "item_name",
            "title",
            "start_date",
            "end_date",
            "ratio_a",
            "ratio_b",
            "ratio_c",
            "ratio_d",
            "inspectors_per_task",
            "status",
            "status_display",
            "seed",
            "targets_sha256",
            "officers_sha256",
            "drawn_at",
            "completed_at",
            "published_at",
        ]


class PlanDetailSerializer(PlanSerializer):
    tasks = TaskSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = PlanSerializer.Meta.fields + [
            "target_candidates",
            "officer_candidates",
            "draw_result",
            "tasks",
        ]


class ResultInputSerializer(serializers.Serializer):
    result = serializers.CharField(help_text=RESULTS)
    note = serializers.CharField(required=False, allow_blank=True, default="")
