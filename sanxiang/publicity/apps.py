from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _nav(request):
    from django.urls import reverse

    user = request.user
    if not user.is_authenticated:
        return []
    return [(_("公示管理"), reverse("publicity:index"))]


def _panel(request):
    user = request.user
    if not user.is_authenticated or user.role not in ("handler", "head", "supervisor"):
        return None
    from .services import pending_flags

    flags = pending_flags(user)
    if not flags:
        return None
    return {
        "title": _("公示提醒：待确认或逾期未公示的决定"),
        "template": "publicity/_panel.html",
        "context": {"flags": flags[:10], "more": max(len(flags) - 10, 0)},
    }


class PublicityConfig(AppConfig):
    name = "sanxiang.publicity"
    label = "publicity"
    verbose_name = _("行政执法公示")

    def ready(self):
        from sanxiang.core.navigation import register_nav, register_panel

        from . import handlers

        register_nav(_nav)
        register_panel(_panel)

        from sanxiang.notifications import inbox

        from . import sweep
        from .deadline_kinds import register_all

        register_all()
        handlers.connect()
        inbox.register("publication_missing", _("决定未生成公示记录"), sweep.todo)
