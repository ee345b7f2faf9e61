"""REST API of 监督预警 (scoped like the workbench): list + detail with filters ``agency``,
``rule``, ``status`` (``live`` = open + acknowledged), ``severity``; transitions
``POST alerts/{id}/acknowledge|resolve|dismiss/`` with ``{"text": ...}``."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import serializers as s
from . import services
from .models import LIVE_STATUSES, Alert

FILTERS = [
    OpenApiParameter("agency", int, description="机关ID"),
    OpenApiParameter("rule", str, description="预警模型代码"),
    OpenApiParameter("status", str, description="状态；live = 待处理和已签收"),
    OpenApiParameter("severity", str, description="等级 high/medium/low"),
]


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """监督预警 of the agencies the user sees (heads, administrators, supervisors)."""

    serializer_class = s.SupervisionAlertSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        qs = services.visible_alerts(self.request.user)
        p = self.request.query_params
        if p.get("agency", "").isdigit():
            qs = qs.filter(agency_id=int(p["agency"]))
        if p.get("rule"):
            qs = qs.filter(rule=p["rule"])
        if p.get("severity"):
            qs = qs.filter(severity=p["severity"])
        status = p.get("status")
        if status == "live":
            qs = qs.filter(status__in=LIVE_STATUSES)
        elif status:
            qs = qs.filter(status=status)
        return qs.order_by("-raised_at", "-id")

    def _transition(self, request, fn):
        alert = self.get_object()
        body = s.AlertTransitionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alert = fn(alert, request.user, body.validated_data["text"])
        return Response(s.SupervisionAlertSerializer(alert).data)

    @extend_schema(request=s.AlertTransitionInputSerializer, responses=s.SupervisionAlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """签收 (the agency's head/administrator or a supervisor above it)."""
        return self._transition(request, services.acknowledge)

    @extend_schema(request=s.AlertTransitionInputSerializer, responses=s.SupervisionAlertSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """整改办结 (after acknowledgement)."""
        return self._transition(request, services.resolve)

    @extend_schema(request=s.AlertTransitionInputSerializer, responses=s.SupervisionAlertSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        """排除 (a supervisor above the agency or a platform administrator)."""
        return self._transition(request, services.dismiss)
