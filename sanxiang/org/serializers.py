from rest_framework import serializers

from .models import Agency, Certificate, Officer


class AgencySerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "parent",
            "name",
            "short_name",
            "level",
            "level_display",
            "kind",
            "kind_display",
            "usci",
            "region",
            "fields",
            "address",
            "phone",
            "email",
            "complaint_channel",
            "review_all_general_penalties",
        ]


class CertificateSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "officer",
            "agency",
            "fields",
            "region",
            "issued_on",
            "expires_on",
            "status",
            "status_display",
            "status_reason",
        ]


class OfficerSerializer(serializers.ModelSerializer):
    certificates = CertificateSerializer(many=True, read_only=True)

    class Meta:
        model = Officer
        fields = ["id", "agency", "name", "position", "unit", "is_active", "certificates"]


class MayEnforceQuerySerializer(serializers.Serializer):
    officer = serializers.IntegerField()
    field = serializers.CharField()
    region = serializers.CharField()
    date = serializers.DateField(required=False)


class MayEnforceResultSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField()
    certificate = serializers.CharField(allow_null=True)


class CertificateActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["suspend", "reinstate", "revoke"])
    reason = serializers.CharField(max_length=255)
