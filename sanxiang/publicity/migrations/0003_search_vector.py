"""PostgreSQL: a stored generated tsvector column instead of the expression index.

``search_vector`` = to_tsvector('simple', search_text), kept by PostgreSQL itself on every
INSERT/UPDATE (the model does not declare it: Django never writes it). Ranking reads the
stored vector instead of re-parsing the text of every match. SQLite keeps its FTS5 table.
"""

from django.db import migrations

PG_FORWARD = [
    "DROP INDEX IF EXISTS pub_snap_fts",
    "ALTER TABLE publicity_snapshot ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS pub_snap_vector ON publicity_snapshot USING GIN (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS pub_snap_vector",
    "ALTER TABLE publicity_snapshot DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS pub_snap_fts ON publicity_snapshot "
    "USING GIN (to_tsvector('simple'::regconfig, search_text))",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("publicity", "0002_search_index")]
    operations = [migrations.RunPython(forwards, backwards)]
