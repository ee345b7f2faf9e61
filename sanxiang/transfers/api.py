"""REST API of 涉嫌犯罪案件移送 (scoped to the user's visible agencies).

Reads: ``transfers/`` (filters ``status``, ``agency``, ``case``). Writes through the same
services as the workbench: ``POST transfers/`` (the head approves and records the transfer),
``POST transfers/{id}/reply/`` (立案 / 不予立案), ``POST transfers/{id}/return/``.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sanxiang.cases.actions import choice
from sanxiang.org.scoping import scope

from . import services
from .models import PoliceDecision, PoliceTransfer, TransferStatus


class PoliceTransferSerializer(serializers.ModelSerializer):
    status = choice("PoliceTransferStatus", TransferStatus.choices, read_only=True)
    decision = choice("PoliceDecision", PoliceDecision.choices, read_only=True)
    reconsideration_decision = choice("PoliceDecision", PoliceDecision.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    flags = serializers.SerializerMethodField()

    class Meta:
        model = PoliceTransfer
        exclude = ["recorded_by", "approved_by"]

    def get_flags(self, obj) -> list[str]:
        return [str(f) for f in services.flags(obj)]


class PoliceTransferInputSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    reported_on = serializers.DateField()
    approved_on = serializers.DateField()
    police_authority = serializers.CharField(max_length=200, required=False, allow_blank=True)
    transferred_on = serializers.DateField(required=False, allow_null=True)
    received_on = serializers.DateField(required=False, allow_null=True)
    materials = serializers.ListField(child=serializers.CharField(), required=False)
    case_summary = serializers.CharField(required=False, allow_blank=True)


class PoliceReplySerializer(serializers.Serializer):
    decision = choice("PoliceDecision", PoliceDecision.choices)
    notified_on = serializers.DateField()
    reasons = serializers.CharField(required=False, allow_blank=True)


class PoliceReturnSerializer(serializers.Serializer):
    returned_on = serializers.DateField()
    note = serializers.CharField()


class TransferViewSet(viewsets.ReadOnlyModelViewSet):
    """Transfers to the police of the user's visible agencies."""

    serializer_class = PoliceTransferSerializer

    def get_queryset(self):
        qs = scope(PoliceTransfer.objects.all(), self.request.user)
        p = self.request.query_params
        if p.get("status") in TransferStatus.values:
            qs = qs.filter(status=p["status"])
        for key in ("agency", "case"):
            if p.get(key, "").isdigit():
                qs = qs.filter(**{f"{key}_id": int(p[key])})
        return qs.order_by("-transferred_on", "-id")

    @extend_schema(request=PoliceTransferInputSerializer, responses={201: PoliceTransferSerializer})
    def create(self, request):
        """第五条: the head approves the written report and records the transfer."""
        from sanxiang.cases.models import Case

        body = PoliceTransferInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        case = get_object_or_404(scope(Case.objects.all(), request.user), pk=data.pop("case"))
        transfer = services.record_transfer(case, request.user, **data)
        return Response(PoliceTransferSerializer(transfer).data, status=201)

    @extend_schema(request=PoliceReplySerializer, responses=PoliceTransferSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """第八条: the police's 立案 / 不予立案 notice."""
        body = PoliceReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        t = services.record_reply(self.get_object(), request.user, **body.validated_data)
        return Response(PoliceTransferSerializer(t).data)

    @extend_schema(request=PoliceReturnSerializer, responses=PoliceTransferSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_case(self, request, pk=None):
        """第十条: a case not accepted comes back for administrative handling (head)."""
        body = PoliceReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        t = services.return_case(self.get_object(), request.user, **body.validated_data)
        return Response(PoliceTransferSerializer(t).data)
