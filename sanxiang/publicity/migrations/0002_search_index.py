"""Full-text search structures, per database vendor.

PostgreSQL: a GIN expression index over to_tsvector('simple', search_text) (jieba has
already segmented the text into space-separated words), restricted to published rows.
SQLite: an FTS5 virtual table kept in step by publicity.search.index/unindex.
"""

from django.db import migrations

PG_CREATE = (
    "CREATE INDEX IF NOT EXISTS pub_snap_fts ON publicity_snapshot "
    "USING GIN (to_tsvector('simple'::regconfig, search_text))"
)
PG_DROP = "DROP INDEX IF EXISTS pub_snap_fts"
SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS publicity_snapshot_fts USING fts5(body, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS publicity_snapshot_fts"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
