"""Make ``inspections_plan`` and ``inspections_task`` append-only by trigger (issue #11 item 10): a draft plan may
change; once drawn, seed, candidates and result are frozen (only completion and
publication columns change). A task's target, order and plan are frozen from the draw;
its result columns are filled in once, then the whole row is frozen.

Repeat ``append_only_operations`` after any later migration that rebuilds this table on
SQLite (AddField/AlterField …), and keep ``ledger/protection.py`` in step.
"""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("ledger", "0002_append_only")]
    operations = [
        *append_only_operations(
            "inspections_plan",
            allow_update_columns=["status", "completed_at", "published_at", "public_snapshot"],
            mutable_while="""OLD."status" = 'draft'""",
        ),
        *append_only_operations(
            "inspections_task",
            allow_update_columns=["result", "note", "recorded_at", "recorded_by_id"],
            allowed_while="""OLD."result" = ''""",
        ),
    ]
