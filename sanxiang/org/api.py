from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .models import Certificate, Officer
from .scoping import scope, visible_agencies
from .serializers import (
    AgencySerializer,
    CertificateActionSerializer,
    CertificateSerializer,
    MayEnforceQuerySerializer,
    MayEnforceResultSerializer,
    OfficerSerializer,
)


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """Agencies the user may see (its own; a supervisor its subtree)."""

    serializer_class = AgencySerializer

    def get_queryset(self):
        return visible_agencies(self.request.user).order_by("path")


class OfficerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OfficerSerializer

    def get_queryset(self):
        qs = Officer.objects.prefetch_related("certificates").order_by("id")
        return scope(qs, self.request.user)


class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CertificateSerializer

    def get_queryset(self):
        return scope(Certificate.objects.order_by("number"), self.request.user)

    @extend_schema(request=CertificateActionSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        """Suspend, reinstate or revoke (administrator or supervisor), with a reason."""
        cert = self.get_object()
        body = CertificateActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cert = services.change_certificate_status(
            cert,
            body.validated_data["action"],
            reason=body.validated_data["reason"],
            actor=request.user,
        )
        return Response(CertificateSerializer(cert).data)


class MayEnforceView(APIView):
    """May this officer enforce field F in region R on date D? With the reason when not."""

    @extend_schema(parameters=[MayEnforceQuerySerializer], responses=MayEnforceResultSerializer)
    def get(self, request):
        query = MayEnforceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        officer = get_object_or_404(scope(Officer.objects.all(), request.user), pk=data["officer"])
        check = services.may_enforce(officer, data["field"], data["region"], data.get("date"))
        return Response(
            {
                "allowed": check.allowed,
                "reason": check.reason,
                "certificate": check.certificate.number if check.certificate else None,
            }
        )
