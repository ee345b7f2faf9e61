"""Leaves, node hashes and signed tree heads refuse UPDATE and DELETE (see append_only)."""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        *append_only_operations("ledger_leaf"),
        *append_only_operations("ledger_nodehash"),
        *append_only_operations("ledger_signedtreehead"),
    ]
