"""The person's own notifications: list, and mark all as read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import inbox, services


def nav_items(request):
    """The counts live in the badge base.html includes (notifications/badge.html)."""
    return []


@login_required
@require_GET
def todos(request):
    return render(request, "notifications/todos.html", {"groups": inbox.grouped(request.user)})


@login_required
@require_GET
def index(request):
    page = Paginator(services.for_user(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/index.html", {"page": page})


@login_required
@require_POST
def mark_read(request):
    n = services.mark_all_read(request.user)
    messages.success(request, _("已将%(n)s条通知标记为已读。") % {"n": n})
    return redirect("notifications:index")
