"""Make ``publicity_snapshot`` append-only by trigger (issue #11 item 10): a preview may be rewritten; once
published, the content is frozen and only the state, the window and the withdrawal
columns change (``search_vector`` is PostgreSQL's generated column).

Repeat ``append_only_operations`` after any later migration that rebuilds this table on
SQLite (AddField/AlterField …), and keep ``ledger/protection.py`` in step.
"""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [("publicity", "0003_search_vector"), ("ledger", "0002_append_only")]
    operations = [
        *append_only_operations(
            "publicity_snapshot",
            allow_update_columns=[
                "state",
                "published_at",
                "visible_until",
                "withdrawn_on",
                "withdrawal_kind",
                "withdrawal_reason",
                "ledger_index",
                "updated_at",
                "search_vector",
            ],
            mutable_while="""OLD."state" = 'preview'""",
        ),
    ]
