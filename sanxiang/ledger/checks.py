"""System check ``sanxiang.E101``: every append-only trigger the platform relies on exists,
is enabled and still raises (issue #11 item 10).

The list of required triggers is ``protection.APPEND_ONLY`` (names from
``append_only.trigger_names``). A SQLite table rebuild (most AlterField/AddField) drops a
table's triggers silently; a DBA can drop or disable them. ``manage.py check`` (and every
command that runs the system checks: runserver, migrate …) then fails with one error per
table, naming the table and the missing trigger.

Tables of apps with unapplied migrations are skipped (their triggers may come with those
migrations; ``migrate`` must be able to run), and so is a database that cannot be reached.
Registered by ``LedgerConfig.ready``; not tagged ``database``, so a plain
``manage.py check`` runs it.
"""

from __future__ import annotations

from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

ERROR_ID = "sanxiang.E101"


def _pending_apps(connection):
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return {migration.app_label for migration, _backwards in plan}


def trigger_problems(connection) -> list[tuple[str, str, str]]:
    """[(model label, table, problem)] for the required triggers on ``connection``."""
    from .append_only import installed_triggers
    from .protection import required_triggers

    pending = _pending_apps(connection)
    if "ledger" in pending:  # the shared function and the helper's first triggers
        return []
    required = [
        (label, table, name)
        for label, table, name in required_triggers(connection.vendor)
        if label.split(".")[0] not in pending
    ]
    tables = {table for _label, table, _name in required}
    with connection.cursor() as cursor:
        existing_tables = set(connection.introspection.table_names(cursor))
    installed = installed_triggers(connection, tables)
    marker = "RAISE EXCEPTION" if connection.vendor == "postgresql" else "RAISE(ABORT"
    problems = []
    for label, table, name in required:
        if table not in existing_tables:
            problems.append((label, table, f"table missing (trigger {name})"))
            continue
        found = installed.get(name)
        if found is None or found[0] != table:
            problems.append((label, table, f"trigger {name} missing"))
        elif not found[1]:
            problems.append((label, table, f"trigger {name} disabled"))
        elif marker not in found[2].upper().replace("RAISE (", "RAISE("):
            problems.append((label, table, f"trigger {name} no longer raises"))
    return problems


def check_append_only_triggers(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or [DEFAULT_DB_ALIAS]:
        connection = connections[alias]
        if connection.vendor not in ("postgresql", "sqlite"):
            continue
        try:
            problems = trigger_problems(connection)
        except DatabaseError:
            continue  # no database to check (yet); other checks report that
        for label, table, problem in problems:
            errors.append(
                checks.Error(
                    f"防篡改触发器缺失：表 {table}（{label}）{problem}。"
                    f" Append-only trigger problem on table {table} ({alias}): {problem}.",
                    hint=(
                        "Re-create it: a migration with "
                        f'append_only_operations("{table}") (documents_document: '
                        "documents 0002 install()), or `manage.py ledger triggers --repair`."
                    ),
                    obj=table,
                    id=ERROR_ID,
                )
            )
    return errors


def register():
    checks.register(check_append_only_triggers, "sanxiang")
