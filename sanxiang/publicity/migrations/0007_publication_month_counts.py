"""PostgreSQL: published decisions per agency and month of the decision, on time and late,
kept by the database (``publicity_publication_month``), so the supervisor's dashboard reads
at most 13 rows per agency instead of every publication of the last 12 months
(province-scale bench, issue #16 item 6; the same shape as cases migration 0009).

The table is derived data, not a record: statement-level triggers on ``publicity_publication``
add the inserted rows, move the updated ones (old row out, new row in; rows whose agency,
decision date, ``published_at`` being set and ``published_late`` did not change net to
nothing and write nothing) and take out deleted ones, and a TRUNCATE of
``publicity_publication`` empties it. A row counts once it has been published
(``published_at`` set), as on time or late by ``published_late``; the month is that of
``decision_date`` (a date: no time zone). Existing publications are counted when the
migration runs. Pending publications are few and stay counted live (the index
``pub_agency_due`` on agency, status, due date). SQLite: nothing (the dashboard counts the
publications there).
"""

from django.db import migrations

TABLE = "publicity_publication_month"
SOURCE = "publicity_publication"
ON_TIME = "CASE WHEN published_late THEN 0 ELSE s END"
LATE = "CASE WHEN published_late THEN s ELSE 0 END"


def _upsert(rows_sql):
    """Add the signed counts of ``rows_sql`` (agency_id, decision_date, published_at,
    published_late, s) by month."""
    # constant identifiers and expressions only
    return f"""
    INSERT INTO {TABLE} AS t (agency_id, month, on_time, late)
    SELECT agency_id, date_trunc('month', decision_date)::date AS m, sum({ON_TIME}), sum({LATE})
      FROM ({rows_sql}) AS d
     WHERE published_at IS NOT NULL
     GROUP BY agency_id, m
    HAVING sum({ON_TIME}) <> 0 OR sum({LATE}) <> 0
     ORDER BY agency_id, m
    ON CONFLICT (agency_id, month) DO UPDATE
       SET on_time = t.on_time + excluded.on_time, late = t.late + excluded.late;
    """  # noqa: S608


def _forward_sql():
    cols = "agency_id, decision_date, published_at, published_late"
    new = f"SELECT {cols}, 1 AS s FROM new_rows"  # noqa: S608 - constant identifiers
    old = f"SELECT {cols}, -1 AS s FROM old_rows"  # noqa: S608 - constant identifiers
    return [
        f"""CREATE TABLE IF NOT EXISTS {TABLE} (
            agency_id bigint NOT NULL,
            month date NOT NULL,
            on_time bigint NOT NULL DEFAULT 0,
            late bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (agency_id, month))""",
        f"""CREATE OR REPLACE FUNCTION {TABLE}_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {_upsert(new)} RETURN NULL; END $$""",
        f"""CREATE OR REPLACE FUNCTION {TABLE}_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {_upsert(old + " UNION ALL " + new)} RETURN NULL; END $$""",
        f"""CREATE OR REPLACE FUNCTION {TABLE}_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {_upsert(old)} RETURN NULL; END $$""",
        f"""CREATE OR REPLACE FUNCTION {TABLE}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN TRUNCATE {TABLE}; RETURN NULL; END $$""",
        f"DROP TRIGGER IF EXISTS {TABLE}_ins ON {SOURCE}",
        f"DROP TRIGGER IF EXISTS {TABLE}_upd ON {SOURCE}",
        f"DROP TRIGGER IF EXISTS {TABLE}_del ON {SOURCE}",
        f"DROP TRIGGER IF EXISTS {TABLE}_trunc ON {SOURCE}",
        f"""CREATE TRIGGER {TABLE}_ins AFTER INSERT ON {SOURCE}
            REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_insert()""",
        f"""CREATE TRIGGER {TABLE}_upd AFTER UPDATE ON {SOURCE}
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_update()""",
        f"""CREATE TRIGGER {TABLE}_del AFTER DELETE ON {SOURCE}
            REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_delete()""",
        f"""CREATE TRIGGER {TABLE}_trunc AFTER TRUNCATE ON {SOURCE}
            FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_truncate()""",
        f"TRUNCATE {TABLE}",
        _upsert(f"SELECT {cols}, 1 AS s FROM {SOURCE}"),  # noqa: S608 - constant identifiers
    ]


BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_ins ON {SOURCE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_upd ON {SOURCE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_del ON {SOURCE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_trunc ON {SOURCE}",
    *(
        f"DROP FUNCTION IF EXISTS {TABLE}_{op}()"
        for op in ("insert", "update", "delete", "truncate")
    ),
    f"DROP TABLE IF EXISTS {TABLE}",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in _forward_sql():
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("publicity", "0006_search_gin_no_pending_list")]
    operations = [migrations.RunPython(forwards, backwards)]
