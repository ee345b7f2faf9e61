"""Make ``complaints_complaint`` append-only by trigger (issue #11 item 10): content, complainant,
reference and submission time are frozen; only the handling columns change.

Repeat ``append_only_operations`` after any later migration that rebuilds this table on
SQLite (AddField/AlterField …), and keep ``ledger/protection.py`` in step.
"""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_attachments_append_only"), ("ledger", "0002_append_only")]
    operations = [
        *append_only_operations(
            "complaints_complaint",
            allow_update_columns=[
                "agency_id",
                "status",
                "clock_start",
                "decided_at",
                "reject_reason",
                "concluded_at",
                "result",
                "reply",
                "transfers",
                "history",
                "code_hash",
            ],
        ),
    ]
