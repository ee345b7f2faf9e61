from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _dashboard_nav(request):
    """监督看板 in the menu of supervisors (issue #13 item 6)."""
    from django.urls import reverse

    from .dashboard import may_see

    if not may_see(request.user):
        return []
    return [(_("监督看板"), reverse("core:dashboard"))]


class CoreConfig(AppConfig):
    name = "sanxiang.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from .login_limits import on_login_failed

        user_login_failed.connect(on_login_failed, dispatch_uid="sanxiang.core.login_ip_limit")
        from .navigation import register_nav

        register_nav(_dashboard_nav)
        from .labels import install as install_form_labels

        install_form_labels()  # no ASCII colon after form labels (labels.py)
        from . import (  # noqa: F401  (login signals: session times, demo password)
            passwords_views,
            sessions,
        )
