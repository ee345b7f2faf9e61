"""PostgreSQL: the search index without a GIN pending list, and an index for the dashboard's
publication timeliness per agency (province-scale bench, issue #16 item 6).

* ``pub_snap_vector`` gets ``fastupdate = off``. With the default, new entries wait in an
  unsorted pending list (up to ``gin_pending_list_limit``, 4 MB) until a vacuum merges them,
  and every search reads that whole list: on a province database after a bulk publication
  a three-word company-name search read ~300 pending pages for 20 rows. Publications are
  inserted one at a time, so paying the index update at insert is cheap.
* ``pub_agency_decision`` on ``publicity_publication (agency_id, decision_date)``: the
  dashboard counts each agency's publications of the last 12 months, which was a sequential
  scan of every publication.

SQLite: nothing (FTS5 table; the table is small there).
"""

from django.db import migrations

PG_FORWARD = [
    "ALTER INDEX IF EXISTS pub_snap_vector SET (fastupdate = off)",
    # entries already waiting in the pending list move into the index now
    "SELECT gin_clean_pending_list(to_regclass('pub_snap_vector')) "
    "WHERE to_regclass('pub_snap_vector') IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS pub_agency_decision "
    "ON publicity_publication (agency_id, decision_date)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS pub_agency_decision",
    "ALTER INDEX IF EXISTS pub_snap_vector RESET (fastupdate)",
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
    dependencies = [("publicity", "0005_annualreport_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
