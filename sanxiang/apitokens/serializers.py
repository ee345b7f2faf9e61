from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import ApiToken


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as listed: never the secret (it is not stored)."""

    status = serializers.SerializerMethodField(help_text="active | expired | revoked")
    status_display = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "prefix",
            "name",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "last_used_ip",
            "status",
            "status_display",
        ]
        read_only_fields = fields

    def get_status(self, obj) -> str:
        return str(obj.status())

    def get_status_display(self, obj) -> str:
        return str(obj.status_label())


class NewApiTokenSerializer(ApiTokenSerializer):
    """The answer to a creation: the only time the secret is shown."""

    token = serializers.CharField(help_text=_("令牌明文，仅此一次显示，请立即妥善保存"))

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields


class CreateApiTokenSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, label=_("名称/用途"))
    days = serializers.IntegerField(
        required=False, min_value=1, label=_("有效期（天）"), help_text=_("默认 90 天，最长 365 天")
    )


class ObtainApiTokenSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"))
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"})
    name = serializers.CharField(max_length=100, required=False, label=_("名称/用途"))
