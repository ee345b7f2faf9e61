"""Discretion assessments (check + written reason) are append-only (database triggers);
only the ledger index may be filled in after insert."""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [("discretion", "0001_initial"), ("ledger", "0002_append_only")]

    operations = [
        *append_only_operations("discretion_assessment", allow_update_columns=["ledger_index"])
    ]
