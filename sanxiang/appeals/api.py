"""REST API of 行政复议 / 行政诉讼 (scoped to the user's visible agencies).

Reads: ``appeals/`` (filters ``kind``, ``status``, ``outcome``, ``agency``, ``case``) and
``appeals/figures/?year=`` (被复议率、被诉率、被纠错率 per visible agency). Writes go through
the same services as the workbench: ``POST appeals/`` (record), ``POST appeals/{id}/accept/``,
``POST appeals/{id}/extend/``; the outcome with its document is recorded on the workbench
page (multipart upload).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sanxiang.cases.actions import choice
from sanxiang.org.models import AgencyKind
from sanxiang.org.scoping import scope, visible_agencies

from . import services
from .models import Appeal, AppealKind, AppealStatus, Outcome


class AppealSerializer(serializers.ModelSerializer):
    kind = choice("AppealKind", AppealKind.choices, read_only=True)
    status = choice("AppealStatus", AppealStatus.choices, read_only=True)
    outcome = choice("AppealOutcome", Outcome.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    corrected = serializers.BooleanField(read_only=True)
    document_sha256 = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = [
            "id",
            "agency",
            "case",
            "kind",
            "kind_label",
            "body",
            "reference",
            "prior",
            "known_on",
            "prior_received_on",
            "applied_on",
            "application_deadline",
            "late_application",
            "simple_procedure",
            "accepted_on",
            "acceptance_deadline",
            "extension_days",
            "decision_deadline",
            "status",
            "status_label",
            "outcome",
            "outcome_label",
            "redo_ordered",
            "decided_on",
            "decided_late",
            "corrected",
            "changed_conclusion",
            "document_sha256",
        ]

    def get_document_sha256(self, obj) -> list[str]:
        return [d.sha256 for d in obj.documents.all()]


class AppealInputSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    kind = choice("AppealKind", AppealKind.choices)
    body = serializers.CharField(max_length=200)
    applied_on = serializers.DateField()
    known_on = serializers.DateField(required=False, allow_null=True)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    applicant = serializers.CharField(max_length=100, required=False, allow_blank=True)
    prior = serializers.IntegerField(required=False, allow_null=True)
    prior_received_on = serializers.DateField(required=False, allow_null=True)
    simple_procedure = serializers.BooleanField(required=False, default=False)


class AppealAcceptSerializer(serializers.Serializer):
    accepted_on = serializers.DateField()


class AppealExtendSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=30)
    note = serializers.CharField(max_length=500)


class AppealFigureSerializer(serializers.Serializer):
    agency_id = serializers.IntegerField()
    agency = serializers.CharField()
    year = serializers.IntegerField()
    decisions = serializers.IntegerField()
    reconsidered = serializers.IntegerField()
    litigated = serializers.IntegerField()
    corrected = serializers.IntegerField()
    reconsideration_rate = serializers.FloatField(allow_null=True)
    litigation_rate = serializers.FloatField(allow_null=True)
    correction_rate = serializers.FloatField(allow_null=True)


class AppealViewSet(viewsets.ReadOnlyModelViewSet):
    """行政复议 / 行政诉讼 records of the user's visible agencies."""

    serializer_class = AppealSerializer

    def get_queryset(self):
        qs = scope(Appeal.objects.all(), self.request.user).prefetch_related("documents")
        p = self.request.query_params
        if p.get("kind") in AppealKind.values:
            qs = qs.filter(kind=p["kind"])
        if p.get("status") in AppealStatus.values:
            qs = qs.filter(status=p["status"])
        if p.get("outcome") in Outcome.values:
            qs = qs.filter(outcome=p["outcome"])
        for key in ("agency", "case"):
            if p.get(key, "").isdigit():
                qs = qs.filter(**{f"{key}_id": int(p[key])})
        return qs.order_by("-applied_on", "-id")

    @extend_schema(request=AppealInputSerializer, responses={201: AppealSerializer})
    def create(self, request):
        """Record a 复议 application or a 诉讼 filing against a decided case."""
        from sanxiang.cases.models import Case

        body = AppealInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        case = get_object_or_404(scope(Case.objects.all(), request.user), pk=data.pop("case"))
        prior = data.pop("prior", None)
        if prior:
            prior = get_object_or_404(self.get_queryset(), pk=prior)
        appeal = services.record_appeal(case, request.user, prior=prior or None, **data)
        return Response(AppealSerializer(appeal).data, status=201)

    @extend_schema(request=AppealAcceptSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """受理 / 立案."""
        body = AppealAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        appeal = services.accept(self.get_object(), request.user, **body.validated_data)
        return Response(AppealSerializer(appeal).data)

    @extend_schema(request=AppealExtendSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """延长复议期限 (行政复议法第六十二条, at most 30 days in total)."""
        body = AppealExtendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        appeal = services.extend(self.get_object(), request.user, **body.validated_data)
        return Response(AppealSerializer(appeal).data)

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="年度，默认今年")],
        responses=AppealFigureSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def figures(self, request):
        """被复议率、被诉率、被纠错率 per visible enforcement agency for ``year``."""
        year = services.figures_year(request.query_params.get("year"))
        agencies = visible_agencies(request.user).exclude(kind=AgencyKind.SUPERVISOR)
        rows = services.appeal_figures(agencies.order_by("path"), year)
        return Response(AppealFigureSerializer(rows, many=True).data)
