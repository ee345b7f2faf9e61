from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "sanxiang.records"
    label = "records"
    verbose_name = _("音像记录与证据")
