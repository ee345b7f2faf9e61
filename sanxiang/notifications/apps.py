from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "sanxiang.notifications"
    label = "notifications"
    verbose_name = _("站内通知")

    def ready(self):
        from sanxiang.core.navigation import register_nav

        from . import views

        register_nav(views.nav_items)
