"""Irreversible acts ask first (签发, 作出决定, 提交评分, 撤回公示).

The view calls ``ask(request, ...)`` before acting: unless the POST carries ``confirm=1``
it returns a confirmation page that says what will happen and that it cannot be undone, and
re-posts every field the person entered (hidden) with ``confirm=1``. Server-side only: it
works without JavaScript and under the CSP, and a browser test sees a page, not a dialog.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

SKIP = {"csrfmiddlewaretoken", "confirm"}


def confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get("confirm") == "1"


def ask(request, *, act: str, consequence: str, back_url: str, button: str = ""):
    """None when the act is confirmed; else the confirmation page (HTTP 200)."""
    if confirmed(request):
        return None
    fields = [
        (key, value)
        for key in request.POST
        if key not in SKIP
        for value in request.POST.getlist(key)
    ]
    return render(
        request,
        "notifications/confirm.html",
        {
            "act": act,
            "consequence": consequence,
            "back_url": back_url,
            "button": button or _("确认%(a)s") % {"a": act},
            "fields": fields,
            "action": request.get_full_path(),
        },
    )
