from rest_framework import serializers

from .models import Alert


class SupervisionAlertSerializer(serializers.ModelSerializer):
    rule_title = serializers.CharField(read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True, default=None)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    links = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "agency",
            "agency_name",
            "rule",
            "rule_title",
            "severity",
            "severity_label",
            "record_key",
            "record_label",
            "record_url",
            "detail",
            "links",
            "status",
            "status_label",
            "raised_at",
            "raised_on",
            "last_seen_at",
            "acknowledged_at",
            "acknowledge_note",
            "closed_at",
            "close_reason",
        ]
        read_only_fields = fields


class AlertTransitionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, help_text="签收说明 / 整改情况 / 排除理由")
