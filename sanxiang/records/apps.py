from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "sanxiang.records"
    label = "records"
    verbose_name = _("音像记录与证据")

    def ready(self):
        from sanxiang.core.navigation import register_nav, register_panel

        from . import navigation

        register_nav(navigation.nav)
        register_panel(navigation.panel)
        try:
            from sanxiang.cases.gates import register_activity_check

            from .requirements import activity_check

            register_activity_check(activity_check)
        except (ImportError, AttributeError):  # pragma: no cover
            pass
        try:
            from sanxiang.cases.hooks import (
                register_archive_contributor,
                register_missing_items,
                register_timeline_contributor,
            )

            from .archive import contribute
            from .navigation import timeline
            from .requirements import missing_items

            register_archive_contributor(contribute)
            register_missing_items(missing_items)
            register_timeline_contributor(timeline)
        except (ImportError, AttributeError):  # pragma: no cover
            pass
