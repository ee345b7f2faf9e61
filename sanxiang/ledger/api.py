"""REST API of the ledger: public verifiability.

Access decision: tree heads, the public key and inclusion/consistency proofs are
``AllowAny`` - they contain only hashes, sizes and timestamps, and anyone holding a
record must be able to check it. Leaf *content* (the actor and the payload: party names,
facts, officers) is scoped like every other record (issue #11 item 4, ``api_scope``): a
logged-in user reads the content of the leaves of the agencies it may see (its own; a
supervisor the agencies it supervises). For any other leaf ``leaves/<i>/`` answers 200
with the index, event type and leaf hash but ``content`` and ``subject`` null and
``withheld`` true (the hash stays checkable with the public inclusion proof), and
``bundles/`` answers 404, as for a leaf that does not exist, when any requested leaf is
withheld (a bundle without the content could not be verified offline).
Signing a head on demand also requires authentication (it writes a row).
"""

from __future__ import annotations

import base64

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.core.errors import DomainError, ErrorCode

from . import api_scope, services
from .algorithm import log_algorithm
from .bundle import export_bundle, public_key_info
from .models import Leaf, SignedTreeHead


def _b64(data) -> str:
    return base64.b64encode(bytes(data)).decode()


class TreeHeadSerializer(serializers.Serializer):
    tree_size = serializers.IntegerField()
    root_hash = serializers.CharField(help_text="base64 SHA-256 root")
    timestamp = serializers.IntegerField(help_text="ms since the Unix epoch (signed)")
    timestamp_iso = serializers.CharField()
    key_id = serializers.CharField(help_text="hex SHA-256 of the raw Ed25519 public key")
    signature = serializers.CharField(help_text="base64 Ed25519 signature (RFC 6962 §3.5)")
    hash_algorithm = serializers.CharField(
        help_text="the log's Merkle hash: sha256 (RFC 9162) or sm3 (GB/T 32905), signed"
    )


class PublicKeySerializer(serializers.Serializer):
    algorithm = serializers.CharField()
    raw = serializers.CharField(help_text="base64 raw 32-byte Ed25519 public key")
    pem = serializers.CharField()
    key_id = serializers.CharField()


class InclusionProofSerializer(serializers.Serializer):
    hash_algorithm = serializers.CharField(help_text="sha256 or sm3 (the log's)")
    index = serializers.IntegerField()
    tree_size = serializers.IntegerField()
    leaf_hash = serializers.CharField()
    root_hash = serializers.CharField()
    proof = serializers.ListField(child=serializers.CharField())
    tree_head = TreeHeadSerializer(allow_null=True)


class ConsistencyProofSerializer(serializers.Serializer):
    hash_algorithm = serializers.CharField(help_text="sha256 or sm3 (the log's)")
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    first_root = serializers.CharField()
    second_root = serializers.CharField()
    proof = serializers.ListField(child=serializers.CharField())


class LeafSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    event_type = serializers.CharField()
    event_type_label = serializers.CharField()
    subject = serializers.CharField(allow_null=True, help_text="null when withheld")
    content = serializers.CharField(
        allow_null=True,
        help_text="canonical JSON; leaf_hash = SHA-256(0x00||UTF-8); null when withheld",
    )
    leaf_hash = serializers.CharField()
    withheld = serializers.BooleanField(
        help_text="true when the leaf belongs to an agency the user may not see: "
        "only the hash is given (check it with proofs/inclusion/)"
    )


class BundleSerializer(serializers.Serializer):
    format = serializers.CharField()
    hash_algorithm = serializers.CharField()
    hash = serializers.CharField()
    public_key = PublicKeySerializer()
    tree_head = TreeHeadSerializer()
    leaves = serializers.ListField(child=serializers.DictField())


def _int_param(request, name, required=True):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        if required:
            raise DomainError(f"缺少参数 {name}。", code=ErrorCode.REQUIRED)
        return None
    try:
        return int(raw)
    except ValueError:
        raise DomainError(f"参数 {name} 必须是整数。", code=ErrorCode.BAD_FORMAT)


def _head_at(size):
    return SignedTreeHead.objects.filter(tree_size=size).order_by("-timestamp_ms", "-id").first()


_NO_HEAD = "尚无签名树头。"


class LatestHeadView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="最新签名树头 latest signed tree head", responses=TreeHeadSerializer)
    def get(self, request):
        head = services.latest_head()
        if head is None:
            raise DomainError(_NO_HEAD, code=ErrorCode.NOT_FOUND)
        return Response(head.as_dict())


class SignHeadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="按需签名树头 sign a head now (only if the tree grew)",
        request=None,
        responses=TreeHeadSerializer,
    )
    def post(self, request):
        from .periodic import sign_if_grown

        head = sign_if_grown() or services.latest_head()
        if head is None:
            raise DomainError(_NO_HEAD, code=ErrorCode.NOT_FOUND)
        return Response(head.as_dict())


class HeadAtSizeView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="指定大小的签名树头 signed head at a size", responses=TreeHeadSerializer)
    def get(self, request, size):
        head = _head_at(size)
        if head is None:
            raise DomainError(f"没有大小为 {size} 的签名树头。", code=ErrorCode.NOT_FOUND)
        return Response(head.as_dict())


class PublicKeyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="账本公钥 ledger public key", responses=PublicKeySerializer)
    def get(self, request):
        return Response(public_key_info())


class InclusionProofView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="包含性证明 inclusion proof",
        parameters=[
            OpenApiParameter("index", int, required=True, description="leaf index (0-based)"),
            OpenApiParameter(
                "tree_size", int, required=False, description="default: latest signed head"
            ),
        ],
        responses=InclusionProofSerializer,
    )
    def get(self, request):
        index = _int_param(request, "index")
        size = _int_param(request, "tree_size", required=False)
        head = None
        if size is None:
            head = services.latest_head()
            if head is None:
                raise DomainError(_NO_HEAD, code=ErrorCode.NOT_FOUND)
            size = head.tree_size
        else:
            head = _head_at(size)
        proof = services.inclusion_proof(index, size)
        leaf = services.get_leaf(index)
        return Response(
            {
                "hash_algorithm": log_algorithm(),
                "index": index,
                "tree_size": size,
                "leaf_hash": _b64(leaf.leaf_hash),
                "root_hash": _b64(head.root_hash if head else services.root_at(size)),
                "proof": [_b64(p) for p in proof],
                "tree_head": head.as_dict() if head else None,
            }
        )


class ConsistencyProofView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="一致性证明 consistency proof",
        parameters=[
            OpenApiParameter("first", int, required=True),
            OpenApiParameter("second", int, required=True),
        ],
        responses=ConsistencyProofSerializer,
    )
    def get(self, request):
        first = _int_param(request, "first")
        second = _int_param(request, "second")
        proof = services.consistency_proof(first, second)
        return Response(
            {
                "hash_algorithm": log_algorithm(),
                "first": first,
                "second": second,
                "first_root": _b64(services.root_at(first)),
                "second_root": _b64(services.root_at(second)),
                "proof": [_b64(p) for p in proof],
            }
        )


class LeafView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="账本记录 leaf by index (login; content only for the user's agencies)",
        responses=LeafSerializer,
    )
    def get(self, request, index):
        leaf = services.get_leaf(index)
        shown = api_scope.may_read(request.user, leaf)
        return Response(
            {
                "index": leaf.index,
                "event_type": leaf.event_type,
                "event_type_label": str(leaf.event_type_label),
                "subject": leaf.subject if shown else None,
                "content": leaf.content if shown else None,
                "leaf_hash": _b64(leaf.leaf_hash),
                "withheld": not shown,
            }
        )


class BundleView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="导出校验包 export a verification bundle (login; the user's agencies only)",
        parameters=[
            OpenApiParameter("indices", str, required=True, description="comma separated"),
            OpenApiParameter("tree_size", int, required=False),
        ],
        responses=BundleSerializer,
    )
    def get(self, request):
        raw = request.query_params.get("indices", "")
        try:
            indices = [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise DomainError("参数 indices 必须是逗号分隔的整数。", code=ErrorCode.BAD_FORMAT)
        if not indices or len(indices) > 1000:
            raise DomainError("请提供 1 至 1000 个序号。", code=ErrorCode.OUT_OF_RANGE)
        leaves = list(Leaf.objects.filter(index__in=indices).only("index", "subject", "actor_id"))
        shown = api_scope.readable(request.user, leaves)
        hidden = sorted(set(indices) - shown)
        if hidden:
            raise DomainError(
                f"序号 {hidden[0]} 的账本记录不存在或无权查看其内容"
                "（其哈希可用公开的包含性证明 /api/ledger/proofs/inclusion/ 核验）。",
                code=ErrorCode.NOT_FOUND,
            )
        return Response(export_bundle(indices, _int_param(request, "tree_size", required=False)))
