from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "sanxiang.alerts"
    label = "alerts"
    verbose_name = _("监督预警")

    def ready(self):
        from django.urls import reverse

        from sanxiang.core.navigation import register_nav, register_panel

        from .services import VIEW_ROLES
        from .views import alerts_panel

        def nav(request):
            user = request.user
            if not user.is_authenticated or not user.has_role(*VIEW_ROLES):
                return []
            return [(str(_("监督预警")), reverse("alerts:index"))]

        register_nav(nav)
        register_panel(alerts_panel)
