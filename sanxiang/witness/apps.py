from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WitnessConfig(AppConfig):
    name = "sanxiang.witness"
    label = "witness"
    verbose_name = _("账本见证")
