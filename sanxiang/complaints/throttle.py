"""Per-client-IP throttling of the public complaint pages (Django cache, fixed hourly window).

The client IP is ``REMOTE_ADDR``: behind a reverse proxy the proxy must set it (e.g. the
proxy's real-IP module), since an ``X-Forwarded-For`` header from the client is forgeable.

Counting is atomic and happens *before* the request is served: ``take()`` creates the
window's counter with ``cache.add(key, 0, WINDOW)`` (a no-op when it exists) and then
``cache.incr(key)``, which returns the new count in one operation (Redis ``INCR`` in
production, where ``CACHE_URL`` is required, so every worker process shares the counter;
the local-memory cache increments under its lock). A request is let through only when its
own increment is within the limit, so N parallel requests can never get more than the
limit through, whatever the interleaving. (The earlier "read, serve, then count" let
30 parallel submissions through 9 times against a limit of 5.)
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


def take_key(key, limit, cache_=None) -> bool:
    """Atomically count one use of ``key``; True when it is within ``limit`` this window.

    A refused use is counted too (a client hammering the form stays refused)."""
    backend = cache_ or cache
    for _attempt in range(3):
        backend.add(key, 0, WINDOW_SECONDS)
        try:
            return backend.incr(key) <= limit
        except ValueError:  # the window expired between add and incr: start a new one
            continue
    return False  # the cache keeps losing the key: fail closed


def take(bucket, request, limit) -> bool:
    """Count this request against ``bucket`` for its client IP; False when over ``limit``."""
    return take_key(_key(bucket, request), limit)


def give_back(bucket, request) -> None:
    """Return a use taken by ``take`` for a request that was not served (invalid form)."""
    try:
        cache.decr(_key(bucket, request))
    except ValueError:  # window expired meanwhile: nothing to give back
        pass


def exceeded(bucket, request, limit) -> bool:
    """Read-only check (no counting); for display only, never as the gate."""
    return (cache.get(_key(bucket, request)) or 0) >= limit
