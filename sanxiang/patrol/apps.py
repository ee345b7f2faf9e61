from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolConfig(AppConfig):
    name = "sanxiang.patrol"
    label = "patrol"
    verbose_name = _("网上巡查")

    def ready(self):
        from django.urls import reverse

        from sanxiang.core.navigation import register_nav, register_panel
        from sanxiang.org.models import Role

        from .deadline_kinds import register_all
        from .views import patrol_panel

        def nav(request):
            user = request.user
            if not user.is_authenticated or user.agency_id is None:
                return []
            if user.role not in (Role.SUPERVISOR, Role.HANDLER, Role.HEAD):
                return []
            return [(str(_("网上巡查")), reverse("patrol:index"))]

        register_nav(nav)
        register_panel(patrol_panel)
        register_all()
