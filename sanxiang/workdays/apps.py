from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _invalidate_on_change(**kwargs):
    from . import calendar

    calendar.invalidate()


class WorkdaysConfig(AppConfig):
    name = "sanxiang.workdays"
    label = "workdays"
    verbose_name = _("工作日")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from sanxiang.core.navigation import register_banner, register_nav, register_panel

        from . import views

        # A flush (tests) or migration rewrites the tables behind the caches' back.
        post_migrate.connect(_invalidate_on_change, dispatch_uid="workdays-invalidate")
        # Direct saves (shell, data migrations) at least drop this process's caches; services
        # also change the revision token so that other processes reload.
        from .models import HolidayOverride, HolidayYear

        for model in (HolidayOverride, HolidayYear):
            for signal in (post_save, post_delete):
                signal.connect(
                    _invalidate_on_change, sender=model, dispatch_uid=f"workdays-{model.__name__}"
                )
        register_nav(views.nav_items)
        register_panel(views.workbench_panel)
        register_banner(views.banner)
