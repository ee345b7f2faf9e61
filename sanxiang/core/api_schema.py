"""The error shape in the OpenAPI schema: ``ErrorResponse`` (code enum = ErrorCode) on the
400/401/403/404 answers of every operation (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``).

A module of its own: drf-spectacular's AutoSchema imports DRF's views, which import the
parser in ``core.api`` from the settings."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from .errors import ErrorCode


class ErrorLinkSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.CharField()


class ErrorResponseSerializer(serializers.Serializer):
    """The one error shape. ``code`` lists every ErrorCode (its Chinese descriptions are in the
    ErrorCodeEnum description and docs/errors.md)."""

    code = serializers.ChoiceField(choices=ErrorCode.choices)
    detail = serializers.CharField(help_text="面向用户的中文说明")
    links = ErrorLinkSerializer(many=True, required=False)
    errors = serializers.ListField(child=serializers.JSONField(), required=False)
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="validation_error：各字段的问题",
    )

    class Meta:
        ref_name = "ErrorResponse"


_ERROR_STATUSES = ("400", "401", "403", "404")


class ErrorAwareAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the ErrorResponse body on 400/401/403/404 of every
    operation that does not document its own (``ErrorCode`` becomes the ``CodeEnum``
    component)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in _ERROR_STATUSES:
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    ErrorResponseSerializer, status, direction=direction
                )
        return responses
