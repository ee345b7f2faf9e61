from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import DomainError, ErrorCode
from .inputs import refusal


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy header (Django 5.2 has no built-in CSP)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        else:
            # The Django admin uses inline scripts/styles in a few widgets.
            response.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                "script-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
            )
        return response


class DomainErrorMiddleware:
    """A DomainError escaping a workbench view becomes a clear Chinese error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            status = 403 if exception.code == ErrorCode.PERMISSION_DENIED else 400
            return render(request, "core/error.html", {"error": exception}, status=status)
        return None


def _limit_for(path, limits):
    """The body limit of the longest prefix in ``limits`` that ``path`` starts with."""
    best, limit = -1, None
    for prefix, value in limits.items():
        if path.startswith(prefix) and len(prefix) > best:
            best, limit = len(prefix), value
    return limit


def _size_label(n):
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} 字节"


class RequestBodyLimitMiddleware:
    """Refuses a request body over the limit of its URL prefix before anything reads it.

    ``settings.REQUEST_BODY_LIMITS`` maps URL prefixes to a size in bytes (the longest
    matching prefix wins; ``None`` leaves the endpoint to enforce its own limit, as the
    resumable recording upload does). The decision is taken on ``Content-Length`` alone,
    first in the middleware stack, so an over-limit body is answered 413 with nothing of it
    read, parsed or spooled to a temp file. A body streamed without ``Content-Length``
    (``Transfer-Encoding: chunked``) is answered 411: Django would read none of it, and the
    limit could not be decided up front. Behind nginx, ``client_max_body_size`` refuses the
    same bodies even earlier (docs/deployment.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.limits = dict(getattr(settings, "REQUEST_BODY_LIMITS", {}))

    def __call__(self, request):
        limit = _limit_for(request.path_info, self.limits)
        if limit is not None:
            refused = self.check(request, limit)
            if refused is not None:
                return refused
        return self.get_response(request)

    def check(self, request, limit):
        raw = request.META.get("CONTENT_LENGTH") or ""
        if not raw.strip():
            if request.META.get("HTTP_TRANSFER_ENCODING"):
                return refusal(
                    request,
                    411,
                    _("请求须注明内容长度（Content-Length），未予受理。"),
                    code="length_required",
                )
            return None
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            return refusal(
                request, 400, _("请求的内容长度（Content-Length）无效。"), code="bad_format"
            )
        if length > limit:
            return refusal(
                request,
                413,
                _("请求内容过大（%(size)s），此处上限为 %(limit)s，未予受理。")
                % {"size": _size_label(length), "limit": _size_label(limit)},
                code="too_large",
                title=_("请求内容过大"),
            )
        return None


# SQLite's driver cannot bind an integer past 2**63 - 1; Django handles such lookups itself
# on PostgreSQL (no rows). The same lookup on SQLite is therefore a miss, not a crash.
_SQLITE_OVERFLOW = "too large to convert to SQLite INTEGER"


class BadInputMiddleware:
    """Input no view can use gets a clear 4xx, never a 500.

    * A NUL character in the path, a query parameter or a cookie is refused with 400:
      PostgreSQL cannot store or compare text containing NUL, so any filter it reached
      would fail with a server error. (Form and JSON fields are covered by the NUL
      validators of Django's and DRF's ``CharField``.)
    * An id too large for the database (``/gs/jd/99999999999999999999/`` on SQLite)
      answers 404 like any other id that names no record.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.has_nul(request):
            return refusal(
                request, 400, _("请求中含有不允许的空字符（NUL），未予受理。"), code="bad_format"
            )
        return self.get_response(request)

    @staticmethod
    def has_nul(request):
        if "\x00" in request.path:
            return True
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return True
        return any("\x00" in k or "\x00" in v for k, v in request.COOKIES.items())

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError) and _SQLITE_OVERFLOW in str(exception):
            return refusal(request, 404, _("记录不存在。"), code="not_found", title=_("未找到"))
        return None
