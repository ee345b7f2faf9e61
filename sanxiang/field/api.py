"""REST API of field mode (mounted under /api/field/)."""

import secrets

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services

SESSION_KEY = "field_secret"


def session_secret(request) -> str:
    """A random secret of this login session; the phone derives its storage key from it."""
    secret = request.session.get(SESSION_KEY)
    if not secret:
        secret = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = secret
    return secret


_ANY = inline_serializer("FieldAny", {"detail": serializers.CharField(required=False)})


class SessionView(APIView):
    @extend_schema(
        summary="移动端会话（派生本机加密密钥用的会话秘密、离线数据保留天数）",
        request=inline_serializer(
            "FieldDeviceIn",
            {"device_id": serializers.UUIDField(), "label": serializers.CharField(required=False)},
        ),
        responses={
            200: inline_serializer(
                "FieldSession",
                {
                    "user": serializers.IntegerField(),
                    "secret": serializers.CharField(),
                    "wipe_after_days": serializers.IntegerField(),
                    "device_id": serializers.CharField(),
                },
            )
        },
        tags=["field"],
    )
    def post(self, request):
        device = services.register_device(
            request.user, request.data.get("device_id"), request.data.get("label", "")
        )
        response = Response(
            {
                "user": request.user.pk,
                "secret": session_secret(request),
                "wipe_after_days": services.wipe_after_days(),
                "device_id": device.device_id,
            }
        )
        response["Cache-Control"] = "no-store"
        return response


class TasksView(APIView):
    @extend_schema(
        summary="今日任务（调查中的案件、双随机检查任务）",
        responses={200: OpenApiResponse(description="cases, inspections, activities")},
        tags=["field"],
    )
    def get(self, request):
        response = Response(services.tasks_for(request.user))
        response["Cache-Control"] = "no-store"
        return response


class ActView(APIView):
    @extend_schema(
        summary="同步一条离线采集的现场执法活动",
        request=inline_serializer(
            "FieldActIn",
            {
                "client_id": serializers.UUIDField(),
                "device_id": serializers.UUIDField(),
                "case": serializers.IntegerField(),
                "activity": serializers.CharField(),
                "captured_at": serializers.DateTimeField(),
                "place": serializers.CharField(),
                "officers": serializers.ListField(child=serializers.IntegerField()),
                "act": serializers.DictField(
                    help_text=(
                        "按活动类别的笔录字段：on_site_inspection {checked, findings}；"
                        "interview {interviewee, id_number?, relation, qa: [{q, a}]}；"
                        "evidence_preservation {items: [{name, quantity, kept_at}]}；"
                        "seizure {items: [{name, spec?, quantity}], custody_place, legal_basis}"
                    )
                ),
                "location": serializers.DictField(
                    required=False,
                    help_text="执法人员同意定位时：{latitude, longitude, accuracy, taken_at}",
                ),
                "notes": serializers.CharField(required=False),
                "late_reason": serializers.CharField(required=False),
                "files": serializers.ListField(child=serializers.DictField()),
            },
        ),
        responses={
            201: OpenApiResponse(description="accepted (new)"),
            200: OpenApiResponse(description="accepted before (same client_id)"),
            409: OpenApiResponse(description="conflict: the case left 调查取证; nothing written"),
            403: OpenApiResponse(description="device revoked or not the user's"),
        },
        tags=["field"],
    )
    def post(self, request):
        answer, created = services.submit_act(request.user, request.data)
        return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
