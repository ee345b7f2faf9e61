from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [
        ("witness", "0001_initial"),
        ("ledger", "0002_append_only"),
    ]

    operations = [
        *append_only_operations("witness_cosignature"),
        *append_only_operations("witness_witnessalert"),
        *append_only_operations("witness_cosignedcheckpoint"),
    ]
