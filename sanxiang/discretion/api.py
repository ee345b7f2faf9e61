"""REST API of the discretion consistency check (mounted under /api/discretion/)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.cases.models import Case
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.scoping import scope

from . import services
from .views import applicable_tiers


class ScopeStatsSerializer(serializers.Serializer):
    label = serializers.CharField()
    n = serializers.IntegerField()
    min = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    q1 = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    median = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    q3 = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    max = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)


class DistributionSerializer(serializers.Serializer):
    agency = ScopeStatsSerializer()
    county = ScopeStatsSerializer()
    all = ScopeStatsSerializer()


class CheckSerializer(serializers.Serializer):
    applicable = serializers.BooleanField()
    fine = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    tier = serializers.IntegerField(source="tier.pk", required=False)
    benchmark_code = serializers.CharField(required=False)
    tier_name = serializers.CharField(required=False)
    within_tier = serializers.BooleanField(required=False)
    tier_min = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True
    )
    tier_max = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True
    )
    distribution = DistributionSerializer(required=False)
    reference_scope = serializers.CharField(required=False, allow_blank=True)
    min_comparables = serializers.IntegerField(required=False)
    outside_iqr = serializers.BooleanField(required=False, allow_null=True)
    flagged = serializers.BooleanField()
    flags = serializers.ListField(child=serializers.CharField())


class AssessmentInputSerializer(serializers.Serializer):
    tier = serializers.IntegerField(help_text="裁量档次ID")
    base_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    tier = serializers.IntegerField(source="tier_id")
    benchmark_code = serializers.CharField()
    tier_name = serializers.CharField()
    fine = serializers.DecimalField(max_digits=14, decimal_places=2)
    within_tier = serializers.BooleanField(allow_null=True)
    outside_iqr = serializers.BooleanField(allow_null=True)
    flagged = serializers.BooleanField()
    flags = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()
    created_by_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    ledger_index = serializers.IntegerField(allow_null=True)


def _case(request, case_id):
    return get_object_or_404(
        scope(Case.objects.select_related("agency", "power"), request.user), pk=case_id
    )


def _tier(case, tier_id):
    tier = next((t for t in applicable_tiers(case) if str(t.pk) == str(tier_id)), None)
    if tier is None:
        raise DomainError("请选择本机关适用的已发布裁量档次。", code=ErrorCode.REQUIRED)
    return tier


class CaseCheckView(APIView):
    """GET: the proposed fine against a tier and the comparable decisions (nothing stored).
    POST: record the check, with the written reason when it is flagged (ledgered)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("tier", int, required=True, description="裁量档次ID"),
            OpenApiParameter("base_amount", str, required=False, description="计算基数金额"),
        ],
        responses=CheckSerializer,
    )
    def get(self, request, case_id):
        case = _case(request, case_id)
        tier = _tier(case, request.query_params.get("tier"))
        result = services.evaluate(case, tier, request.query_params.get("base_amount") or None)
        return Response(CheckSerializer(result).data)

    @extend_schema(request=AssessmentInputSerializer, responses={201: AssessmentSerializer})
    def post(self, request, case_id):
        case = _case(request, case_id)
        body = AssessmentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        assessment = services.record_assessment(
            case,
            request.user,
            tier=_tier(case, data["tier"]),
            base_amount=data.get("base_amount"),
            reason=data.get("reason", ""),
        )
        return Response(AssessmentSerializer(assessment).data, status=201)
