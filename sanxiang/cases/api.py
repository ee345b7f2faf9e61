"""REST API of the cases app: list (keyset pagination), create, detail, the on-the-spot
(simple procedure) decision, and one POST endpoint per transition.

Every query goes through ``org.scoping.scope``; every change through ``services``.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.catalog.models import Power
from sanxiang.core.fields import CaseActType, EnforcementField, PartyType
from sanxiang.core.inputs import parse_id, parse_int
from sanxiang.org.models import Agency, Officer
from sanxiang.org.scoping import scope
from sanxiang.workdays.serializers import ProvisionalFlag

from . import actions, services
from .actions import choice
from .listing import filter_cases, scoped_cases
from .models import (
    Case,
    CaseSource,
    DecisionOutcome,
    OpeningStatus,
    Party,
    ServiceMethod,
    Stage,
    WithdrawalKind,
)

# --------------------------------------------------------------------------- serializers


def extend_schema_field_list(serializer_class):
    return extend_schema_field(serializer_class(many=True))


class PartySerializer(serializers.ModelSerializer):
    party_type = choice("CasePartyType", PartyType.choices, read_only=True)

    class Meta:
        model = Party
        fields = [
            "id",
            "party_type",
            "name",
            "id_number",
            "usci",
            "legal_representative",
            "address",
            "phone",
        ]


class CaseListSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    act_type = choice("CaseActType", CaseActType.choices, read_only=True)
    stage = choice("CaseStage", Stage.choices, read_only=True)
    opening_status = choice("CaseOpeningStatus", OpeningStatus.choices, read_only=True)
    field = choice("CaseField", EnforcementField.choices, read_only=True)
    source = choice("CaseSource", CaseSource.choices, read_only=True)
    decision_outcome = choice("CaseDecisionOutcome", DecisionOutcome.choices, read_only=True)
    party_names = serializers.SerializerMethodField()
    deadline_provisional = ProvisionalFlag("deadline")

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "act_type",
            "stage",
            "opening_status",
            "agency",
            "agency_name",
            "field",
            "source",
            "opened_at",
            "created_at",
            "deadline",
            "deadline_provisional",
            "decision_outcome",
            "decision_at",
            "party_names",
        ]

    def get_party_names(self, obj) -> list[str]:
        return [p.name for p in obj.parties.all()]


class HandlerSerializer(serializers.Serializer):
    officer = serializers.IntegerField(source="officer_id")
    name = serializers.CharField(source="officer.name")
    role = serializers.CharField()


class AlertSerializer(serializers.Serializer):
    level = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class TimelineSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    kind_code = serializers.CharField()
    stage = serializers.CharField()
    activity = serializers.CharField()
    summary = serializers.CharField()
    actor_name = serializers.CharField()
    ledger_index = serializers.IntegerField(allow_null=True)
    proof = serializers.CharField()
    documents = serializers.ListField(child=serializers.DictField())
    warnings = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField()
    late_entry = serializers.BooleanField(help_text=_("补录：事后录入的纸质记录"))
    late_reason = serializers.CharField(help_text=_("补录原因"))
    recorded_at = serializers.DateTimeField(
        allow_null=True, help_text=_("录入时间（账本时间为准）；at 为该事项所载日期")
    )


class ActionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    url = serializers.CharField()


class CaseDetailSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    act_type = choice("CaseActType", CaseActType.choices, read_only=True)
    stage = choice("CaseStage", Stage.choices, read_only=True)
    opening_status = choice("CaseOpeningStatus", OpeningStatus.choices, read_only=True)
    field = choice("CaseField", EnforcementField.choices, read_only=True)
    source = choice("CaseSource", CaseSource.choices, read_only=True)
    decision_outcome = choice("CaseDecisionOutcome", DecisionOutcome.choices, read_only=True)
    service_method = choice("CaseServiceMethod", ServiceMethod.choices, read_only=True)
    withdrawal_kind = choice("CaseWithdrawalKind", WithdrawalKind.choices, read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    handlers = HandlerSerializer(many=True, read_only=True)
    alerts = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    deadline_provisional = ProvisionalFlag("deadline")
    statement_deadline_provisional = ProvisionalFlag("statement_deadline")
    hearing_request_deadline_provisional = ProvisionalFlag("hearing_request_deadline")
    service_deadline_provisional = ProvisionalFlag("service_deadline")
    simple_filing_deadline_provisional = ProvisionalFlag("simple_filing_deadline")

    class Meta:
        model = Case
        exclude = ["created_by", "approved_by", "decided_by", "hearing_chair"]

    @extend_schema_field_list(AlertSerializer)
    def get_alerts(self, obj):
        return services.case_alerts(obj)

    @extend_schema_field_list(TimelineSerializer)
    def get_timeline(self, obj):
        return TimelineSerializer(services.timeline(obj), many=True).data

    @extend_schema_field_list(ActionRefSerializer)
    def get_actions(self, obj):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return [
            {"code": a.code, "label": str(a.label), "url": f"/api/cases/{obj.pk}/{a.code}/"}
            for a in services.available_actions(obj, user)
        ]


class ScopedOfficerField(serializers.PrimaryKeyRelatedField):
    """An officer of the agencies the requesting user may see (never another agency's:
    the pick-list does not offer them and an error never names them, issue #11 item 5).
    ``queryset`` is only the model for the schema; ``get_queryset`` is what is used."""

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return Officer.objects.none()
        return scope(Officer.objects.all(), user)


class OpenCaseSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, help_text=_("默认为当前用户所属机关")
    )
    act_type = choice(
        "CaseOpenActType", [c for c in CaseActType.choices if c[0] != CaseActType.PENALTY_SIMPLE]
    )
    title = serializers.CharField(max_length=255)
    source = choice("CaseSource", CaseSource.choices)
    power = serializers.PrimaryKeyRelatedField(
        queryset=Power.objects.all(), required=False, allow_null=True
    )
    field = choice("CaseField", EnforcementField.choices, required=False)
    region = serializers.CharField(required=False, allow_blank=True)
    place = serializers.CharField(required=False, allow_blank=True)
    facts = serializers.CharField(required=False, allow_blank=True)
    source_detail = serializers.CharField(required=False, allow_blank=True)
    found_at = serializers.DateTimeField(required=False, allow_null=True)
    parties = actions.CasePartyIn(many=True, required=False)
    officers = ScopedOfficerField(queryset=Officer.objects.all(), many=True, required=False)


class OnTheSpotSerializer(serializers.Serializer):
    power = serializers.PrimaryKeyRelatedField(queryset=Power.objects.all())
    party = actions.CasePartyIn()
    title = serializers.CharField(max_length=255)
    facts = serializers.CharField()
    basis = serializers.CharField()
    penalty_kinds = choice(
        "CaseSimplePenaltyKinds", [("warning", _("警告")), ("fine", _("罚款"))], True
    )
    fine = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    place = serializers.CharField()
    officers = ScopedOfficerField(queryset=Officer.objects.all(), many=True)
    decided_at = serializers.DateTimeField(required=False, allow_null=True)
    late_reason = actions.late_reason_field()
    paid_on_spot = serializers.BooleanField(required=False, default=False)
    receipt_number = serializers.CharField(required=False, allow_blank=True)


# --------------------------------------------------------------------------- pagination


class KeysetPagination(BasePagination):
    """``?cursor=<id>`` returns the next page of cases with id < cursor, newest first.
    No COUNT(*): the response says only whether there is a next page."""

    default_limit = 50
    max_limit = 200

    def paginate_queryset(self, queryset, request, view=None):
        limit = parse_int(
            request.query_params.get("limit"), self.default_limit, low=1, high=self.max_limit
        )
        cursor = parse_id(request.query_params.get("cursor"))
        if cursor is not None:
            queryset = queryset.filter(id__lt=cursor)
        rows = list(queryset.order_by("-id")[: limit + 1])
        self.has_next = len(rows) > limit
        rows = rows[:limit]
        self.next_cursor = rows[-1].pk if self.has_next and rows else None
        self.request = request
        return rows

    def get_paginated_response(self, data):
        next_url = None
        if self.next_cursor is not None:
            params = self.request.query_params.copy()
            params["cursor"] = str(self.next_cursor)
            next_url = self.request.build_absolute_uri(f"?{params.urlencode()}")
        return Response({"next": next_url, "next_cursor": self.next_cursor, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "next_cursor": {"type": "integer", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "上一页最后一条的 id",
                "schema": {"type": "integer"},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": "每页条数（≤200）",
                "schema": {"type": "integer"},
            },
        ]


def list_queryset(user, params):
    qs = (
        scoped_cases(user)
        .select_related("agency")
        .prefetch_related(Prefetch("parties", queryset=Party.objects.only("id", "case_id", "name")))
    )
    return filter_cases(qs, params)


def get_case(user, pk):
    qs = scope(Case.objects.select_related("agency"), user).prefetch_related(
        "parties", "handlers__officer"
    )
    return get_object_or_404(qs, pk=pk)


# --------------------------------------------------------------------------- views


class CaseListCreate(APIView):
    pagination_class = KeysetPagination

    @extend_schema(
        operation_id="cases_list",
        summary="案件列表",
        parameters=[
            OpenApiParameter("stage", str, enum=Stage.values, required=False),
            OpenApiParameter("act_type", str, enum=CaseActType.values, required=False),
            OpenApiParameter("agency", int, required=False),
            OpenApiParameter("q", str, required=False, description="案件编号或案由"),
            OpenApiParameter("cursor", int, required=False, description="上一页最后一条的 id"),
            OpenApiParameter("limit", int, required=False, description="每页条数（≤200）"),
        ],
        responses=inline_serializer(
            "PaginatedCaseList",
            {
                "next": serializers.CharField(allow_null=True),
                "next_cursor": serializers.IntegerField(allow_null=True),
                "results": CaseListSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        paginator = KeysetPagination()
        rows = paginator.paginate_queryset(
            list_queryset(request.user, request.query_params), request, self
        )
        return paginator.get_paginated_response(CaseListSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="cases_create",
        summary="登记案源并提请立案",
        request=OpenCaseSerializer,
        responses={201: CaseDetailSerializer},
    )
    def post(self, request):
        ser = OpenCaseSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        agency = data.pop("agency", None) or request.user.agency
        if agency is None:
            return Response({"detail": str(_("请指定机关。"))}, status=400)
        case = services.open_case(agency=agency, actor=request.user, **data)
        case = get_case(request.user, case.pk)
        return Response(
            CaseDetailSerializer(case, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class OnTheSpot(APIView):
    @extend_schema(
        operation_id="cases_on_the_spot",
        summary="简易程序：当场作出行政处罚决定",
        request=OnTheSpotSerializer,
        responses={201: CaseDetailSerializer},
    )
    def post(self, request):
        ser = OnTheSpotSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        if request.user.agency is None:
            return Response({"detail": str(_("请指定机关。"))}, status=400)
        case = services.decide_on_the_spot(
            agency=request.user.agency, actor=request.user, **ser.validated_data
        )
        case = get_case(request.user, case.pk)
        return Response(
            CaseDetailSerializer(case, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CaseDetail(APIView):
    @extend_schema(
        operation_id="cases_retrieve",
        summary="案件详情（含时间线、预警、可办事项）",
        responses=CaseDetailSerializer,
    )
    def get(self, request, pk):
        case = get_case(request.user, pk)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)


def _make_action_view(code):
    action = services.ACTIONS_BY_CODE[code]
    request_cls, _runner = actions.RUNNERS[code]

    class ActionView(APIView):
        @extend_schema(
            operation_id=f"cases_{code}",
            summary=str(action.label),
            request=request_cls if request_cls is not actions.CaseEmptyIn else None,
            responses={200: CaseDetailSerializer},
            tags=["cases-actions"],
        )
        def post(self, request, pk):
            case = get_case(request.user, pk)
            ser = actions.serializer_for(code, case, request.data)
            ser.is_valid(raise_exception=True)
            actions.run(code, case, request.user, ser.validated_data)
            case = get_case(request.user, pk)
            return Response(CaseDetailSerializer(case, context={"request": request}).data)

    ActionView.__name__ = "".join(p.title() for p in code.split("_")) + "Action"
    ActionView.__qualname__ = ActionView.__name__
    return ActionView


class CaseExport(APIView):
    @extend_schema(
        operation_id="cases_export",
        summary="导出案卷（BagIt 归档包，zip）",
        description="音像记录文件仅在导出人有权下载（复制）时随附，每个随附文件记入调阅日志"
        "和账本（records.accessed）；未随附的在 data/recordings/manifest.json 中列明 "
        "SHA-256、大小和原因。",
        request=None,
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def post(self, request, pk):
        from django.http import FileResponse

        from .archive import open_case_bag_zip

        case = get_case(request.user, pk)
        handle, name = open_case_bag_zip(case, actor=request.user)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=name,
            content_type="application/zip",
        )
        response["Cache-Control"] = "private, no-store"
        return response


ACTION_VIEWS = {code: _make_action_view(code) for code in actions.RUNNERS}
