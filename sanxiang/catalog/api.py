"""Read API of the catalogues (scoped to the user's visible agencies).

Item lists default to the versions in force today for the visible agencies (and their
ancestors' region-wide catalogues); ``?on_date=YYYY-MM-DD`` asks another date, ``?agency=ID``
one agency, ``?version=ID`` one visible version (drafts included for the own agency).
"""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.models import Agency
from sanxiang.org.scoping import can_see_agency

from . import services
from .discretion import check_penalty, describe_range
from .models import (
    CatalogKind,
    CatalogVersion,
    DiscretionBenchmark,
    DiscretionTier,
    MajorDecisionRule,
    Power,
)

ITEM_PARAMS = [
    OpenApiParameter("on_date", OpenApiTypes.DATE, description="生效日期（默认今天）"),
    OpenApiParameter("agency", OpenApiTypes.INT, description="机关ID"),
    OpenApiParameter("version", OpenApiTypes.INT, description="版本ID（含本机关草稿）"),
]


class VersionRefSerializer(serializers.ModelSerializer):
    # plain strings (the choice sets are documented in help_text) to avoid enum-name clashes
    kind = serializers.CharField(
        read_only=True, help_text="目录类别：" + "、".join(CatalogKind.values)
    )
    status = serializers.CharField(read_only=True, help_text="draft（草稿）、published（已发布）")

    class Meta:
        model = CatalogVersion
        fields = [
            "id",
            "agency",
            "kind",
            "number",
            "status",
            "effective_from",
            "effective_to",
            "content_hash",
        ]


class VersionSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        read_only=True, help_text="目录类别：" + "、".join(CatalogKind.values)
    )
    status = serializers.CharField(read_only=True, help_text="draft（草稿）、published（已发布）")
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CatalogVersion
        fields = [
            "id",
            "agency",
            "agency_name",
            "kind",
            "kind_display",
            "number",
            "status",
            "effective_from",
            "effective_to",
            "note",
            "content_hash",
            "published_at",
        ]


class PowerSerializer(serializers.ModelSerializer):
    version = VersionRefSerializer(read_only=True)
    act_type_display = serializers.CharField(source="get_act_type_display", read_only=True)
    field_display = serializers.CharField(source="get_field_display", read_only=True)

    class Meta:
        model = Power
        fields = [
            "id",
            "agency",
            "version",
            "code",
            "name",
            "act_type",
            "act_type_display",
            "field",
            "field_display",
            "legal_basis",
            "legal_refs",
            "procedure",
            "time_limit_days",
            "time_limit_note",
            "responsible_unit",
        ]


class TierSerializer(serializers.ModelSerializer):
    range_text = serializers.SerializerMethodField()

    class Meta:
        model = DiscretionTier
        fields = [
            "id",
            "order",
            "name",
            "conditions",
            "standard",
            "fine_basis",
            "base_label",
            "fine_min",
            "fine_max",
            "penalty_kinds",
            "remark",
            "range_text",
        ]

    def get_range_text(self, tier) -> str:
        return describe_range(tier)


class BenchmarkSerializer(serializers.ModelSerializer):
    version = VersionRefSerializer(read_only=True)
    tiers = TierSerializer(many=True, read_only=True)

    class Meta:
        model = DiscretionBenchmark
        fields = [
            "id",
            "agency",
            "version",
            "code",
            "violation",
            "law_title",
            "legal_basis",
            "power_code",
            "tiers",
        ]


class MajorRuleSerializer(serializers.ModelSerializer):
    version = VersionRefSerializer(read_only=True)
    text = serializers.SerializerMethodField()

    class Meta:
        model = MajorDecisionRule
        fields = [
            "id",
            "agency",
            "version",
            "code",
            "act_type",
            "case_act_type",
            "field",
            "level",
            "condition",
            "party_types",
            "amount",
            "inclusive",
            "penalty_kind",
            "flag",
            "text",
            "quote",
        ]

    def get_text(self, rule) -> str:
        return rule.describe()


class CheckQuerySerializer(serializers.Serializer):
    fine = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    base_amount = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    penalty_kinds = serializers.CharField(required=False, help_text="逗号分隔的处罚种类代码")


class CheckResultSerializer(serializers.Serializer):
    within = serializers.BooleanField()
    reason = serializers.CharField()
    minimum = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    maximum = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)


def _date_param(request):
    raw = request.query_params.get("on_date")
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            _("日期格式应为YYYY-MM-DD：%(d)s") % {"d": raw}, code=ErrorCode.BAD_FORMAT
        ) from None


class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    kind = None
    model = None

    def versions(self):
        request = self.request
        user = request.user
        visible = services.visible_versions(user).filter(kind=self.kind)
        if self.action != "list":
            return visible
        version_id = request.query_params.get("version")
        if version_id:
            if not str(version_id).isdigit():
                raise DomainError(_("版本ID应为整数。"), code=ErrorCode.BAD_FORMAT)
            return visible.filter(pk=int(version_id))
        agency = None
        agency_id = request.query_params.get("agency")
        if agency_id:
            if not str(agency_id).isdigit() or not can_see_agency(user, int(agency_id)):
                return CatalogVersion.objects.none()
            agency = get_object_or_404(Agency, pk=int(agency_id))
        current = services.current_versions_for(user, self.kind, _date_param(request), agency)
        return visible.filter(pk__in=current.values("pk"))

    def get_queryset(self):
        return (
            self.model.objects.filter(version__in=self.versions())
            .select_related("version")
            .order_by("version_id", "code", "id")
        )


@extend_schema_view(list=extend_schema(parameters=ITEM_PARAMS))
class PowerViewSet(ItemViewSet):
    """执法事项清单."""

    kind = CatalogKind.POWERS
    model = Power
    serializer_class = PowerSerializer


@extend_schema_view(list=extend_schema(parameters=ITEM_PARAMS))
class BenchmarkViewSet(ItemViewSet):
    """裁量基准 with their tiers."""

    kind = CatalogKind.DISCRETION
    model = DiscretionBenchmark
    serializer_class = BenchmarkSerializer

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tiers")

    @extend_schema(
        parameters=[
            CheckQuerySerializer,
            OpenApiParameter("tier", OpenApiTypes.INT, required=True, description="档次ID"),
        ],
        responses=CheckResultSerializer,
    )
    @action(detail=True, methods=["get"], url_path="check")
    def check(self, request, pk=None):
        """Check a proposed penalty against a tier of this benchmark."""
        benchmark = self.get_object()
        tier_id = request.query_params.get("tier", "")
        if not tier_id.isdigit():
            raise DomainError(_("请指定裁量档次（tier）。"), code=ErrorCode.REQUIRED)
        tier = get_object_or_404(DiscretionTier, pk=int(tier_id), benchmark=benchmark)
        query = CheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        kinds = [k for k in (data.get("penalty_kinds") or "").split(",") if k]
        result = check_penalty(
            tier, fine=data.get("fine"), base_amount=data.get("base_amount"), penalty_kinds=kinds
        )
        return Response(CheckResultSerializer(result).data)


@extend_schema_view(list=extend_schema(parameters=ITEM_PARAMS))
class MajorRuleViewSet(ItemViewSet):
    """重大执法决定法制审核目录."""

    kind = CatalogKind.MAJOR
    model = MajorDecisionRule
    serializer_class = MajorRuleSerializer


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=CatalogKind.values)]
    )
)
class VersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Catalogue versions the user may see (own drafts, published ones)."""

    serializer_class = VersionSerializer

    def get_queryset(self):
        qs = services.visible_versions(self.request.user).order_by("agency_id", "kind", "-number")
        kind = self.request.query_params.get("kind")
        if kind:
            qs = qs.filter(kind=kind)
        return qs
