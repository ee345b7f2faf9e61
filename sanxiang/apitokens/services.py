"""The only writers of API tokens: create, revoke, record use.

A token is ``sxt_`` + ``secrets.token_urlsafe(32)`` (256 random bits). Only its SHA-256
(hex) is stored, with the first characters as a public prefix to recognise it in lists;
the secret is returned once, by ``create_token``, and never again. A token is looked up
by the digest of what the client presents (an index lookup on a hash reveals nothing
about the secret), then compared with ``hmac.compare_digest``.

Creation and revocation are security events: each appends a ledger leaf
(``auth.api_token_created`` / ``auth.api_token_revoked``, subject ``api_token:<id>``) in
the same transaction; its content is readable by the actor and platform superusers only
(``ledger.api_scope`` does not know the subject — fail closed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.core.inputs import parse_id
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append

from .models import ApiToken

SCHEME_PREFIX = "sxt_"
PREFIX_LENGTH = 12  # "sxt_" + 8 random characters: enough to tell one's tokens apart
NAME_MAX = 100
MAX_ACTIVE_PER_USER = 20
# last_used_at / last_used_ip are written at most this often per token (not per request)
TOUCH_INTERVAL = dt.timedelta(seconds=60)


def default_days() -> int:
    return int(getattr(settings, "SANXIANG_API_TOKEN_DAYS", 90))


def max_days() -> int:
    return int(getattr(settings, "SANXIANG_API_TOKEN_MAX_DAYS", 365))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _clean_name(name) -> str:
    text = unicodedata.normalize("NFC", str(name or "")).strip()
    if not text:
        raise DomainError(_("请填写令牌的名称或用途。"), code=ErrorCode.REQUIRED)
    if len(text) > NAME_MAX:
        raise DomainError(
            _("令牌名称不能超过 %(n)s 个字符。") % {"n": NAME_MAX}, code=ErrorCode.OUT_OF_RANGE
        )
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise DomainError(_("令牌名称不能包含控制字符。"), code=ErrorCode.BAD_FORMAT)
    return text


def _clean_days(days) -> int:
    if days in (None, ""):
        return default_days()
    if isinstance(days, bool):
        days = None
    elif isinstance(days, str) and days.strip().isascii() and days.strip().isdigit():
        days = int(days.strip())
    if not isinstance(days, int) or not 1 <= days <= max_days():
        raise DomainError(
            _("有效期须为 1 至 %(max)s 天之间的整数。") % {"max": max_days()},
            code=ErrorCode.OUT_OF_RANGE,
        )
    return days


def active_tokens(user):
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=clock.now())


def tokens_for(user):
    """The user's own tokens, newest first (never anyone else's)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def _payload(token: ApiToken, **extra) -> dict:
    return {
        "user": token.user_id,
        "username": token.user.get_username(),
        "prefix": token.prefix,
        "name": token.name,
        "expires_at": token.expires_at,
        **extra,
    }


def create_token(user, *, name, days=None, actor=None, via="workbench") -> tuple[ApiToken, str]:
    """A new token for ``user`` (by ``user`` itself, ``actor`` defaults to it). Returns the
    row and the secret; the secret is not stored and cannot be shown again."""
    actor = actor or user
    if actor.pk != user.pk:
        raise PermissionDenied(_("只能为本人创建 API 令牌。"))
    if not user.is_active:
        raise PermissionDenied(_("账号已停用，不能创建 API 令牌。"))
    name = _clean_name(name)
    days = _clean_days(days)
    secret = SCHEME_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        # one user's creations are serialised, so the limit below holds under concurrency
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if active_tokens(user).count() >= MAX_ACTIVE_PER_USER:
            raise DomainError(
                _("您已有 %(n)s 个有效的 API 令牌，请先吊销不再使用的令牌。")
                % {"n": MAX_ACTIVE_PER_USER},
                code=ErrorCode.CONFLICT,
            )
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            digest=digest(secret),
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        append(
            EventType.API_TOKEN_CREATED,
            f"api_token:{token.pk}",
            _payload(token, days=days, via=via),
            actor=actor,
        )
    return token, secret


def revoke_token(token_id, *, actor) -> ApiToken:
    """Revoke one of ``actor``'s own tokens; another user's token is "not found"."""
    token_id = parse_id(token_id)
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update()
            .select_related("user")
            .filter(pk=token_id, user_id=actor.pk)
            .first()
        )
        if token is None or token_id is None:
            raise DomainError(_("API 令牌不存在。"), code=ErrorCode.NOT_FOUND)
        if token.revoked_at is not None:
            raise DomainError(_("该 API 令牌已吊销。"), code=ErrorCode.CONFLICT)
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        append(
            EventType.API_TOKEN_REVOKED,
            f"api_token:{token.pk}",
            _payload(token, revoked_at=token.revoked_at),
            actor=actor,
        )
    return token


def revoke_all(user, *, actor, reason: str) -> int:
    """Revoke every live token of ``user`` (its password changed or was reset: a token made
    under the old password must not outlive it, as Django ends the other sessions).
    One ``auth.api_token_revoked`` leaf per token, with the reason; returns the count."""
    with transaction.atomic():
        tokens = list(
            ApiToken.objects.select_for_update()
            .select_related("user")
            .filter(user=user, revoked_at__isnull=True, expires_at__gt=clock.now())
        )
        now = clock.now()
        for token in tokens:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            append(
                EventType.API_TOKEN_REVOKED,
                f"api_token:{token.pk}",
                _payload(token, revoked_at=now, reason=reason),
                actor=actor,
            )
    return len(tokens)


def find(secret: str) -> ApiToken | None:
    """The token whose secret is ``secret`` (any status), or None."""
    wanted = digest(secret)
    token = ApiToken.objects.select_related("user").filter(digest=wanted).first()
    if token is None or not hmac.compare_digest(token.digest, wanted):
        return None
    return token


def _ip(value):
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def touch(token: ApiToken, ip=None, now=None) -> bool:
    """Record a use: at most one write per token per ``TOUCH_INTERVAL``. Returns whether
    it wrote."""
    now = now or clock.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return False
    stale = ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=now - TOUCH_INTERVAL)
    written = stale.update(last_used_at=now, last_used_ip=_ip(ip))
    if written:
        token.last_used_at, token.last_used_ip = now, _ip(ip)
    return bool(written)
