"""API of the user's own tokens (mounted under /api/auth/ by ``core.api_urls``).

``POST token/`` exchanges username + password for a new token (login throttling applies:
django-axes and ``core.login_limits``); ``GET/POST tokens/`` lists / creates the caller's
tokens; ``POST tokens/{id}/revoke/`` revokes one. Creating needs a password or a workbench
session: a token cannot mint another one (that would outlive its own expiry).
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied

from . import serializers as s
from . import services
from .models import ApiToken


def _created(token, secret, code=status.HTTP_201_CREATED):
    token.token = secret  # shown this once; never stored
    return Response(s.NewApiTokenSerializer(token).data, status=code)


def _refused(code, detail):
    return Response({"code": code, "detail": detail}, status=status.HTTP_403_FORBIDDEN)


class ObtainTokenView(APIView):
    """用户名和密码换取一个新的 API 令牌（默认有效期 90 天）。"""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=s.ObtainApiTokenSerializer, responses=s.NewApiTokenSerializer)
    def post(self, request):
        from sanxiang.core.passwords_views import demo_password_refused
        from sanxiang.core.twofactor import pending_step
        from sanxiang.org.demo import DEMO_PASSWORD

        body = s.ObtainApiTokenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            raise DomainError(_("用户名或密码不正确。"), code=ErrorCode.INVALID_CREDENTIALS)
        if demo_password_refused() and data["password"] == DEMO_PASSWORD:
            return _refused("password_change_required", _("请先在工作台修改演示密码。"))
        if pending_step(user) is not None:  # a password alone must not pass two factors
            return _refused(
                "two_factor_required",
                _("该账号须使用两步验证，请登录工作台后在“API 令牌”页面创建令牌。"),
            )
        token, secret = services.create_token(
            user, name=data.get("name") or _("用户名密码换取"), via="password"
        )
        return _created(token, secret, code=status.HTTP_200_OK)


class TokenListCreateView(generics.ListAPIView):
    """本人的 API 令牌（不含明文）；POST 创建新令牌（明文仅返回一次）。"""

    serializer_class = s.ApiTokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return services.tokens_for(self.request.user)

    @extend_schema(request=s.CreateApiTokenSerializer, responses={201: s.NewApiTokenSerializer})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            raise PermissionDenied(_("不能用 API 令牌创建新令牌，请登录工作台后创建。"))
        body = s.CreateApiTokenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        token, secret = services.create_token(
            request.user, name=data["name"], days=data.get("days"), via="api"
        )
        return _created(token, secret)


class TokenRevokeView(APIView):
    """吊销本人的一个 API 令牌（他人的令牌视为不存在）。"""

    @extend_schema(request=None, responses=s.ApiTokenSerializer)
    def post(self, request, pk):
        token = services.revoke_token(pk, actor=request.user)
        return Response(s.ApiTokenSerializer(token).data)
