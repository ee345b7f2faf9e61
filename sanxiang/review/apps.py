from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "sanxiang.review"
    label = "review"
    verbose_name = _("重大执法决定法制审核")

    def ready(self):
        # The gate (services.gate) is called by name: by cases.services.decide and, for any
        # other path that issues a decision, by documents.services.issue_document.
        from . import hooks

        hooks.register()

        from .deadline_kinds import register_all

        register_all()
