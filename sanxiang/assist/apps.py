from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistConfig(AppConfig):
    name = "sanxiang.assist"
    label = "assist"
    verbose_name = _("智能辅助")

    def ready(self):
        from . import signals

        signals.connect()
