"""Session lifetime (issue #12 item 5): a workbench session ends after ``SESSION_IDLE_SECONDS``
without a request (default 30 minutes) and, however active, ``SESSION_ABSOLUTE_SECONDS``
after the login (default 12 hours). Times come from ``core.clock`` and are kept in the
session itself; the last-activity stamp is written at most once a minute, so an active user
does not cost a session write per request.

Only sessions are concerned: API requests authenticated by token carry no session.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import JsonResponse
from django.utils.translation import gettext as _

from . import clock

LOGIN_AT = "sx_login_at"
SEEN_AT = "sx_seen_at"
TOUCH_EVERY = 60  # seconds between writes of the last-activity stamp


def idle_seconds() -> int:
    return int(getattr(settings, "SESSION_IDLE_SECONDS", 30 * 60))


def absolute_seconds() -> int:
    return int(getattr(settings, "SESSION_ABSOLUTE_SECONDS", 12 * 3600))


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    now = int(clock.now().timestamp())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def expired(session, now: int) -> str | None:
    """Why the session has ended ("idle" or "absolute"), or None while it is valid."""
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT, login_at)
    if login_at is None:
        return None  # a session from before this rule: stamped on its next request
    if now - int(login_at) > absolute_seconds():
        return "absolute"
    if seen_at is not None and now - int(seen_at) > idle_seconds():
        return "idle"
    return None


class SessionLifetimeMiddleware:
    """Logs out a session that has been idle or alive too long (after AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            now = int(clock.now().timestamp())
            if LOGIN_AT not in session:
                session[LOGIN_AT] = now
                session[SEEN_AT] = now
            why = expired(session, now)
            if why:
                return self._ended(request, why)
            if now - int(session.get(SEEN_AT, 0)) >= TOUCH_EVERY:
                session[SEEN_AT] = now
        return self.get_response(request)

    def _ended(self, request, why):
        if why == "idle":
            text = _("您已超过 %(n)d 分钟未操作，为保护数据安全已自动退出，请重新登录。") % {
                "n": idle_seconds() // 60
            }
        else:
            text = _("登录已超过 %(n)d 小时，为保护数据安全已自动退出，请重新登录。") % {
                "n": absolute_seconds() // 3600
            }
        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "session_expired", "detail": text}, status=401)
        messages.info(request, text)
        return redirect_to_login(request.get_full_path())
