"""Changing one's password, and the forced change of the public demo password outside the
demo (issue #12 item 5): in production mode a login with the demo password
(``org.demo.DEMO_PASSWORD``, printed in the README) may only change it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

MUST_CHANGE = "sx_must_change_password"
# paths a user who must change the password may still reach
ALLOWED = ("/accounts/password/", "/accounts/logout/", "/static/", "/accounts/2fa/")


def demo_password_refused() -> bool:
    """The demo password is refused outside development (production mode)."""
    return getattr(settings, "SANXIANG_ENV", "development") == "production"


@receiver(user_logged_in)
def _flag_demo_password(sender, request, user, **kwargs):
    from sanxiang.org.demo import DEMO_PASSWORD

    session = getattr(request, "session", None)
    if session is None or not demo_password_refused():
        return
    if user.has_usable_password() and user.check_password(DEMO_PASSWORD):
        session[MUST_CHANGE] = True


class ForcedPasswordChangeMiddleware:
    """Sends a session flagged at login to the password page until the password is changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(MUST_CHANGE)
            and not request.path.startswith(ALLOWED)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"code": "password_change_required", "detail": _("请先修改演示密码。")},
                    status=403,
                )
            return redirect("password_change")
        return self.get_response(request)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"

    def get_success_url(self):
        return reverse("core:home")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["must_change"] = bool(self.request.session.get(MUST_CHANGE))
        return ctx

    def form_valid(self, form):
        from sanxiang.org.demo import DEMO_PASSWORD

        if form.cleaned_data["new_password1"] == DEMO_PASSWORD:
            form.add_error("new_password1", _("新密码不能是演示数据的公开密码。"))
            return self.form_invalid(form)
        from sanxiang.apitokens.services import revoke_all

        with transaction.atomic():  # the new password and the revocations, or neither
            response = super().form_valid(form)
            revoked = revoke_all(
                self.request.user, actor=self.request.user, reason="password_changed"
            )
        self.request.session.pop(MUST_CHANGE, None)
        messages.success(self.request, _("密码已修改。"))
        if revoked:
            messages.info(
                self.request,
                _("原有的 %(n)d 个 API 令牌已随密码修改一并吊销，如需继续调用接口请创建新令牌。")
                % {"n": revoked},
            )
        return response


class LogoutView(auth_views.LogoutView):
    """Signing out also wipes what this site stored in the browser (field mode's encrypted
    queue and cached tasks, issue #18 item 4): ``Clear-Site-Data: "cache", "storage"``."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
