"""PostgreSQL: cases opened and closed per agency and month, kept by the database
(``cases_case_month``), so the supervisor's dashboard reads at most 12 rows per agency
instead of every case of the last 12 months (province-scale bench, issue #16 item 6).

The table is derived data, not a record: statement-level triggers on ``cases_case`` add the
inserted rows, move the updated ones (old row out, new row in; rows whose agency,
``opened_at`` and ``closed_at`` did not change net to nothing and write nothing) and take out
deleted ones, and a TRUNCATE of ``cases_case`` empties it. Months are calendar months in the
project's time zone (``settings.TIME_ZONE``, as ``core.months``). Existing cases are counted
when the migration runs. SQLite: nothing (the dashboard counts the cases there).
"""

import re

from django.conf import settings
from django.db import migrations

TABLE = "cases_case_month"


def _tz():
    tz = settings.TIME_ZONE
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", tz):
        raise ValueError(f"unexpected TIME_ZONE {tz!r}")
    return tz


def _upsert(rows_sql):
    """Add the signed counts of ``rows_sql`` (agency_id, opened_at, closed_at, s) by month."""
    tz = _tz()
    # constant identifiers; the time zone is checked by _tz()
    return f"""
    INSERT INTO {TABLE} AS t (agency_id, month, opened, closed)
    SELECT agency_id, m, sum(o), sum(c) FROM (
        SELECT agency_id, date_trunc('month', opened_at AT TIME ZONE '{tz}')::date AS m,
               s AS o, 0 AS c
          FROM ({rows_sql}) AS d WHERE opened_at IS NOT NULL
        UNION ALL
        SELECT agency_id, date_trunc('month', closed_at AT TIME ZONE '{tz}')::date, 0, s
          FROM ({rows_sql}) AS d WHERE closed_at IS NOT NULL
    ) AS x
    GROUP BY agency_id, m
    HAVING sum(o) <> 0 OR sum(c) <> 0
    ORDER BY agency_id, m
    ON CONFLICT (agency_id, month) DO UPDATE
       SET opened = t.opened + excluded.opened, closed = t.closed + excluded.closed;
    """  # noqa: S608


def _forward_sql():
    new = "SELECT agency_id, opened_at, closed_at, 1 AS s FROM new_rows"
    old = "SELECT agency_id, opened_at, closed_at, -1 AS s FROM old_rows"
    return [
        f"""CREATE TABLE IF NOT EXISTS {TABLE} (
            agency_id bigint NOT NULL,
            month date NOT NULL,
            opened bigint NOT NULL DEFAULT 0,
            closed bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (agency_id, month))""",
        f"""CREATE OR REPLACE FUNCTION {TABLE}_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {_upsert(new)} RETURN NULL; END $$""",
        f"""CREATE OR REPLACE FUNCTION {TABLE}_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {_upsert(old + " UNION ALL " + new)} RETURN NULL; END $$""",
        f"""CREATE OR REPLACE FUNCTION {TABLE}_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {_upsert(old)} RETURN NULL; END $$""",
        f"""CREATE OR REPLACE FUNCTION {TABLE}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN TRUNCATE {TABLE}; RETURN NULL; END $$""",
        f"DROP TRIGGER IF EXISTS {TABLE}_ins ON cases_case",
        f"DROP TRIGGER IF EXISTS {TABLE}_upd ON cases_case",
        f"DROP TRIGGER IF EXISTS {TABLE}_del ON cases_case",
        f"DROP TRIGGER IF EXISTS {TABLE}_trunc ON cases_case",
        f"""CREATE TRIGGER {TABLE}_ins AFTER INSERT ON cases_case
            REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_insert()""",
        f"""CREATE TRIGGER {TABLE}_upd AFTER UPDATE ON cases_case
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_update()""",
        f"""CREATE TRIGGER {TABLE}_del AFTER DELETE ON cases_case
            REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_delete()""",
        f"""CREATE TRIGGER {TABLE}_trunc AFTER TRUNCATE ON cases_case
            FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_truncate()""",
        f"TRUNCATE {TABLE}",
        _upsert("SELECT agency_id, opened_at, closed_at, 1 AS s FROM cases_case"),
    ]


BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_ins ON cases_case",
    f"DROP TRIGGER IF EXISTS {TABLE}_upd ON cases_case",
    f"DROP TRIGGER IF EXISTS {TABLE}_del ON cases_case",
    f"DROP TRIGGER IF EXISTS {TABLE}_trunc ON cases_case",
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
    dependencies = [("cases", "0008_case_dashboard_window_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
