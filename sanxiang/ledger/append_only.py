"""Make any table append-only at the database level (PostgreSQL and SQLite).

Usage, in a migration placed after the one that creates the table::

    from django.db import migrations
    from sanxiang.ledger.append_only import append_only_operations

    class Migration(migrations.Migration):
        dependencies = [("records", "0003_evidence"), ("ledger", "0002_append_only")]
        operations = [
            *append_only_operations("records_evidence"),
            # only ``retention_until`` and ``purged_at`` may change after insert:
            *append_only_operations(
                "records_avfile", allow_update_columns=["retention_until", "purged_at"]
            ),
        ]

Depend on ``("ledger", "0002_append_only")`` so that the shared PostgreSQL function
``sanxiang_append_only()`` exists (the operations also create it idempotently).

What the triggers do
--------------------
* ``DELETE`` of any row fails.
* ``UPDATE`` fails, unless ``allow_update_columns`` is given and only those columns change
  value (an UPDATE that rewrites other columns with their *same* value, as Django's
  ``save()`` does, is allowed).
* Both vendors raise an error that Django reports as ``django.db.IntegrityError`` with
  "append-only" in the message. Catch it only to turn it into a ``DomainError``
  (``ErrorCode.IMMUTABLE``); a correction is a new row that points to the old one.

PostgreSQL: a row-level ``BEFORE UPDATE OR DELETE`` trigger ``<table>_append_only``
calling ``sanxiang_append_only(<allowed columns>)``, which compares
``to_jsonb(NEW) - allowed`` with ``to_jsonb(OLD) - allowed``. ``TRUNCATE`` is *not*
blocked: it needs the table-owner privilege anyway and Django's ``flush`` (used by
pytest-django between ``transaction=True`` tests) relies on it.

SQLite: ``<table>_append_only_update`` / ``<table>_append_only_delete`` triggers with
``RAISE(ABORT, ...)``. The DELETE trigger is skipped only when the SQL function
``sanxiang_append_only_bypass()`` returns 1; this app registers that function on every
Django SQLite connection and makes it return 1 only while Django's ``flush`` runs
(``DatabaseOperations.execute_sql_flush``), the SQLite counterpart of ``TRUNCATE``.
Any other client (the ``sqlite3`` shell, another program) does not have the function,
so its DELETE fails with "no such function" - fail closed.

Caveats
-------
* SQLite rebuilds a table for most ``AlterField``/``AddField``/``RemoveField``
  operations, and the rebuild drops its triggers. Repeat ``append_only_operations`` for
  the table in any later migration that alters it (the operations are idempotent). With
  ``allow_update_columns`` on SQLite the list of protected columns is read when the
  migration runs, another reason to repeat it after adding columns.
* Triggers stop bugs and casual edits, not a DBA who drops them; the ledger's Merkle
  hashes and signed tree heads detect that (``manage.py ledger verify``).
* Foreign keys *to* an append-only table must not use ``on_delete=CASCADE/SET_NULL``
  semantics that would need to rewrite it.
"""

from __future__ import annotations

import contextlib
import contextvars
import re

from django.db import migrations

BYPASS_FUNCTION = "sanxiang_append_only_bypass"
PG_FUNCTION = "sanxiang_append_only"
_flush_bypass = contextvars.ContextVar("sanxiang_append_only_flush", default=False)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

PG_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_NARGS > 0 THEN
        IF (to_jsonb(NEW) - TG_ARGV::text[]) = (to_jsonb(OLD) - TG_ARGV::text[]) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$body$;
"""


def _check_ident(name):
    if not _IDENT.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def _sqlite_trigger_sql(
    table, columns_that_must_not_change, mutable_while=None, allowed_while=None
):
    upd = f"{table}_append_only_update"
    dele = f"{table}_append_only_delete"
    parts, still_mutable = [], ""
    if columns_that_must_not_change is not None:
        cond = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in columns_that_must_not_change)
        if allowed_while:
            cond = f"{cond or '0'} OR NOT COALESCE(({allowed_while}), 0)"
        parts.append(f"({cond or '0'})")
    if mutable_while:
        still_mutable = f"NOT COALESCE(({mutable_while}), 0)"
        parts.append(still_mutable)
    when_update = f"WHEN {' AND '.join(parts)}" if parts else ""
    when_delete = f"NOT {BYPASS_FUNCTION}()" + (f" AND {still_mutable}" if still_mutable else "")
    return [
        f'DROP TRIGGER IF EXISTS "{upd}"',
        f'DROP TRIGGER IF EXISTS "{dele}"',
        f'CREATE TRIGGER "{upd}" BEFORE UPDATE ON "{table}" {when_update} BEGIN '
        f"SELECT RAISE(ABORT, 'append-only table {table}: UPDATE refused'); END",
        f'CREATE TRIGGER "{dele}" BEFORE DELETE ON "{table}" '
        f"WHEN {when_delete} BEGIN "
        f"SELECT RAISE(ABORT, 'append-only table {table}: DELETE refused'); END",
    ]


_SUBQUERY = re.compile(r"\bselect\b", re.IGNORECASE)


def _pg_guard_sql(table, mutable_while):
    """PostgreSQL refuses a subquery in a trigger's WHEN clause (a catalogue item is frozen
    once its *version* is published): the condition is evaluated in a function of the
    table's own, ``<table>_append_only_guard()``, which lets the row through while it holds
    and raises otherwise (every column frozen; no ``allow_update_columns``)."""
    name = f"{table}_append_only"
    function = f"{table}_append_only_guard"
    return [
        f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"',
        f'DROP TRIGGER IF EXISTS "{name}_frozen" ON "{table}"',
        f'''CREATE OR REPLACE FUNCTION "{function}"() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF COALESCE(({mutable_while}), false) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$body$''',
        f'CREATE TRIGGER "{name}" BEFORE UPDATE OR DELETE ON "{table}" '
        f'FOR EACH ROW EXECUTE FUNCTION "{function}"()',
    ]


def _pg_trigger_sql(table, allow_update_columns, mutable_while=None, allowed_while=None):
    name = f"{table}_append_only"
    if mutable_while and _SUBQUERY.search(mutable_while):
        if allow_update_columns or allowed_while:
            raise ValueError("a mutable_while with a subquery freezes every column")
        return _pg_guard_sql(table, mutable_while)
    args = ", ".join(f"'{c}'" for c in allow_update_columns or [])
    when = f"WHEN (NOT COALESCE(({mutable_while}), false)) " if mutable_while else ""
    out = [
        PG_FUNCTION_SQL,
        f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"',
        f'DROP TRIGGER IF EXISTS "{name}_frozen" ON "{table}"',
        f'CREATE TRIGGER "{name}" BEFORE UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW {when}EXECUTE FUNCTION {PG_FUNCTION}({args})",
    ]
    if allowed_while:
        # once the allowed columns are filled in, no column changes any more
        out.append(
            f'CREATE TRIGGER "{name}_frozen" BEFORE UPDATE ON "{table}" FOR EACH ROW '
            f"WHEN (NOT COALESCE(({allowed_while}), false)) EXECUTE FUNCTION {PG_FUNCTION}()"
        )
    return out


def install_sql(
    connection, table, allow_update_columns=None, mutable_while=None, allowed_while=None
):
    """SQL statements that make ``table`` append-only on ``connection``'s vendor.

    ``mutable_while``: a SQL condition on the old row (``OLD."status" = 'draft'``, same
    syntax on both vendors) under which the row is still a draft: any UPDATE or DELETE
    passes; once it is false the row is append-only (with ``allow_update_columns``).
    ``allowed_while``: a SQL condition on the old row under which the
    ``allow_update_columns`` may still change (``OLD."result" = ''``: a result not yet
    recorded); once it is false no column changes. Every DELETE is refused.

    ``mutable_while`` may hold a subquery (``NOT EXISTS (SELECT 1 FROM parent WHERE
    parent.id = OLD."parent_id" AND parent.status = 'published')``: a child row frozen with
    its parent); on PostgreSQL that needs a per-table function (``_pg_guard_sql``), and
    every column is then frozen."""
    table = _check_ident(table)
    allowed = [_check_ident(c) for c in allow_update_columns or []]
    if allowed_while and (allow_update_columns is None or mutable_while):
        raise ValueError("allowed_while needs allow_update_columns and no mutable_while")
    vendor = connection.vendor
    if vendor == "postgresql":
        return _pg_trigger_sql(table, allowed, mutable_while, allowed_while)
    if vendor == "sqlite":
        if allow_update_columns is None:
            return _sqlite_trigger_sql(table, None, mutable_while)
        with connection.cursor() as cursor:
            cols = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        return _sqlite_trigger_sql(
            table, [c for c in cols if c not in allowed], mutable_while, allowed_while
        )
    raise NotImplementedError(f"append-only triggers are not implemented for {vendor}")


def uninstall_sql(connection, table):
    table = _check_ident(table)
    if connection.vendor == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
            f'DROP TRIGGER IF EXISTS "{table}_append_only_frozen" ON "{table}"',
            f'DROP FUNCTION IF EXISTS "{table}_append_only_guard"()',
        ]
    return [
        f'DROP TRIGGER IF EXISTS "{table}_append_only_update"',
        f'DROP TRIGGER IF EXISTS "{table}_append_only_delete"',
    ]


def no_delete_sql(connection, table):
    """SQL statements that refuse DELETE on ``table`` but let UPDATE through (a workflow row
    that must never disappear, e.g. a case: its changes are ledgered and reconciled)."""
    table = _check_ident(table)
    name = f"{table}_no_delete"
    if connection.vendor == "postgresql":
        return [
            PG_FUNCTION_SQL,
            f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"',
            f'CREATE TRIGGER "{name}" BEFORE DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()",
        ]
    if connection.vendor == "sqlite":
        return [
            f'DROP TRIGGER IF EXISTS "{name}"',
            f'CREATE TRIGGER "{name}" BEFORE DELETE ON "{table}" '
            f"WHEN NOT {BYPASS_FUNCTION}() BEGIN "
            f"SELECT RAISE(ABORT, 'append-only table {table}: DELETE refused'); END",
        ]
    raise NotImplementedError(f"append-only triggers are not implemented for {connection.vendor}")


def no_delete_operations(table_name: str) -> list:
    """Migration operations that refuse DELETE on ``table_name`` (see ``no_delete_sql``);
    repeat them after a SQLite table rebuild, like ``append_only_operations``."""
    _check_ident(table_name)

    def forward(apps, schema_editor):
        for sql in no_delete_sql(schema_editor.connection, table_name):
            schema_editor.execute(sql, params=None)

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            sql = f'DROP TRIGGER IF EXISTS "{table_name}_no_delete" ON "{table_name}"'
        else:
            sql = f'DROP TRIGGER IF EXISTS "{table_name}_no_delete"'
        schema_editor.execute(sql, params=None)

    return [migrations.RunPython(forward, backward)]


def trigger_names(vendor, table, custom="", allowed_while=False):
    """Names of the triggers that protect ``table`` on ``vendor``: the shared helper's, with
    ``custom="issued"`` those of documents migration 0002 (issued rows only), with
    ``custom="no_delete"`` the DELETE-only trigger of ``no_delete_operations``;
    ``allowed_while``: the table was installed with ``allowed_while`` (PostgreSQL: a
    second trigger ``<table>_append_only_frozen``)."""
    table = _check_ident(table)
    if vendor == "postgresql" and allowed_while and not custom:
        return [f"{table}_append_only", f"{table}_append_only_frozen"]
    if custom == "issued":
        if vendor == "postgresql":
            return [f"{table}_issued_immutable"]
        return [f"{table}_issued_update", f"{table}_issued_delete"]
    if custom == "no_delete":
        return [f"{table}_no_delete"]
    if custom:
        raise ValueError(f"unknown trigger set: {custom!r}")
    if vendor == "postgresql":
        return [f"{table}_append_only"]
    return [f"{table}_append_only_update", f"{table}_append_only_delete"]


def installed_triggers(connection, tables=None):
    """{trigger name: (table, enabled, body)} of the triggers in ``connection``'s
    database (only on ``tables`` when given). ``body``: the SQL that raises (SQLite: the
    trigger's own SQL; PostgreSQL: the source of the function it calls)."""
    out = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, c.relname, t.tgenabled <> 'D', p.prosrc "
                "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, tbl_name, 1, sql FROM sqlite_master WHERE type = 'trigger'"
            )
        else:
            raise NotImplementedError(connection.vendor)
        for name, table, enabled, body in cursor.fetchall():
            if tables is None or table in tables:
                out[name] = (table, bool(enabled), body or "")
    return out


def append_only_operations(
    table_name: str, allow_update_columns=None, mutable_while=None, allowed_while=None
) -> list:
    """Migration operations that make ``table_name`` append-only (see module docstring).

    ``allow_update_columns``: column names (database names, e.g. ``"agency_id"``) whose
    values may still change by UPDATE; ``None`` (default) refuses every UPDATE.
    ``mutable_while``: SQL condition on ``OLD`` under which the row is still a draft
    (see ``install_sql``); ``allowed_while``: SQL condition on ``OLD`` under which the
    ``allow_update_columns`` may still change (see ``install_sql``). Reversible: migrating
    backwards drops the triggers.
    """
    _check_ident(table_name)
    allowed = None
    if allow_update_columns is not None:
        allowed = [_check_ident(c) for c in allow_update_columns]

    def forward(apps, schema_editor):
        for sql in install_sql(
            schema_editor.connection, table_name, allowed, mutable_while, allowed_while
        ):
            schema_editor.execute(sql, params=None)

    def backward(apps, schema_editor):
        for sql in uninstall_sql(schema_editor.connection, table_name):
            schema_editor.execute(sql, params=None)

    return [migrations.RunPython(forward, backward)]


@contextlib.contextmanager
def flush_bypass():
    """Let this thread's SQLite connections DELETE from append-only tables (flush only)."""
    token = _flush_bypass.set(True)
    try:
        yield
    finally:
        _flush_bypass.reset(token)


def _bypass_value():
    return 1 if _flush_bypass.get() else 0


def _on_connection_created(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(BYPASS_FUNCTION, 0, _bypass_value)


_installed = False


def install():
    """Called from ``LedgerConfig.ready``: register the SQLite bypass function and let
    Django's ``flush`` (the SQLite counterpart of TRUNCATE) clear append-only tables."""
    global _installed
    if _installed:
        return
    _installed = True
    from django.db.backends.signals import connection_created
    from django.db.backends.sqlite3 import base as sqlite_base  # imports operations

    DatabaseOperations = sqlite_base.DatabaseOperations

    connection_created.connect(_on_connection_created, dispatch_uid="sanxiang_append_only")
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with flush_bypass():
            return original(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_sql_flush
