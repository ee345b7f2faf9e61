"""REST API of 投诉举报 (scoped to the user's visible agencies; reviewers have no access).

Reads: complaints (list, detail). Writes: ``POST complaints/{id}/accept|reject|transfer|
conclude/``, through the same services as the workbench.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sanxiang.org.models import Agency

from . import serializers as s
from . import services
from .models import Complaint


class ComplaintViewSet(viewsets.ReadOnlyModelViewSet):
    """投诉举报 of the user's agencies; filters ``status``, ``overdue=1``."""

    def get_serializer_class(self):
        return s.ComplaintSerializer if self.action == "list" else s.ComplaintDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Complaint.objects.none()
        qs = services.visible_complaints(self.request.user)
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        return qs.order_by("-submitted_at", "-id")

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        if request.query_params.get("overdue") == "1":
            ids = [c.pk for c in qs if (d := services.deadline(c)) and d.overdue]
            qs = qs.filter(pk__in=ids)
        page = self.paginate_queryset(qs)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response(self.get_serializer(qs, many=True).data)

    def _done(self, complaint):
        return Response(s.ComplaintDetailSerializer(self.get_queryset().get(pk=complaint.pk)).data)

    @extend_schema(request=None, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """受理 (handler or head of the handling agency; only while submitted)."""
        return self._done(services.accept(self.get_object(), request.user))

    @extend_schema(request=s.ComplaintRejectInputSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """不予受理 with a required reason (only while submitted)."""
        body = s.ComplaintRejectInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        complaint = self.get_object()
        return self._done(services.reject(complaint, request.user, body.validated_data["reason"]))

    @extend_schema(request=s.ComplaintTransferInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """转办 to another enforcement agency (head of the handling agency or a supervisor)."""
        body = s.ComplaintTransferInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        complaint = self.get_object()
        to_agency = Agency.objects.filter(pk=body.validated_data["to_agency"]).first()
        complaint = services.transfer(
            complaint, request.user, to_agency, body.validated_data["reason"]
        )
        # The transferring head may no longer see it: answer without personal data.
        return Response(s.ComplaintSerializer(complaint).data)

    @extend_schema(
        request=s.ComplaintConcludeInputSerializer, responses=s.ComplaintDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        """办结 with a result and a reply (only once accepted); final."""
        body = s.ComplaintConcludeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        complaint = services.conclude(
            self.get_object(),
            request.user,
            result=body.validated_data["result"],
            reply=body.validated_data["reply"],
        )
        return self._done(complaint)
