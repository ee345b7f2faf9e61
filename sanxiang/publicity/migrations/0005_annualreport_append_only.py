"""Make ``publicity_annualreport`` append-only by trigger (issue #11 item 10): a published
年度统计报告 never changes; only ``ledger_index`` is filled in, once, right after the
report's ``publicity.report_published`` leaf is appended (``reports.generate``).

This holds for the reports published before this migration too: their leaves hold the
agency, year and total but not the SHA-256 of the rest of the statistics (added to the
leaf by the same change), so from here on the trigger is what keeps their data as it was.

Repeat ``append_only_operations`` after any later migration that rebuilds this table on
SQLite (AddField/AlterField …), and keep ``ledger/protection.py`` in step.
"""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [("publicity", "0004_snapshot_append_only"), ("ledger", "0002_append_only")]
    operations = [
        *append_only_operations(
            "publicity_annualreport",
            allow_update_columns=["ledger_index"],
            allowed_while='OLD."ledger_index" IS NULL',
        ),
    ]
