"""REST API of 智能辅助 (mounted under /api/assist/): article suggestions and similar decisions."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services


class AssistQuerySerializer(serializers.Serializer):
    facts = serializers.CharField(max_length=5000, help_text="违法事实")
    catalog_item = serializers.IntegerField(required=False, allow_null=True, help_text="执法事项ID")
    agency = serializers.IntegerField(required=False, allow_null=True, help_text="机关ID")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)


class AssistArticleSerializer(serializers.Serializer):
    law = serializers.CharField()
    article = serializers.CharField()
    score = serializers.FloatField()
    why = serializers.ListField(child=serializers.CharField())
    id = serializers.IntegerField(allow_null=True)


class AssistArticlesSerializer(serializers.Serializer):
    results = AssistArticleSerializer(many=True)


class AssistSimilarSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="case（本机关案件）或 published（已公示决定）")
    id = serializers.IntegerField()
    title = serializers.CharField()
    number = serializers.CharField(allow_blank=True)
    agency = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)
    fine = serializers.CharField(allow_null=True)
    articles = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField()
    score = serializers.FloatField()
    why = serializers.ListField(child=serializers.CharField())


class AssistSimilarListSerializer(serializers.Serializer):
    results = AssistSimilarSerializer(many=True)


def _args(request):
    body = AssistQuerySerializer(data=request.data)
    body.is_valid(raise_exception=True)
    v = body.validated_data
    return v["facts"], v.get("catalog_item"), v.get("agency"), v.get("limit") or 10


class ArticlesView(APIView):
    """推荐法律条款: BM25 over the corpus, boosted by the catalogue item and similar decisions."""

    @extend_schema(request=AssistQuerySerializer, responses=AssistArticlesSerializer)
    def post(self, request):
        facts, item, agency, limit = _args(request)
        results = services.recommend_articles(
            request.user, facts, catalog_item=item, agency=agency, limit=limit
        )
        return Response({"results": AssistArticleSerializer(results, many=True).data})


class SimilarView(APIView):
    """相似案例: the user's agencies' decided cases and all published decisions."""

    @extend_schema(request=AssistQuerySerializer, responses=AssistSimilarListSerializer)
    def post(self, request):
        facts, item, agency, limit = _args(request)
        results = services.similar_decisions(
            request.user, facts, catalog_item=item, agency=agency, limit=limit
        )
        return Response({"results": AssistSimilarSerializer(results, many=True).data})
