"""REST API of 网上巡查 (scoped to the user's visible agencies).

Reads: rounds (the organising supervisor agency's and those below it), items and notices
(the patrolled agency's). Writes: ``POST rounds/{id}/sample/``, ``POST items/{id}/submit/``
and ``POST notices/{id}/report/``, through the same services as the workbench.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sanxiang.org.scoping import scope

from . import serializers as s
from . import services
from .models import NoticeStatus, PatrolItem, PatrolNotice, PatrolRound


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """网上巡查批次 of the user's supervisor agency and those below; filter ``status``."""

    serializer_class = s.PatrolRoundSerializer

    def get_queryset(self):
        qs = scope(PatrolRound.objects.all(), self.request.user)
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        return qs.prefetch_related("agencies").order_by("-year", "-quarter", "-id")

    @extend_schema(request=None, responses=s.PatrolRoundSerializer)
    @action(detail=True, methods=["post"])
    def sample(self, request, pk=None):
        """随机抽取公示信息并自动检查 (refused unless the round is a draft)."""
        rnd = services.sample(self.get_object(), request.user)
        return Response(s.PatrolRoundSerializer(self.get_queryset().get(pk=rnd.pk)).data)


class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    """巡查条目 of the user's visible agencies; filter ``round``."""

    serializer_class = s.PatrolItemSerializer

    def get_queryset(self):
        qs = scope(PatrolItem.objects.all(), self.request.user)
        if self.request.query_params.get("round", "").isdigit():
            qs = qs.filter(round_id=int(self.request.query_params["round"]))
        return qs.order_by("round_id", "order")

    @extend_schema(request=s.PatrolItemInputSerializer, responses=s.PatrolItemSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the patrol result (once; supervisors of the organising agency)."""
        item = self.get_object()
        body = s.PatrolItemInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        deductions = {
            code: (v["deduction"], v.get("note", ""))
            for code, v in body.validated_data["deductions"].items()
        }
        item = services.submit_item(
            item, request.user, deductions=deductions, comment=body.validated_data["comment"]
        )
        return Response(s.PatrolItemSerializer(item).data)


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """网上巡查整改通知 of the user's visible agencies; filter ``open=1``."""

    serializer_class = s.PatrolNoticeSerializer

    def get_queryset(self):
        qs = scope(PatrolNotice.objects.all(), self.request.user)
        if self.request.query_params.get("open") == "1":
            qs = qs.exclude(status=NoticeStatus.CLOSED)
        return qs.order_by("deadline", "id")

    @extend_schema(request=s.PatrolReportInputSerializer, responses=s.PatrolNoticeSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """整改报告 (the agency's handler or head)."""
        notice = self.get_object()
        body = s.PatrolReportInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notice = services.submit_report(notice, request.user, report=body.validated_data["report"])
        return Response(s.PatrolNoticeSerializer(notice).data)
