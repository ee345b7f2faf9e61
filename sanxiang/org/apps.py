from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock


class OrgConfig(AppConfig):
    name = "sanxiang.org"
    label = "org"
    verbose_name = _("组织机构与执法人员")

    def ready(self):
        from django.urls import reverse

        from sanxiang.core.navigation import register_nav, register_panel

        def nav(request):
            return [("执法主体与人员", reverse("org:agencies"))]

        register_nav(nav)
        register_panel(certificate_panel)


def certificate_panel(request):
    """Certificates expired or expiring within 30 days, for heads, supervisors, admins."""
    import datetime as dt

    from .models import Certificate, CertificateStatus, Role
    from .scoping import scope

    user = request.user
    if not (user.is_superuser or user.role in (Role.HEAD, Role.SUPERVISOR, Role.ADMIN)):
        return None
    today = clock.today()
    valid = scope(Certificate.objects.filter(status=CertificateStatus.VALID), user)
    expiring = list(
        valid.filter(expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=30))
        .select_related("officer")
        .order_by("expires_on")[:10]
    )
    return {
        "title": "执法证有效期提醒",
        "template": "org/panel_certificates.html",
        "context": {"expiring": expiring, "expired": valid.filter(expires_on__lt=today).count()},
    }
