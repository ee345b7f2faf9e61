"""Field mode pages: the installable shell (/field/), its service worker and manifest, and
the device list where a head or supervisor revokes a lost phone."""

import hashlib
import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.models import Role

from . import services

STATIC_DIR = Path(__file__).resolve().parent / "static" / "field"


def nav(request):
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    if user.role in services.FIELD_ROLES and user.agency_id:
        items.append((_("移动执法"), reverse("field:index")))
    if user.role in (Role.HEAD, Role.SUPERVISOR):
        items.append((_("移动设备"), reverse("field:devices")))
    return items


@login_required
@require_GET
def index(request):
    allowed = request.user.role in services.FIELD_ROLES and request.user.agency_id
    return render(
        request,
        "field/index.html",
        {"allowed": allowed, "wipe_days": services.wipe_after_days()},
    )


def _shell_urls():
    return [
        reverse("field:index"),
        reverse("field:manifest"),
        static("core/app.css"),
        static("django_htmx/htmx.min.js"),
        static("field/field.css"),
        static("field/field.js"),
        static("field/icon.svg"),
    ]


@require_GET
def service_worker(request):
    """/field/sw.js: served from /field/ so that its scope is /field/ (no extra header)."""
    body = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    shell = _shell_urls()
    version = hashlib.sha256((body + json.dumps(shell)).encode()).hexdigest()[:12]
    head = f"var SHELL = {json.dumps(shell)};\nvar VERSION = {json.dumps(version)};\n"
    response = HttpResponse(head + body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    data = {
        "name": _("三项制度执法平台 · 移动执法"),
        "short_name": _("移动执法"),
        "lang": "zh-CN",
        "start_url": reverse("field:index"),
        "scope": reverse("field:index"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e79",
        "icons": [
            {"src": static("field/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )


@login_required
def devices(request):
    if request.user.role not in (Role.HEAD, Role.SUPERVISOR):
        return render(
            request,
            "core/error.html",
            {
                "error": DomainError(
                    _("只有机关负责人或监督人员可以管理移动执法设备。"),
                    code=ErrorCode.PERMISSION_DENIED,
                )
            },
            status=403,
        )
    rows = services.devices_visible_to(request.user).order_by("revoked_at", "-last_seen_at")
    return render(request, "field/devices.html", {"devices": rows})


@login_required
@require_POST
def revoke(request, pk):
    if not request.POST.get("confirm"):
        messages.error(request, _("请勾选“确认停用”后再提交：停用后该设备不能再同步。"))
        return redirect("field:devices")
    try:
        device = services.revoke_device(request.user, pk, request.POST.get("reason"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已停用设备：%(d)s。该设备不能再同步。") % {"d": device})
    return redirect("field:devices")
