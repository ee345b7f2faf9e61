"""A case can never be deleted (issue #11 item 10). Its changes go through cases.services and
are ledgered; the decision fields are reconciled with their leaf (ledger/reconcile.py)."""

from django.db import migrations

from sanxiang.ledger.append_only import no_delete_operations


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_late_entry"), ("ledger", "0002_append_only")]
    operations = [*no_delete_operations("cases_case")]
