"""Reading untrusted request input without surprises.

Numbers and ids from query strings are parsed here, bounded so that a database never sees a
value it cannot store (SQLite's driver raises ``OverflowError`` past 2**63 - 1, and an
OFFSET that large is refused by both databases), and ``refusal`` builds the plain answers
that middleware sends before any view (or template context) runs.
"""

from django.http import HttpResponse, JsonResponse
from django.utils.html import escape

# Largest value of a 64-bit signed integer column (BigAutoField, SQLite INTEGER).
MAX_DB_INT = 2**63 - 1
# A page number past this is answered with an empty page, never an enormous OFFSET.
MAX_PAGE = 10_000


def parse_id(value):
    """``value`` as a database id (ASCII digits, 1 … 2**63 - 1), or None.

    ``str.isdigit`` is not enough: it accepts "²" and "١", which ``int`` refuses or
    reads differently."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_DB_INT else None


def parse_int(value, default, *, low, high):
    """``value`` as an int clamped to ``low`` … ``high``; ``default`` when it is not a
    plain decimal integer."""
    text = str(value).strip() if value is not None else ""
    if text[:1] in "+-":
        sign, digits = text[:1], text[1:]
    else:
        sign, digits = "", text
    if not digits or not digits.isascii() or not digits.isdigit():
        return default
    if len(digits) > 30:  # far past any bound: no need to build the number
        return low if sign == "-" else high
    return min(high, max(low, int(sign + digits)))


def parse_page(value, max_page=MAX_PAGE):
    """A 1-based page number from a query parameter: 1 when missing or malformed, at
    most ``max_page``."""
    return parse_int(value, 1, low=1, high=max_page)


_HTML = """<!doctype html>
<html lang="zh-hans"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p role="alert">{message}</p></body></html>
"""


def refusal(request, status, message, *, code, title="请求未被受理"):
    """An answer for a request refused before any view ran: ``{"code", "detail"}`` JSON
    under /api/ (like the DRF exception handler), a minimal Chinese page elsewhere."""
    message = str(message)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": code, "detail": message},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(
            _HTML.format(title=escape(title), message=escape(message)),
            status=status,
            content_type="text/html; charset=utf-8",
        )
    response["Cache-Control"] = "no-store"
    return response
