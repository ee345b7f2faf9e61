"""Make ``evaluation_sheet`` append-only by trigger (issue #11 item 10): a sheet is frozen once submitted.

Repeat ``append_only_operations`` after any later migration that rebuilds this table on
SQLite (AddField/AlterField …), and keep ``ledger/protection.py`` in step.
"""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial"), ("ledger", "0002_append_only")]
    operations = [
        *append_only_operations("evaluation_sheet", mutable_while='OLD."submitted_at" IS NULL'),
    ]
