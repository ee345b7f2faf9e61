from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "sanxiang.org"
    label = "org"
    verbose_name = _("组织机构与执法人员")

    def ready(self):
        from django.urls import reverse

        from sanxiang.core.navigation import register_nav

        def nav(request):
            return [("执法主体与人员", reverse("org:agencies"))]

        register_nav(nav)
