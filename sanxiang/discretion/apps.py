from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscretionConfig(AppConfig):
    name = "sanxiang.discretion"
    label = "discretion"
    verbose_name = _("裁量一致性")

    def ready(self):
        from sanxiang.cases import signals

        from . import services

        signals.decision_issued.connect(
            services.on_decision_issued, dispatch_uid="discretion.decision_issued"
        )
        signals.decision_withdrawn.connect(
            services.on_decision_withdrawn, dispatch_uid="discretion.decision_withdrawn"
        )
