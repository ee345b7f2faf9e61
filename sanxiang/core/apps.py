from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sanxiang.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from .login_limits import on_login_failed

        user_login_failed.connect(on_login_failed, dispatch_uid="sanxiang.core.login_ip_limit")
        from . import (  # noqa: F401  (login signals: session times, demo password)
            passwords_views,
            sessions,
        )
