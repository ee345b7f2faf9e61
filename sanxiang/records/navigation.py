"""Menu entry, workbench panel and case-timeline entries of the records app."""

from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.org.models import Role


def nav(request):
    user = request.user
    if not user.is_authenticated:
        return []
    return [(_("音像记录"), reverse("records:list"))]


def panel(request):
    from .models import AccessRequest, FixityAlert, RecordingWaiver, RequestStatus

    user = request.user
    if not user.is_authenticated or user.role not in (Role.HEAD, Role.ADMIN, Role.SUPERVISOR):
        return None
    from sanxiang.org.scoping import scope

    ctx = {
        "pending_access": scope(
            AccessRequest.objects.filter(status=RequestStatus.PENDING), user
        ).count(),
        "pending_waivers": scope(
            RecordingWaiver.objects.filter(status=RequestStatus.PENDING), user
        ).count(),
        "alerts": scope(FixityAlert.objects.all(), user).count(),
        "requests_url": reverse("records:requests"),
        "alerts_url": reverse("records:alerts"),
    }
    if not any((ctx["pending_access"], ctx["pending_waivers"], ctx["alerts"])):
        return None
    return {"title": _("音像记录"), "template": "records/panel.html", "context": ctx}


def timeline(case):
    from .models import Recording

    out = []
    for rec in Recording.objects.filter(case=case).select_related("uploaded_by"):
        out.append(
            {
                "at": rec.uploaded_at,
                "kind": _("音像记录入库"),
                "summary": f"{rec.get_activity_display()}：{rec.original_name}",
                "actor_name": rec.uploaded_by.display_name,
                "url": reverse("records:detail", args=[rec.pk]),
                "proof": f"SHA-256 {rec.sha256[:16]}…",
            }
        )
    return out
