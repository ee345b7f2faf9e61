"""REST API of the documents app (mounted under /api/documents/)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.org.scoping import scope

from . import services
from .kinds import SPECS, DocumentKind, missing_elements
from .models import Document, DocumentStatus
from .views import download_name, file_response, refuse_main_decision


def _named_choice_field(name, choices):
    """A ChoiceField documented as its own OpenAPI component ``name`` (no enum-name
    collisions with other apps' ``kind`` / ``status`` fields)."""
    values = [str(c[0]) for c in choices]
    schema = {
        "type": "string",
        "enum": values,
        "description": "；".join(f"{v}: {label}" for v, label in choices),
    }
    return extend_schema_field(schema, component_name=name)(
        type(f"{name}Field", (serializers.ChoiceField,), {})
    )


DocumentKindField = _named_choice_field("DocumentKindCode", DocumentKind.choices)
DocumentStatusField = _named_choice_field("DocumentStatusCode", DocumentStatus.choices)


class DocumentSerializer(serializers.ModelSerializer):
    kind = DocumentKindField(choices=DocumentKind.choices, read_only=True)
    status = DocumentStatusField(choices=DocumentStatus.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    content = serializers.DictField(child=serializers.CharField(allow_blank=True), read_only=True)
    content_hash = serializers.SerializerMethodField()
    missing_elements = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "agency",
            "case",
            "kind",
            "kind_display",
            "title",
            "version",
            "previous",
            "status",
            "status_display",
            "number",
            "year",
            "serial",
            "content",
            "content_hash",
            "missing_elements",
            "created_at",
            "updated_at",
            "issued_at",
            "issued_by_name",
            "sha256",
            "docx_sha256",
            "ledger_index",
            "superseded_by",
        ]
        read_only_fields = fields

    def get_content_hash(self, obj) -> str:
        return services.draft_content_hash(obj)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing_elements(self, obj):
        if not obj.is_draft:
            return []
        return missing_elements(obj.kind, {**obj.content, "document_date": "auto"})

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by(self, obj):
        if not obj.is_issued:
            return None
        newer = obj.superseded_by
        return newer.pk if newer else None


class CreateDraftSerializer(serializers.Serializer):
    case = serializers.IntegerField(
        required=False, allow_null=True, help_text="案件ID；不涉及案件的文书留空"
    )
    kind = DocumentKindField(choices=DocumentKind.choices)
    content = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )


class UpdateDraftSerializer(serializers.Serializer):
    content = serializers.DictField(child=serializers.CharField(allow_blank=True))


class CorrectSerializer(serializers.Serializer):
    content = serializers.DictField(child=serializers.CharField(allow_blank=True))
    reason = serializers.CharField()


class DocumentFieldSpecSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    widget = serializers.CharField()
    required = serializers.BooleanField()
    auto = serializers.BooleanField()


class DocumentKindInfoSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    number_code = serializers.CharField()
    sealed = serializers.BooleanField()
    decision = serializers.BooleanField()
    fields = DocumentFieldSpecSerializer(many=True)


def _document_queryset(user):
    return scope(
        Document.objects.select_related(
            "agency", "case", "previous", "correction_of_this__correction"
        ).order_by("-id"),
        user,
    )


@extend_schema(tags=["documents"])
class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """执法文书: drafts and issued documents of the user's agencies."""

    serializer_class = DocumentSerializer

    def get_queryset(self):
        qs = _document_queryset(self.request.user)
        params = self.request.query_params
        if params.get("case"):
            try:
                qs = qs.filter(case_id=int(params["case"]))
            except ValueError:
                qs = qs.none()
        if params.get("kind") in DocumentKind.values:
            qs = qs.filter(kind=params["kind"])
        if params.get("status") in DocumentStatus.values:
            qs = qs.filter(status=params["status"])
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("case", int, description="案件ID"),
            OpenApiParameter("kind", str, enum=DocumentKind.values),
            OpenApiParameter("status", str, enum=DocumentStatus.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CreateDraftSerializer, responses={201: DocumentSerializer})
    def create(self, request):
        ser = CreateDraftSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        case = None
        if ser.validated_data.get("case"):
            from sanxiang.cases.models import Case

            case = get_object_or_404(
                scope(Case.objects.all(), request.user), pk=ser.validated_data["case"]
            )
        doc = services.create_draft(
            case, ser.validated_data["kind"], ser.validated_data["content"], request.user
        )
        return Response(DocumentSerializer(doc).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UpdateDraftSerializer, responses={200: DocumentSerializer})
    def partial_update(self, request, pk=None):
        doc = self.get_object()
        ser = UpdateDraftSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        doc = services.update_draft(doc, ser.validated_data["content"], request.user)
        return Response(DocumentSerializer(doc).data)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request, pk=None):
        services.discard_draft(self.get_object(), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        doc = self.get_object()
        refuse_main_decision(doc)
        doc = services.issue_document(doc, request.user)
        return Response(DocumentSerializer(doc).data)

    @extend_schema(request=CorrectSerializer, responses={201: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        ser = CorrectSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        new = services.correct_document(
            self.get_object(),
            ser.validated_data["content"],
            ser.validated_data["reason"],
            request.user,
        )
        return Response(DocumentSerializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
        description="签发文书的 PDF（存档原件）；草稿返回预览。",
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        doc = self.get_object()
        return file_response(
            services.render_pdf(doc, request.user), download_name(doc, "pdf"), "application/pdf"
        )

    @extend_schema(
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ): OpenApiResponse(OpenApiTypes.BINARY)
        },
        description="签发文书的 Word 文件；草稿返回按模板生成的文件。",
    )
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        doc = self.get_object()
        return file_response(
            services.render_docx(doc, request.user),
            download_name(doc, "docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )


@extend_schema(tags=["documents"], responses={200: DocumentKindInfoSerializer(many=True)})
class KindListView(APIView):
    """文书种类 with their structured fields and mandatory elements."""

    def get(self, request):
        data = [
            {
                "code": s.code,
                "title": str(s.title),
                "number_code": s.number_code,
                "sealed": s.sealed,
                "decision": s.decision,
                "fields": [
                    {
                        "key": f.key,
                        "label": str(f.label),
                        "widget": f.widget,
                        "required": f.required,
                        "auto": f.auto,
                    }
                    for f in s.fields
                ],
            }
            for s in SPECS.values()
        ]
        return Response(DocumentKindInfoSerializer(data, many=True).data)
