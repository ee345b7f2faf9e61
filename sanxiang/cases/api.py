"""REST API of the cases app: list (DRF cursor pagination, django-filter FilterSet),
create, detail, the on-the-spot (simple procedure) decision, and one POST endpoint per transition.

Every query goes through ``org.scoping.scope``; every change through ``services``.
"""

from base64 import b64decode
from urllib.parse import parse_qs, urlsplit

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.catalog.models import Power
from sanxiang.core.api_filters import FilterBackend
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import CaseActType, EnforcementField, PartyType
from sanxiang.core.inputs import parse_id
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


class CasePagination(CursorPagination):
    """DRF's cursor pagination, newest first by ``id`` (the ``(agency, …, -id)`` indexes):
    ``?cursor=`` is the opaque cursor of the ``next`` link, ``?limit=`` the page size
    (≤200). No COUNT(*): the response says only whether there is a next page."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200

    def decode_cursor(self, request):
        """DRF's cursor, refused with 400 ``bad_format`` when it is not one this endpoint
        handed out: not strict base64 of DRF's ``o``/``r``/``p`` fields (DRF answers 404
        ``Invalid cursor``, or silently the first page for what its lenient base64 decoder
        skips), or a position that is not an id (it would otherwise reach the database)."""
        refused = DomainError(
            _("翻页游标（cursor）无效：请使用上一页响应中的 next 或 next_cursor。"),
            code=ErrorCode.BAD_FORMAT,
        )
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded:
            try:
                text = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
                fields = parse_qs(text, keep_blank_values=True, strict_parsing=True)
            except ValueError:  # binascii.Error and UnicodeError are ValueErrors
                raise refused from None
            if not fields or not set(fields) <= {"o", "r", "p"}:
                raise refused
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise refused from None
        if cursor is not None and cursor.position is not None and parse_id(cursor.position) is None:
            raise refused
        return cursor

    def get_paginated_response(self, data):
        next_url = self.get_next_link()
        next_cursor = None
        if next_url:
            next_cursor = parse_qs(urlsplit(next_url).query).get(self.cursor_query_param, [None])[0]
        return Response({"next": next_url, "next_cursor": next_cursor, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "next_cursor": {"type": "string", "nullable": True},
                "results": schema,
            },
        }


class AgencyFilter(django_filters.ModelChoiceFilter):
    """``?agency=<id>``: an agency that exists (else 400 ``bad_filter``); the rows are
    still limited to the user's scope by the queryset."""


class CaseFilter(django_filters.FilterSet):
    """The list's query parameters (the workbench list applies the same through
    ``listing.filter_cases``)."""

    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    act_type = django_filters.ChoiceFilter(choices=CaseActType.choices)
    agency = AgencyFilter(
        queryset=Agency.objects.all(),
        label="机关ID",
        error_messages={"invalid_choice": _("机关ID无效或该机关不存在。")},
    )
    q = django_filters.CharFilter(method="search", label="案件编号或案由")

    class Meta:
        model = Case
        fields = ["stage", "act_type", "agency", "q"]

    def search(self, queryset, name, value):
        return filter_cases(queryset, {"q": value})


def list_queryset(user):
    return (
        scoped_cases(user)
        .select_related("agency")
        .prefetch_related(Prefetch("parties", queryset=Party.objects.only("id", "case_id", "name")))
    )


def get_case(user, pk):
    qs = scope(Case.objects.select_related("agency"), user).prefetch_related(
        "parties", "handlers__officer"
    )
    return get_object_or_404(qs, pk=pk)


# --------------------------------------------------------------------------- views


class CaseListCreate(GenericAPIView):
    pagination_class = CasePagination
    filter_backends = [FilterBackend]
    filterset_class = CaseFilter
    serializer_class = CaseListSerializer

    def get_queryset(self):
        return list_queryset(self.request.user)

    @extend_schema(
        operation_id="cases_list",
        summary="案件列表",
        responses=CaseListSerializer(many=True),
    )
    def get(self, request):
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CaseListSerializer(rows, many=True).data)

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
            raise DomainError(_("请指定机关。"), code=ErrorCode.REQUIRED)
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
            raise DomainError(_("请指定机关。"), code=ErrorCode.REQUIRED)
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
