from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    name = "sanxiang.transfers"
    label = "transfers"
    verbose_name = _("涉嫌犯罪案件移送")

    def ready(self):
        from sanxiang.core.navigation import register_nav

        from .views import nav

        register_nav(nav)
