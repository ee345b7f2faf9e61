"""Public feed of every signed tree head (issue #11 item 9): ``GET /ledger/heads/``.

Anyone may fetch and archive it (no login): once a head is in someone else's hands, the
agency cannot take the history it signs back — deleting leaves, or heads, is shown by
``manage.py ledger verify --known-heads <saved feed>`` and by any RFC 9162 consistency
proof against the saved head. Newest first, ``?before=<id>`` pages back, ``?limit=``
(1–1000, default 100).
"""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .models import SignedTreeHead

MAX_LIMIT = 1000


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@require_GET
def heads_feed(request):
    from .bundle import public_key_info

    limit = min(max(_int(request.GET.get("limit"), 100), 1), MAX_LIMIT)
    qs = SignedTreeHead.objects.order_by("-id")
    before = _int(request.GET.get("before"), None)
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = list(qs[: limit + 1])
    heads = [{"id": h.pk, **h.as_dict()} for h in rows[:limit]]
    body = {
        "format": "sanxiang-ledger-heads/1",
        "public_key": public_key_info(),
        "heads": heads,
        "next": (
            f"{request.path}?before={heads[-1]['id']}&limit={limit}" if len(rows) > limit else None
        ),
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=5"
    response["Access-Control-Allow-Origin"] = "*"
    return response
