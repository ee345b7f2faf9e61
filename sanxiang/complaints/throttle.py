"""Per-client-IP throttling of the public complaint pages (Django cache, fixed hourly window).

The client IP is ``REMOTE_ADDR``: behind a reverse proxy the proxy must set it (e.g. the
proxy's real-IP module), since an ``X-Forwarded-For`` header from the client is forgeable.
"""

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600
SUBMIT_LIMIT = getattr(settings, "COMPLAINT_SUBMIT_LIMIT", 5)
LOOKUP_LIMIT = getattr(settings, "COMPLAINT_LOOKUP_LIMIT", 20)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _key(bucket, request):
    return f"complaints:throttle:{bucket}:{client_ip(request)}"


def exceeded(bucket, request, limit) -> bool:
    return (cache.get(_key(bucket, request)) or 0) >= limit


def hit(bucket, request) -> None:
    key = _key(bucket, request)
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW_SECONDS)
