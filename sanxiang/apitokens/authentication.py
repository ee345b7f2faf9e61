"""DRF authentication by API token: ``Authorization: Token <secret>`` (the scheme existing
clients use) or ``Authorization: Bearer <secret>``.

Unknown, expired and revoked tokens and tokens of a deactivated account are refused with
HTTP 401 and ``{"code", "detail"}`` (``token_invalid`` / ``token_expired`` /
``token_revoked`` / ``user_inactive``). Old DRF ``authtoken`` keys are not looked up: they
no longer authenticate. Listed first in ``DEFAULT_AUTHENTICATION_CLASSES`` so that an
unauthenticated API request is answered 401 with ``WWW-Authenticate: Token``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from sanxiang.core import clock
from sanxiang.core.login_limits import client_ip

from . import services
from .models import TokenStatus

SCHEMES = (b"token", b"bearer")


def _refuse(code: str, detail: str):
    return exceptions.AuthenticationFailed({"code": code, "detail": detail})


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in SCHEMES:
            return None
        if len(parts) != 2:
            raise _refuse("token_invalid", _("Authorization 请求头格式无效，应为“Token <令牌>”。"))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise _refuse("token_invalid", _("API 令牌无效。")) from None
        token = services.find(secret)
        if token is None:
            raise _refuse("token_invalid", _("API 令牌无效。"))
        now = clock.now()
        status = token.status(now)
        if status == TokenStatus.REVOKED:
            raise _refuse("token_revoked", _("API 令牌已吊销，请在“API 令牌”页面创建新令牌。"))
        if status == TokenStatus.EXPIRED:
            raise _refuse("token_expired", _("API 令牌已过期，请在“API 令牌”页面创建新令牌。"))
        if not token.user.is_active:
            raise _refuse("user_inactive", _("该令牌所属账号已停用。"))
        services.touch(token, client_ip(request), now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "sanxiang.apitokens.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'API token: "Token <secret>" or "Bearer <secret>"',
        }
