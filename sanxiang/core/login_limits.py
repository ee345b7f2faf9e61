"""Login throttling per client address, across usernames (password spraying).

django-axes locks a username + address after a few failures; a sprayer tries one password
against many usernames and never trips it. Here every failed login (any username, any
login door: the login page, the admin, the API token endpoint) counts against the client's
address in the shared cache (Redis in production, so all workers see one count); at
``LOGIN_IP_FAILURE_LIMIT`` failures within ``LOGIN_IP_WINDOW_SECONDS`` the address may not
log in for ``LOGIN_IP_COOLOFF_SECONDS``, whatever the password. Counting is atomic
(``cache.add`` then ``cache.incr``). A success does not reset the count: a sprayer who
guesses one account must not earn a fresh budget.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .inputs import refusal

LOGIN_PATHS = ("/accounts/login/", "/admin/login/", "/api/auth/token/")


def _limit():
    return int(getattr(settings, "LOGIN_IP_FAILURE_LIMIT", 20))


def _window():
    return int(getattr(settings, "LOGIN_IP_WINDOW_SECONDS", 900))


def _cooloff():
    return int(getattr(settings, "LOGIN_IP_COOLOFF_SECONDS", 900))


def client_ip(request):
    # sanxiang.wsgi puts the proxy's X-Real-IP here when the proxy is trusted
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else None


def _count_key(ip):
    return f"sanxiang:login-ip:fail:{ip}"


def _lock_key(ip):
    return f"sanxiang:login-ip:lock:{ip}"


def is_locked(ip):
    return ip is not None and cache.get(_lock_key(ip)) is not None


def record_failure(ip):
    """Count one failed login from ``ip``; lock the address at the limit. Returns the count."""
    key = _count_key(ip)
    cache.add(key, 0, timeout=_window())  # starts the window; no-op when it runs already
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.add(key, 1, timeout=_window())
        count = 1
    if count >= _limit():
        cache.set(_lock_key(ip), 1, timeout=_cooloff())
    return count


def lockout_message():
    minutes = max(1, _cooloff() // 60)
    return _("该网络地址登录失败次数过多，已暂停登录，请 %(minutes)d 分钟后再试。") % {
        "minutes": minutes
    }


def on_login_failed(sender, credentials=None, request=None, **kwargs):
    """``user_login_failed`` receiver (connected in CoreConfig.ready)."""
    ip = client_ip(request)
    if ip is not None:
        record_failure(ip)


class IPLockoutBackend:
    """First authentication backend: no backend may log anyone in from a locked address."""

    def authenticate(self, request, **credentials):
        if is_locked(client_ip(request)):
            raise PermissionDenied(lockout_message())
        return None

    def get_user(self, user_id):
        return None


class LoginIPLimitMiddleware:
    """Answers a login attempt from a locked address with 429 and a Chinese message, before
    the login form (or the token endpoint) runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.path_info.startswith(LOGIN_PATHS)
            and is_locked(client_ip(request))
        ):
            response = refusal(
                request, 429, lockout_message(), code="locked_out", title=_("登录已暂停")
            )
            response["Retry-After"] = str(_cooloff())
            return response
        return self.get_response(request)
