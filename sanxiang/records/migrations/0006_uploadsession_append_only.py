"""Make ``records_uploadsession`` append-only by trigger (issue #11 item 10): case, uploader, length,
declared hash and labels are frozen; only the progress and the outcome change.

Repeat ``append_only_operations`` after any later migration that rebuilds this table on
SQLite (AddField/AlterField …), and keep ``ledger/protection.py`` in step.
"""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [("records", "0005_field_capture"), ("ledger", "0002_append_only")]
    operations = [
        *append_only_operations(
            "records_uploadsession",
            allow_update_columns=[
                "offset",
                "unverified_tail",
                "status",
                "error",
                "recording_id",
                "updated_at",
            ],
        ),
    ]
