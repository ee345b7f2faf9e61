from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "sanxiang.ledger"
    label = "ledger"
    verbose_name = _("防篡改账本")

    def ready(self):
        from . import algorithm, append_only, checks

        append_only.install()
        checks.register()
        algorithm.register_checks()  # SANXIANG_LEDGER_HASH (issue #16 item 7)
