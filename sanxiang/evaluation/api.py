"""REST API of 案卷评查 (scoped to the user's visible agencies).

Reads: rounds (the organising supervisor agency's), sheets and rectifications (the evaluated
agency's). Writes: ``POST rounds/{id}/sample/``, ``POST sheets/{id}/submit/`` and
``POST rectifications/{id}/report/``, through the same services as the workbench.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sanxiang.org.scoping import scope

from . import serializers as s
from . import services
from .models import Rectification, RectificationStatus, Round, Sheet


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """评查批次 of the user's supervisor agency; filter ``status``."""

    serializer_class = s.RoundSerializer

    def get_queryset(self):
        qs = scope(Round.objects.all(), self.request.user)
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        return qs.prefetch_related("agencies").order_by("-period_end", "-id")

    @extend_schema(request=None, responses=s.RoundSerializer)
    @action(detail=True, methods=["post"])
    def sample(self, request, pk=None):
        """随机抽取案卷 (refused unless the round is a draft)."""
        rnd = services.sample(self.get_object(), request.user)
        return Response(s.RoundSerializer(self.get_queryset().get(pk=rnd.pk)).data)


class SheetViewSet(viewsets.ReadOnlyModelViewSet):
    """评分表 of the user's visible agencies; filter ``round``."""

    serializer_class = s.SheetSerializer

    def get_queryset(self):
        qs = scope(Sheet.objects.all(), self.request.user)
        if self.request.query_params.get("round", "").isdigit():
            qs = qs.filter(round_id=int(self.request.query_params["round"]))
        return qs.order_by("round_id", "order")

    @extend_schema(request=s.SheetInputSerializer, responses=s.SheetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the score sheet (once; supervisors of the organising agency)."""
        sheet = self.get_object()
        body = s.SheetInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        deductions = {
            code: (v["deduction"], v.get("note", ""))
            for code, v in body.validated_data["deductions"].items()
        }
        sheet = services.submit_sheet(
            sheet, request.user, deductions=deductions, comment=body.validated_data["comment"]
        )
        return Response(s.SheetSerializer(sheet).data)


class RectificationViewSet(viewsets.ReadOnlyModelViewSet):
    """整改通知 of the user's visible agencies; filter ``open=1``."""

    serializer_class = s.RectificationSerializer

    def get_queryset(self):
        qs = scope(Rectification.objects.all(), self.request.user)
        if self.request.query_params.get("open") == "1":
            qs = qs.exclude(status=RectificationStatus.CLOSED)
        return qs.order_by("deadline", "id")

    @extend_schema(request=s.ReportInputSerializer, responses=s.RectificationSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """整改报告 (the agency's handler or head)."""
        rect = self.get_object()
        body = s.ReportInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rect = services.submit_report(rect, request.user, report=body.validated_data["report"])
        return Response(s.RectificationSerializer(rect).data)
