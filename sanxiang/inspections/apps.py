from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "sanxiang.inspections"
    label = "inspections"
    verbose_name = _("双随机、一公开")

    def ready(self):
        from django.urls import reverse

        from sanxiang.core.navigation import register_nav, register_panel
        from sanxiang.org.models import Role

        from .views import inspections_panel

        def nav(request):
            user = request.user
            if not user.is_authenticated or (user.agency_id is None and not user.is_superuser):
                return []
            if user.role == Role.REVIEWER:
                return []
            return [(str(_("双随机抽查")), reverse("inspections:index"))]

        register_nav(nav)
        register_panel(inspections_panel)
