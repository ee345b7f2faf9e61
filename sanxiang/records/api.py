"""REST API of the records app: tus 1.0 upload, recordings, downloads, access requests.

Upload protocol (tus 1.0 core + creation + termination + checksum):

* ``POST /api/records/uploads/`` with ``Tus-Resumable: 1.0.0``, ``Upload-Length: <bytes>``
  and ``Upload-Metadata: key base64(value),...`` (keys: case, activity, recorded_start,
  recorded_end, place, collector, proves, filename, kind, is_evidence, interruptions as
  JSON; optional ``sha256`` = hex SHA-256 of the whole file, checked at the last byte) →
  ``201`` with ``Location``. Labels are validated here, before any byte is sent.
* ``HEAD /api/records/uploads/<id>/`` → ``Upload-Offset`` / ``Upload-Length``, reconciled
  with the bytes on disk after a crash (``Recording-Id`` once completed).
* ``PATCH /api/records/uploads/<id>/`` with ``Content-Type: application/offset+octet-stream``
  and ``Upload-Offset`` → ``204`` with the new ``Upload-Offset`` (``409`` when the offset
  does not match). After the last byte the response carries ``Recording-Id`` (and
  ``Recording-Sha256``); a refused file answers ``400`` with the reason.
  ``Upload-Checksum: sha256 <base64>`` (tus checksum extension, advertised on OPTIONS as
  ``Tus-Checksum-Algorithm``): a chunk that does not match, or arrives incomplete, answers
  ``460 Checksum Mismatch`` and is discarded (offset unchanged); an unsupported algorithm
  or a malformed value answers ``400``.
* ``DELETE /api/records/uploads/<id>/`` abandons the upload.
"""

import base64
import binascii
import json

import django_filters
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.cases.models import Case
from sanxiang.core.api_filters import FilterBackend, IdFilter
from sanxiang.core.errors import DomainError, ErrorCode

from . import access, caseinfo, uploads
from .models import AccessAction, AccessRequest, Recording
from .retention import preload_marks, retention_label

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,checksum"
CHECKSUM_MISMATCH = 460  # tus 1.0 checksum extension


def parse_metadata(header: str) -> dict:
    out = {}
    for part in (header or "").split(","):
        part = part.strip()
        if not part:
            continue
        key, _sep, value = part.partition(" ")
        try:
            out[key] = (
                base64.b64decode(value.strip(), validate=True).decode("utf-8") if value else ""
            )
        except (binascii.Error, UnicodeDecodeError):
            raise DomainError(
                _("Upload-Metadata 中“%(k)s”的编码不正确。") % {"k": key},
                code=ErrorCode.UPLOAD_INVALID,
            )
    if "interruptions" in out:
        try:
            out["interruptions"] = json.loads(out["interruptions"] or "[]")
        except ValueError:
            raise DomainError(_("中断说明格式不正确。"), code=ErrorCode.UPLOAD_INVALID)
    return out


class BoundedStream:
    """The raw request body, read at most ``limit`` bytes (readinto when available).

    ``wrappers``: Django ``LimitedStream`` objects stacked above ``raw``; their position is
    advanced as bytes are consumed below them, so the development server's end-of-request
    drain (``ServerHandler.close`` reads what it believes is unread) does not swallow the
    next request on a keep-alive connection.
    """

    def __init__(self, raw, limit, wrappers=()):
        self._raw = raw
        self._left = limit
        self._wrappers = list(wrappers)
        if hasattr(raw, "readinto"):
            self.readinto = self._readinto

    def _consumed(self, n):
        self._left -= n
        for w in self._wrappers:
            w._pos += n

    def read(self, n):
        n = min(n, self._left)
        if n <= 0:
            return b""
        data = self._raw.read(n)
        self._consumed(len(data))
        return data

    def _readinto(self, view):
        n = min(len(view), self._left)
        if n <= 0:
            return 0
        got = self._raw.readinto(view[:n]) or 0
        self._consumed(got)
        return got


def _raw_socket_stream(stream):
    """``(socket file, [LimitedStream wrappers])`` under Django's body stream, or None."""
    wrappers = []
    for _depth in range(4):
        if stream is None:
            return None
        if hasattr(stream, "readinto") and type(stream).__name__ in ("BufferedReader", "SocketIO"):
            return stream, wrappers
        if type(stream).__name__ != "LimitedStream" or getattr(stream, "_pos", 0) != 0:
            return None
        wrappers.append(stream)
        bound = getattr(stream, "_read", None)
        stream = getattr(bound, "__self__", None)
    return None


def request_stream(request, length):
    """The request body as a stream of at most ``length`` bytes; ``request.body`` untouched.

    Nothing has read the body of a tus PATCH before this view (no parser runs), so the
    socket file below the WSGI input is read directly with ``readinto`` (no per-block
    allocation). Any other server (granian, gunicorn, the test client) gets ``request.read``.
    """
    django_request = getattr(request, "_request", request)
    found = None
    if not hasattr(django_request, "_body"):
        found = _raw_socket_stream(getattr(django_request, "_stream", None))
    if found is not None:
        return BoundedStream(found[0], length, found[1])
    return BoundedStream(django_request, length)


def _tus_headers(response, session=None):
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    if session is not None:
        response["Upload-Offset"] = str(session.offset)
        response["Upload-Length"] = str(session.length)
    return response


TUS_HEADERS = [
    OpenApiParameter("Tus-Resumable", str, OpenApiParameter.HEADER, required=True, enum=["1.0.0"]),
]


class UploadCreateView(APIView):
    parser_classes = []

    @extend_schema(
        summary="创建上传（tus creation）",
        description="Labels travel base64-encoded in Upload-Metadata; no body.",
        parameters=[
            *TUS_HEADERS,
            OpenApiParameter("Upload-Length", int, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(
                "Upload-Metadata",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="key base64(value),… — labels; optional key sha256: hex SHA-256 "
                "of the whole file, compared with the received bytes at the last byte.",
            ),
        ],
        request=None,
        responses={
            201: OpenApiResponse(description="Created; Location header"),
            400: OpenApiResponse(description="Labels incomplete, size or sha256 malformed"),
        },
        tags=["records"],
    )
    def post(self, request):
        meta = parse_metadata(request.headers.get("Upload-Metadata", ""))
        case = caseinfo.get_case(meta.get("case"))
        session = uploads.create_upload(
            request.user, case, request.headers.get("Upload-Length"), meta
        )
        response = Response(status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"{session.pk}/")
        response["Upload-Id"] = str(session.pk)
        return _tus_headers(response, session)

    @extend_schema(exclude=True)
    def options(self, request, *args, **kwargs):
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response["Tus-Version"] = TUS_VERSION
        response["Tus-Extension"] = TUS_EXTENSIONS
        response["Tus-Checksum-Algorithm"] = ",".join(uploads.CHECKSUM_ALGORITHMS)
        response["Tus-Max-Size"] = str(uploads.max_upload_bytes())
        return _tus_headers(response)


class UploadView(APIView):
    parser_classes = []

    @extend_schema(exclude=True)
    def head(self, request, upload_id):
        session = uploads.get_upload(upload_id, request.user)
        if session.status not in ("active", "completed"):
            raise DomainError(_("上传任务已失效，请重新上传。"), code=ErrorCode.NOT_FOUND)
        session = uploads.reconcile(session)
        response = _tus_headers(Response(status=status.HTTP_200_OK), session)
        if session.recording_id:
            response["Recording-Id"] = str(session.recording_id)
            response["Recording-Sha256"] = session.recording.sha256
        return response

    @extend_schema(
        summary="续传数据块（tus PATCH）",
        description="Body: raw bytes (application/offset+octet-stream) appended at "
        "Upload-Offset. HEAD on the same URL returns Upload-Offset for resuming.",
        parameters=[
            *TUS_HEADERS,
            OpenApiParameter("Upload-Offset", int, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(
                "Upload-Checksum",
                str,
                OpenApiParameter.HEADER,
                description="tus checksum extension: 'sha256 <base64 SHA-256 of this chunk>'",
            ),
        ],
        request={"application/offset+octet-stream": OpenApiTypes.BINARY},
        responses={
            204: OpenApiResponse(description="Chunk stored; Upload-Offset header"),
            400: OpenApiResponse(
                description="Unsupported checksum algorithm, malformed Upload-Checksum, "
                "or the completed file was refused (type, declared sha256)"
            ),
            409: OpenApiResponse(description="Upload-Offset differs from the server's"),
            CHECKSUM_MISMATCH: OpenApiResponse(
                description="Checksum Mismatch: chunk discarded, Upload-Offset unchanged"
            ),
        },
        tags=["records"],
    )
    def patch(self, request, upload_id):
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip()
        if content_type != "application/offset+octet-stream":
            return _tus_headers(
                Response(
                    {
                        "code": ErrorCode.UNSUPPORTED_MEDIA_TYPE.value,
                        "detail": _("Content-Type 须为 application/offset+octet-stream。"),
                    },
                    status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                )
            )
        session = uploads.get_upload(upload_id, request.user)
        checksum = uploads.parse_checksum(request.headers.get("Upload-Checksum"))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        try:
            session = uploads.append_chunk(
                session,
                request.user,
                request.headers.get("Upload-Offset"),
                request_stream(request, length),
                length,
                checksum=checksum,
            )
        except uploads.ChecksumMismatch as exc:
            response = Response(
                {"code": ErrorCode.CHECKSUM_MISMATCH.value, "detail": str(exc.message)},
                status=CHECKSUM_MISMATCH,
            )
            response.reason_phrase = "Checksum Mismatch"
            return _tus_headers(response, session)
        response = _tus_headers(Response(status=status.HTTP_204_NO_CONTENT), session)
        if session.recording_id:
            response["Recording-Id"] = str(session.recording_id)
            response["Recording-Sha256"] = session.recording.sha256
        return response

    @extend_schema(
        summary="放弃上传（tus termination）",
        parameters=TUS_HEADERS,
        responses={204: None},
        tags=["records"],
    )
    def delete(self, request, upload_id):
        uploads.abort_upload(uploads.get_upload(upload_id, request.user))
        return _tus_headers(Response(status=status.HTTP_204_NO_CONTENT))


class RecordingSerializer(serializers.ModelSerializer):
    activity_label = serializers.CharField(source="get_activity_display", read_only=True)
    collector_name = serializers.CharField(source="collector.name", read_only=True)
    retention = serializers.SerializerMethodField()
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Recording
        fields = [
            "id",
            "case",
            "case_number",
            "activity",
            "activity_label",
            "recorded_start",
            "recorded_end",
            "place",
            "collector",
            "collector_name",
            "proves",
            "interruptions",
            "is_evidence",
            "kind",
            "content_type",
            "original_name",
            "size",
            "sha256",
            "upload_due",
            "uploaded_at",
            "is_late",
            "retention",
        ]
        read_only_fields = fields

    def get_retention(self, obj) -> str:
        return str(retention_label(obj))


class RecordingFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case", label="按案件过滤（案件ID）")

    class Meta:
        model = Recording
        fields = ["case"]


class RecordingList(generics.ListAPIView):
    serializer_class = RecordingSerializer
    filter_backends = [FilterBackend]
    filterset_class = RecordingFilter

    @extend_schema(tags=["records"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return access.visible_recordings(self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:  # paginated by default: one marks query per page, not per row
            preload_marks(page)
        return page


class RecordingDetail(generics.RetrieveAPIView):
    serializer_class = RecordingSerializer

    def get_queryset(self):
        return access.visible_recordings(self.request.user)

    @extend_schema(tags=["records"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PurposeSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=255)


class RecordingDownload(APIView):
    @extend_schema(
        summary="下载音像记录（须有依据，记入调阅日志和账本）",
        request=PurposeSerializer,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        tags=["records"],
    )
    def post(self, request, pk):
        rec = generics.get_object_or_404(access.visible_recordings(request.user), pk=pk)
        ser = PurposeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        fh, _entry = access.open_for_viewing(
            rec, request.user, ser.validated_data["purpose"], AccessAction.DOWNLOAD
        )
        return FileResponse(
            fh, as_attachment=True, filename=rec.original_name, content_type=rec.content_type
        )


class _VisibleOr404Field(serializers.PrimaryKeyRelatedField):
    """A case or recording the requesting user may see. One that does not exist and one of
    another agency both answer 404 with the same message, so the request for access is
    no oracle of what exists elsewhere (issue #11 item 5; before, another agency's case
    answered 403)."""

    visible = None  # user -> queryset
    not_found = ""

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return self.queryset.none()
        return type(self).visible(user)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        obj = self.get_queryset().filter(pk=pk).first()
        if obj is None:
            raise DomainError(self.not_found, code=ErrorCode.NOT_FOUND)
        return obj


def _visible_cases(user):
    from sanxiang.org.scoping import scope

    return scope(Case.objects.all(), user)


class _VisibleCaseField(_VisibleOr404Field):
    visible = staticmethod(_visible_cases)
    not_found = gettext_lazy("案件不存在。")


class _VisibleRecordingField(_VisibleOr404Field):
    visible = staticmethod(access.visible_recordings)
    not_found = gettext_lazy("音像记录不存在。")


class AccessRequestSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    case = _VisibleCaseField(
        queryset=Case.objects.all(), label=AccessRequest._meta.get_field("case").verbose_name
    )
    recording = _VisibleRecordingField(
        queryset=Recording.objects.all(),
        required=False,
        allow_null=True,
        label=AccessRequest._meta.get_field("recording").verbose_name,
    )

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "case",
            "recording",
            "requester",
            "reason",
            "allow_download",
            "status",
            "status_label",
            "decided_by",
            "decided_at",
            "decision_note",
            "valid_until",
            "created_at",
        ]
        read_only_fields = [
            "requester",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "valid_until",
        ]


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)
    valid_days = serializers.IntegerField(required=False, min_value=1, max_value=90)


class AccessRequestList(generics.ListCreateAPIView):
    serializer_class = AccessRequestSerializer

    def get_queryset(self):
        return access.visible_requests(self.request.user)

    @extend_schema(tags=["records"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["records"])
    def post(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        case = data["case"]
        req = access.request_access(
            request.user,
            case,
            data["reason"],
            recording=data.get("recording"),
            allow_download=data.get("allow_download", False),
        )
        return Response(self.get_serializer(req).data, status=status.HTTP_201_CREATED)


class _Decide(APIView):
    approve = True

    def post(self, request, pk):
        req = generics.get_object_or_404(access.visible_requests(request.user), pk=pk)
        ser = DecisionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        req = access.decide_access(
            req,
            request.user,
            self.approve,
            ser.validated_data.get("note", ""),
            ser.validated_data.get("valid_days", access.DEFAULT_VALID_DAYS),
        )
        return Response(AccessRequestSerializer(req).data)


class AccessRequestApprove(_Decide):
    @extend_schema(request=DecisionSerializer, responses=AccessRequestSerializer, tags=["records"])
    def post(self, request, pk):
        return super().post(request, pk)


class AccessRequestReject(_Decide):
    approve = False

    @extend_schema(request=DecisionSerializer, responses=AccessRequestSerializer, tags=["records"])
    def post(self, request, pk):
        return super().post(request, pk)
