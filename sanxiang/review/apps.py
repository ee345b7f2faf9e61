from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "sanxiang.review"
    label = "review"
    verbose_name = _("重大执法决定法制审核")

    def ready(self):
        from django.db.models.signals import pre_save

        from . import hooks

        try:
            from sanxiang.cases.gates import register_decision_gate
        except ImportError:  # pragma: no cover - cases app always installed
            register_decision_gate = None
        if register_decision_gate is not None:
            from .services import gate

            register_decision_gate(gate)
        # Defence in depth: a decision document issued by any path (documents workbench,
        # API, service call) must pass the same gate as cases.services.decide.
        pre_save.connect(
            hooks.guard_decision_issue,
            sender="documents.Document",
            dispatch_uid="review_guard_decision_issue",
        )
        hooks.register()

        from .deadline_kinds import register_all

        register_all()
