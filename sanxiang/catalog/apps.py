from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "sanxiang.catalog"
    label = "catalog"
    verbose_name = _("目录清单")

    def ready(self):
        from django.urls import reverse

        from sanxiang.core.navigation import register_nav, register_panel

        from .views import catalog_panel

        def nav(request):
            if not request.user.is_authenticated:
                return []
            return [(str(_("目录清单")), reverse("catalog:index"))]

        register_nav(nav)
        register_panel(catalog_panel)
