from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "sanxiang.evaluation"
    label = "evaluation"
    verbose_name = _("案卷评查")

    def ready(self):
        from sanxiang.core.navigation import register_nav, register_panel
        from sanxiang.evaluation.shared.views import nav

        from .deadline_kinds import register_all
        from .views import evaluation_panel

        register_nav(nav(self.verbose_name, "evaluation:index"))
        register_panel(evaluation_panel)
        register_all()
