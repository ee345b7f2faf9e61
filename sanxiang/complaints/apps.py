from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "sanxiang.complaints"
    label = "complaints"
    verbose_name = _("投诉举报")

    def ready(self):
        from django.db.models.signals import pre_delete, pre_save
        from django.urls import reverse

        from sanxiang.core.navigation import register_nav, register_panel

        from . import services
        from .models import Complaint
        from .views import complaints_panel

        def nav(request):
            if not services.can_read(request.user):
                return []
            return [(str(_("投诉举报")), reverse("complaints:index"))]

        register_nav(nav)
        register_panel(complaints_panel)
        pre_delete.connect(services.refuse_delete, sender=Complaint)
        pre_save.connect(services.refuse_final_change, sender=Complaint)
