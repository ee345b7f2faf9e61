"""Pages of 智能辅助: accepting a suggested article.

A plain form POST that works without JS (the buttons use ``formaction`` inside the page's own
form, 决定 or 送审, and the view redirects back). With JS (``assist/accept.js``) the same POST
asks for JSON and gets the panel re-rendered, so what the user typed in the page's own form
stays where it is."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template import RequestContext, Template
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.scoping import scope

from . import services

_PANEL = Template("{% load assist_tags %}{% article_suggestions case 5 True %}")


def _next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _panel(request, case, message, ok):
    """The suggestions panel as the page showing it would render it (in its form)."""
    context = RequestContext(
        request,
        {"case": case, "assist_next": _next(request), "assist_status": (message, ok)},
    )
    return JsonResponse({"ok": ok, "message": message, "html": _PANEL.render(context)})


@login_required
@require_POST
def accept(request, case_id):
    """采纳推荐条款 / 撤回: ``assist_accept`` = "<article id>:<field>" (paragraph in
    ``assist_paragraph_<article id>``) or ``assist_withdraw`` = <acceptance id>."""
    from sanxiang.cases.models import Case

    case = scope(Case.objects.select_related("agency"), request.user).filter(pk=case_id).first()
    if case is None:
        # the same answer for another agency's case and for no case at all
        raise DomainError(
            _("该案件不存在或不属于您所在的机关，不能采纳推荐条款。"),
            code=ErrorCode.PERMISSION_DENIED,
        )
    try:
        if request.POST.get("assist_withdraw"):
            row = services.withdraw_acceptance(request.user, case, request.POST["assist_withdraw"])
            message = _("已撤回采纳的条款：%(c)s") % {"c": row.citation}
        else:
            raw = request.POST.get("assist_accept") or ""
            article_id, _sep, field = raw.partition(":")
            paragraph = request.POST.get(f"assist_paragraph_{article_id}")
            row = services.accept_article(
                request.user, case, article_id, field or "violated_provisions", paragraph
            )
            where = row.get_field_display()
            if row.document_id:
                msg = _("已采纳%(c)s，并写入行政处罚决定书草稿的“%(f)s”。")
            else:
                msg = _("已采纳%(c)s；制作行政处罚决定书时将填入“%(f)s”。")
            message = msg % {"c": row.citation, "f": where}
        ok = True
    except DomainError as exc:
        message, ok = str(exc.message), False
    if _wants_json(request):
        return _panel(request, case, message, ok)
    (messages.success if ok else messages.error)(request, message)
    target = _next(request)
    return redirect(target) if target else redirect("cases:detail", case.pk)
