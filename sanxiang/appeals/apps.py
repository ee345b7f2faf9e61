from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "sanxiang.appeals"
    label = "appeals"
    verbose_name = _("行政复议与行政诉讼")

    def ready(self):
        from sanxiang.core.navigation import register_nav, register_panel

        from .views import nav, panel

        register_nav(nav)
        register_panel(panel)

        from sanxiang.cases.hooks import register_timeline_contributor

        from .hooks import timeline

        register_timeline_contributor(timeline)
