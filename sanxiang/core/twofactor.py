"""Two-factor login (issue #12 item 4; GB/T 22239-2019 level 3, 身份鉴别 with two factors).

After the password, a user with a confirmed TOTP device (RFC 6238, any authenticator app)
enters a 6-digit code or one of 10 one-time recovery codes before the session may reach the
workbench, the admin or the session-authenticated API (``TwoFactorMiddleware``). Users
whose role is in ``settings.SANXIANG_2FA_REQUIRED_ROLES`` (administrators and supervisors
in production mode; nobody in the development/demo mode) are sent to enrolment right after
the password and can do nothing else until enrolled. Token-authenticated API calls carry no
session and are not concerned.

Devices are django-otp's (``otp_totp.TOTPDevice`` for the app, ``otp_static.StaticDevice``
for the recovery codes) and the verified device is kept in the session by django-otp
(``django_otp.login``, ``OTPMiddleware``). Differences from django-otp's own verification:

* the TOTP is computed at ``core.clock.now()`` (the platform's one clock);
* recovery codes are stored hashed: ``StaticToken.token`` holds base64url of the first 12
  bytes of SHA-256 of the normalised code (16 characters, the column's width), never the
  code; a code has 16 characters from a 31-letter alphabet (≈ 79 bits), so the hash cannot
  be searched; codes are shown once, at enrolment or renewal;
* every failed code, TOTP or recovery, counts on the TOTP device's throttle (django-otp's
  exponential delay: 1, 2, 4, 8 … seconds after successive failures) and, in the view, as a
  failed login for django-axes (user + address) and ``core.login_limits`` (address).

Enrolment, disabling, an administrator's reset, renewal and use of recovery codes append an
``account.*`` leaf to the ledger (subject ``user:<id>``) in the same transaction; the
secret and the codes never leave this module except on the page that shows them once.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from base64 import b32encode
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanxiang.ledger import services as ledger
from sanxiang.ledger.events import EventType

from . import clock
from .errors import DomainError, ErrorCode, PermissionDenied
from .inputs import refusal

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i
RECOVERY_LENGTH = 16
TOTP_NAME = "认证器应用"
STATIC_NAME = "恢复码"


# ----------------------------------------------------------------------------- policy


def required_roles() -> set[str]:
    return set(getattr(settings, "SANXIANG_2FA_REQUIRED_ROLES", ()))


def is_required(user) -> bool:
    """Must ``user`` use two factors (by role; a superuser counts as an administrator)?"""
    roles = required_roles()
    return bool(roles) and (user.role in roles or (user.is_superuser and "admin" in roles))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_step(user) -> str | None:
    """What an authenticated, not yet verified session must do first: ``"verify"`` (the
    user has two factors), ``"enrol"`` (the role requires them) or None (nothing)."""
    if is_enrolled(user):
        return "verify"
    if is_required(user):
        return "enrol"
    return None


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# ----------------------------------------------------------------------------- helpers


def normalise(code) -> str:
    return "".join(str(code or "").split()).replace("-", "").lower()


def hash_recovery_code(code: str) -> str:
    digest = hashlib.sha256(b"sanxiang-recovery:" + normalise(code).encode()).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()  # 16 characters


def _new_recovery_codes() -> list[str]:
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _j in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[k : k + 4] for k in range(0, RECOVERY_LENGTH, 4)))
    return codes


def _store_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes; returns the new codes in clear (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=STATIC_NAME, confirmed=True)
    codes = _new_recovery_codes()
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=hash_recovery_code(c)) for c in codes]
    )
    return codes


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[k : k + 4] for k in range(0, len(raw), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code in a data: URI (CSP allows ``img-src data:``)."""
    import segno

    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _subject(user) -> str:
    return f"user:{user.pk}"


def _payload(user, **extra) -> dict:
    return {"user": user.pk, "username": user.get_username(), **extra}


def _throttle_wait(device: TOTPDevice) -> int:
    """Seconds to wait before the next code may be tried (django-otp's delay), or 0."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return 0
    until = (data or {}).get("locked_until")
    if until is None:
        return 1
    return max(1, int((until - clock.now()).total_seconds()) + 1)


def _throttled_error(seconds: int) -> DomainError:
    return DomainError(
        _("验证码错误次数过多，请 %(n)d 秒后再试。") % {"n": seconds}, code=ErrorCode.CONFLICT
    )


def _totp_matches(device: TOTPDevice, code: str) -> bool:
    """Checks a TOTP code at the platform clock; a used time step is never accepted again."""
    if not (code.isdigit() and len(code) == device.digits):
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = clock.now().timestamp()
    if not totp.verify(int(code), device.tolerance, device.last_t + 1):
        return False
    device.last_t = totp.t()
    device.drift = totp.drift
    return True


def _locked_device(user, confirmed=True) -> TOTPDevice | None:
    return (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=confirmed)
        .order_by("pk")
        .first()
    )


# ----------------------------------------------------------------------------- services


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device an enrolment shows (created on first use, then reused)."""
    if is_enrolled(user):
        raise DomainError(
            _("您已启用两步验证；如需更换手机，请先停用再重新绑定。"), code=ErrorCode.CONFLICT
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def confirm_enrolment(user, code) -> tuple[TOTPDevice, list[str]]:
    """Confirms the pending device with a code from the app; returns it and the 10 recovery
    codes (in clear, to be shown once). Wrong code: DomainError, nothing changed but the
    throttle."""
    code = normalise(code)
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise DomainError(_("您已启用两步验证。"), code=ErrorCode.CONFLICT)
        device = _locked_device(user, confirmed=False)
        if device is None:
            raise DomainError(_("绑定已过期，请重新打开绑定页面扫码。"), code=ErrorCode.CONFLICT)
        wait = _throttle_wait(device)
        if wait:
            raise _throttled_error(wait)
        ok = _totp_matches(device, code)
        if ok:
            device.confirmed = True
            device.throttle_reset(commit=False)
            device.save()
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _store_recovery_codes(user)
            ledger.append(
                EventType.TWO_FACTOR_ENROLLED,
                _subject(user),
                _payload(user, device="totp", recovery_codes=len(codes)),
                actor=user,
            )
        else:
            device.throttle_increment(commit=True)
    if not ok:
        raise DomainError(
            _("验证码不正确，请核对手机上显示的 6 位数字后重试。"), code=ErrorCode.WRONG_OTP
        )
    return device, codes


def verify(user, code) -> tuple[TOTPDevice | StaticDevice, str] | None:
    """Checks a login's second factor: a 6-digit TOTP code or a recovery code (used up).

    Returns ``(device, "totp" | "recovery")`` or None for a wrong code (counted on the
    throttle). DomainError while throttled or without two factors."""
    code = normalise(code)
    with transaction.atomic():
        device = _locked_device(user)
        if device is None:
            raise DomainError(_("您尚未启用两步验证。"), code=ErrorCode.CONFLICT)
        wait = _throttle_wait(device)
        if wait:
            raise _throttled_error(wait)
        result = None
        if _totp_matches(device, code):
            result = (device, "totp")
        elif code and not code.isdigit():
            token = (
                StaticToken.objects.select_for_update()
                .filter(device__user=user, device__confirmed=True, token=hash_recovery_code(code))
                .select_related("device")
                .first()
            )
            if token is not None:
                static = token.device
                token.delete()
                left = StaticToken.objects.filter(device=static).count()
                ledger.append(
                    EventType.RECOVERY_CODE_USED,
                    _subject(user),
                    _payload(user, recovery_codes_left=left),
                    actor=user,
                )
                result = (static, "recovery")
        if result is None:
            device.throttle_increment(commit=True)
        else:
            device.throttle_reset(commit=False)
            device.save()
    return result


def _require_code(user, code):
    """A current code (TOTP or recovery) is needed for changes by the user themself."""
    result = verify(user, code)
    if result is None:
        raise DomainError(_("验证码不正确，未作更改。"), code=ErrorCode.WRONG_OTP)
    return result


def renew_recovery_codes(user, code) -> list[str]:
    """New recovery codes (the old ones stop working); needs a current code."""
    _require_code(user, code)  # its own transaction: a failure stays counted
    with transaction.atomic():
        codes = _store_recovery_codes(user)
        ledger.append(
            EventType.RECOVERY_CODES_RENEWED,
            _subject(user),
            _payload(user, recovery_codes=len(codes)),
            actor=user,
        )
    return codes


def disable(user, code) -> None:
    """The user turns two factors off (needs a current code). A user whose role requires
    them is sent to enrolment again on the next request."""
    _require_code(user, code)  # its own transaction: a failure stays counted
    with transaction.atomic():
        _delete_devices(user)
        ledger.append(
            EventType.TWO_FACTOR_DISABLED,
            _subject(user),
            _payload(user, required=is_required(user)),
            actor=user,
        )


def _delete_devices(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def can_reset(actor, target) -> bool:
    try:
        _check_reset(actor, target)
    except DomainError:
        return False
    return True


def _check_reset(actor, target):
    from sanxiang.org.models import Role
    from sanxiang.org.permissions import require_agency_access, require_role

    require_role(actor, Role.ADMIN, message=_("只有系统管理员可以重置他人的两步验证。"))
    if actor.pk == target.pk:
        raise PermissionDenied(_("不能重置本人的两步验证，请在“两步验证”页面凭验证码停用。"))
    platform_admin = actor.is_superuser and actor.agency_id is None
    if target.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("只有平台超级管理员可以重置超级管理员的两步验证。"))
    if target.agency_id is None:
        if not platform_admin:
            raise PermissionDenied(_("您无权重置其他机关用户的两步验证。"))
        return
    require_agency_access(actor, target.agency_id, _("您无权重置其他机关用户的两步验证。"))


def reset(actor, target, reason="") -> None:
    """An agency administrator resets another user's two factors (lost phone and codes):
    the user's devices are deleted; the next login asks for enrolment again where the role
    requires it. Scoped: own agency (a supervisor agency's administrator: its subtree)."""
    _check_reset(actor, target)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("请填写重置原因（如：手机遗失，已核实本人身份）。"), code=ErrorCode.REASON_REQUIRED
        )
    if len(reason) > 200:
        raise DomainError(_("重置原因不能超过 200 个字。"), code=ErrorCode.OUT_OF_RANGE)
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=target).exists() and not (
            StaticDevice.objects.filter(user=target).exists()
        ):
            raise DomainError(_("该用户未启用两步验证，无需重置。"), code=ErrorCode.CONFLICT)
        _delete_devices(target)
        ledger.append(
            EventType.TWO_FACTOR_RESET,
            _subject(target),
            _payload(target, reason=reason, required=is_required(target)),
            actor=actor,
        )


# ----------------------------------------------------------------------------- middleware

# paths a password-authenticated session may reach before its second factor
ALLOWED = (
    "/accounts/2fa/verify/",
    "/accounts/2fa/enrol/",
    "/accounts/logout/",
    "/static/",
    "/gs/",
)


class TwoFactorMiddleware:
    """After OTPMiddleware: a session that has passed the password but not the second factor
    (user enrolled, or role requires it) reaches only the verify/enrol pages and logout;
    pages redirect there, the API answers 403 ``two_factor_required``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path_info.startswith(ALLOWED)
            and hasattr(user, "is_verified")
            and not user.is_verified()
        ):
            step = pending_step(user)
            if step is not None:
                return self._refuse(request, step)
        return self.get_response(request)

    def _refuse(self, request, step):
        if request.path_info.startswith("/api/"):
            text = (
                _g("请先完成两步验证。")
                if step == "verify"
                else _g("您的角色须启用两步验证，请先在工作台完成绑定。")
            )
            return refusal(request, 403, text, code="two_factor_required")
        url = reverse("twofactor:verify" if step == "verify" else "twofactor:enrol")
        if request.method == "GET":
            url += "?next=" + quote(request.get_full_path(), safe="/")
        return HttpResponseRedirect(url)
