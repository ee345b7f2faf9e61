"""Pages of the two-factor login (service: ``core/twofactor.py``), under /accounts/2fa/."""

from __future__ import annotations

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.org.scoping import scope

from . import login_limits, twofactor
from .errors import DomainError
from .inputs import refusal

FAILURES = "sx_2fa_failures"


def max_failures() -> int:
    return int(getattr(settings, "TWO_FACTOR_SESSION_FAILURE_LIMIT", 5))


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _verified(request) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


def _count_failure(request):
    """A wrong second factor is a failed login: django-axes (username + address) and the
    per-address limit count it; after ``max_failures()`` in one session the session ends."""
    user = request.user
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    count = request.session.get(FAILURES, 0) + 1
    request.session[FAILURES] = count
    if count >= max_failures() or getattr(request, "axes_locked_out", False):
        logout(request)
        messages.error(request, _("验证码错误次数过多，请重新登录。"))
        return redirect("login")
    return None


@login_required
def verify(request):
    user = request.user
    if _verified(request):
        return redirect(_next(request))
    step = twofactor.pending_step(user)
    if step == "enrol":
        return redirect("twofactor:enrol")
    if step is None:
        return redirect(_next(request))
    error = None
    if request.method == "POST":
        if login_limits.is_locked(login_limits.client_ip(request)):
            logout(request)
            return refusal(request, 429, login_limits.lockout_message(), code="locked_out")
        try:
            result = twofactor.verify(user, request.POST.get("otp_token", ""))
        except DomainError as exc:
            result, error = None, exc.message
        else:
            if result is None:
                ended = _count_failure(request)
                if ended is not None:
                    return ended
                error = _("验证码不正确，请重试。")
        if result is not None:
            device, kind = result
            request.session.cycle_key()
            django_otp.login(request, device)
            request.session.pop(FAILURES, None)
            if kind == "recovery":
                left = twofactor.recovery_codes_left(user)
                messages.warning(
                    request,
                    _("您使用了一个恢复码，还剩 %(n)d 个。请尽快在“两步验证”页面重新生成。")
                    % {"n": left},
                )
            return redirect(_next(request))
    return _no_store(
        render(
            request,
            "core/twofactor_verify.html",
            {"error": error, "next": _next(request)},
            status=400 if error else 200,
        )
    )


@login_required
def enrol(request):
    user = request.user
    if twofactor.is_enrolled(user):
        return redirect("twofactor:manage")
    error = None
    if request.method == "POST":
        try:
            device, codes = twofactor.confirm_enrolment(user, request.POST.get("otp_token", ""))
        except DomainError as exc:
            error = exc.message
        else:
            request.session.cycle_key()
            django_otp.login(request, device)
            return _no_store(
                render(
                    request,
                    "core/twofactor_codes.html",
                    {"codes": codes, "enrolled": True, "next": _next(request)},
                )
            )
    device = twofactor.pending_device(user)
    return _no_store(
        render(
            request,
            "core/twofactor_enrol.html",
            {
                "qr": twofactor.qr_data_uri(device),
                "secret": twofactor.secret_text(device),
                "required": twofactor.is_required(user),
                "error": error,
                "next": _next(request),
            },
            status=400 if error else 200,
        )
    )


@login_required
def manage(request):
    user = request.user
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        code = request.POST.get("otp_token", "")
        try:
            if action == "renew":
                codes = twofactor.renew_recovery_codes(user, code)
                return _no_store(render(request, "core/twofactor_codes.html", {"codes": codes}))
            if action == "disable":
                twofactor.disable(user, code)
                messages.success(request, _("两步验证已停用。"))
                return redirect("twofactor:manage")
            error = _("未知的操作。")
        except DomainError as exc:
            error = exc.message
    return _no_store(
        render(
            request,
            "core/twofactor_manage.html",
            {
                "enrolled": twofactor.is_enrolled(user),
                "required": twofactor.is_required(user),
                "codes_left": twofactor.recovery_codes_left(user),
                "is_admin": user.has_role("admin"),
                "error": error,
            },
            status=400 if error else 200,
        )
    )


@login_required
def users(request):
    """An administrator's list of the users in scope, with their two-factor status."""
    from sanxiang.org.models import Role
    from sanxiang.org.permissions import require_role

    require_role(request.user, Role.ADMIN)
    people = list(
        scope(get_user_model().objects.filter(is_active=True), request.user)
        .select_related("agency")
        .order_by("agency__name", "username")
    )
    enrolled = set(
        twofactor.TOTPDevice.objects.filter(
            confirmed=True, user__in=[p.pk for p in people]
        ).values_list("user_id", flat=True)
    )
    rows = [
        {
            "user": p,
            "enrolled": p.pk in enrolled,
            "required": twofactor.is_required(p),
            "can_reset": p.pk in enrolled and twofactor.can_reset(request.user, p),
        }
        for p in people
    ]
    return render(request, "core/twofactor_users.html", {"rows": rows})


@login_required
@require_POST
def reset(request, user_id):
    target = get_object_or_404(get_user_model(), pk=user_id)
    twofactor.reset(request.user, target, request.POST.get("reason", ""))
    messages.success(request, _("已重置 %(name)s 的两步验证。") % {"name": target.display_name})
    return redirect("twofactor:users")
