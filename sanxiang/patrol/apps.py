from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolConfig(AppConfig):
    name = "sanxiang.patrol"
    label = "patrol"
    verbose_name = _("网上巡查")

    def ready(self):
        from sanxiang.core.navigation import register_nav, register_panel
        from sanxiang.evaluation.shared.views import nav

        from .deadline_kinds import register_all
        from .views import patrol_panel

        register_nav(nav(self.verbose_name, "patrol:index"))
        register_panel(patrol_panel)
        register_all()
