from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "sanxiang.evaluation"
    label = "evaluation"
    verbose_name = _("案卷评查")

    def ready(self):
        from django.urls import reverse

        from sanxiang.core.navigation import register_nav, register_panel
        from sanxiang.org.models import Role

        from .views import evaluation_panel

        def nav(request):
            user = request.user
            if not user.is_authenticated or user.agency_id is None:
                return []
            if user.role not in (Role.SUPERVISOR, Role.HANDLER, Role.HEAD):
                return []
            return [(str(_("案卷评查")), reverse("evaluation:index"))]

        register_nav(nav)
        register_panel(evaluation_panel)

        from .deadline_kinds import register_all

        register_all()
