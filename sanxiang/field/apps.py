from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "sanxiang.field"
    label = "field"
    verbose_name = _("移动执法（离线）")

    def ready(self):
        from sanxiang.core.navigation import register_nav

        from . import views

        register_nav(views.nav)
