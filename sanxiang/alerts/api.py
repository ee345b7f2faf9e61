"""REST API of 监督预警 (scoped like the workbench): list + detail with filters ``agency``,
``rule``, ``status`` (``live`` = open + acknowledged), ``severity`` (``AlertFilter``; a
malformed ``agency`` id answers 400 ``bad_filter``); transitions
``POST alerts/{id}/acknowledge|resolve|dismiss/`` with ``{"text": ...}``."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sanxiang.core.api_filters import FilterBackend, IdFilter

from . import serializers as s
from . import services
from .models import LIVE_STATUSES, Alert


class AlertFilter(django_filters.FilterSet):
    """The list's query parameters (documented in the schema from here)."""

    agency = IdFilter(field_name="agency", label="机关ID")
    rule = django_filters.CharFilter(field_name="rule", label="预警模型代码")
    status = django_filters.CharFilter(method="by_status", label="状态；live = 待处理和已签收")
    severity = django_filters.CharFilter(field_name="severity", label="等级 high/medium/low")

    class Meta:
        model = Alert
        fields = ["agency", "rule", "status", "severity"]

    def by_status(self, queryset, name, value):
        if value == "live":
            return queryset.filter(status__in=LIVE_STATUSES)
        return queryset.filter(status=value)


class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """监督预警 of the agencies the user sees (heads, administrators, supervisors)."""

    serializer_class = s.SupervisionAlertSerializer
    filter_backends = [FilterBackend]
    filterset_class = AlertFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        return services.visible_alerts(self.request.user).order_by("-raised_at", "-id")

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
