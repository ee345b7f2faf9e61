"""Open data API (read-only, AllowAny): published decision snapshots only.

Mounted at /api/publicity/. Lists are paginated and filterable like the portal search.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.core.inputs import MAX_DB_INT, parse_int, parse_page

from . import search
from .models import Snapshot, SnapshotState
from .public_views import _filters
from .serializers import DecisionDetailSerializer, DecisionListSerializer, WithdrawnSerializer

FILTER_PARAMS = [
    OpenApiParameter("q", str, description="全文检索词（中文分词）"),
    OpenApiParameter("agency", int, description="执法机关ID"),
    OpenApiParameter("category", str, description="执法行为类别，如 penalty、licensing"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="决定日期自"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="决定日期至"),
    OpenApiParameter("party", str, description="行政相对人名称（包含）"),
    OpenApiParameter("usci", str, description="统一社会信用代码"),
    OpenApiParameter("number", str, description="决定文书号（包含）"),
    OpenApiParameter("page", int, description="页码"),
]


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class DecisionPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    count_is_lower_bound = serializers.BooleanField(
        help_text="常见词命中过多时为 true：count 为下限，结果按决定日期从新到旧"
    )
    ranked = serializers.BooleanField(help_text="结果按相关度排序")
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = DecisionListSerializer(many=True)


class DecisionList(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="公示中的执法决定 published decisions",
        operation_id="publicity_decisions_list",
        parameters=FILTER_PARAMS
        + [OpenApiParameter("page_size", int, description="每页条数（≤100）")],
        responses=DecisionPageSerializer,
    )
    def get(self, request):
        filters = _filters(request.query_params)
        page = parse_page(request.query_params.get("page"))
        size = parse_int(request.query_params.get("page_size"), 20, low=1, high=100)
        result = search.search_page(filters, page=page, per_page=size)
        return Response(
            {
                "count": result.total,
                "count_is_lower_bound": result.capped,
                "ranked": result.ranked,
                "page": page,
                "page_size": size,
                "results": DecisionListSerializer(result.rows, many=True).data,
            }
        )


class DecisionDetail(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="执法决定公示详情 decision detail",
        operation_id="publicity_decisions_detail",
        responses=DecisionDetailSerializer,
    )
    def get(self, request, publication_id):
        if publication_id > MAX_DB_INT:
            raise Http404
        snap = (
            Snapshot.objects.filter(search.public_q(), publication_id=publication_id)
            .order_by("-version")
            .first()
        )
        if snap is None:
            raise Http404
        return Response(DecisionDetailSerializer(snap).data)


class WithdrawnList(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = WithdrawnSerializer
    pagination_class = Pagination

    @extend_schema(summary="已撤下的执法决定 withdrawn decisions")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Snapshot.objects.filter(state=SnapshotState.WITHDRAWN).order_by(
            "-withdrawn_on", "-id"
        )
