from django.conf import settings
from django.shortcuts import render

from .errors import DomainError, ErrorCode


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
