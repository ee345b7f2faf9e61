"""Issued documents are immutable at the database level.

``documents_document`` holds drafts (editable) and issued documents (frozen), so it gets
its own conditional triggers: UPDATE or DELETE of a row whose OLD.status is 'issued' is
refused (the issuing UPDATE itself has OLD.status 'draft' and passes).
``documents_documentcorrection`` is fully append-only (shared ledger helper).

The messages contain "append-only" like the shared helper's, so callers treat both the
same way (django.db.IntegrityError). SQLite: DELETE is let through only while Django's
``flush`` runs (``sanxiang_append_only_bypass()``, registered by the ledger app), the
SQLite counterpart of TRUNCATE, which PostgreSQL triggers do not see.

Caveat (SQLite): a later migration that rebuilds documents_document (most AlterField /
AddField) drops these triggers; such a migration must run ``install`` again.
"""

from django.db import migrations

from sanxiang.ledger.append_only import BYPASS_FUNCTION, append_only_operations

TABLE = "documents_document"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION documents_issued_immutable() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF OLD.status = 'issued' THEN
        RAISE EXCEPTION 'append-only: issued document % (%) cannot be changed: % refused',
            OLD.id, OLD.number, TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$body$;
"""


def sql_for(vendor):
    if vendor == "postgresql":
        return [
            PG_FUNCTION,
            f'DROP TRIGGER IF EXISTS "{TABLE}_issued_immutable" ON "{TABLE}"',
            f'CREATE TRIGGER "{TABLE}_issued_immutable" BEFORE UPDATE OR DELETE ON "{TABLE}" '
            "FOR EACH ROW EXECUTE FUNCTION documents_issued_immutable()",
        ]
    if vendor == "sqlite":
        return [
            f'DROP TRIGGER IF EXISTS "{TABLE}_issued_update"',
            f'DROP TRIGGER IF EXISTS "{TABLE}_issued_delete"',
            f'CREATE TRIGGER "{TABLE}_issued_update" BEFORE UPDATE ON "{TABLE}" '
            "WHEN OLD.status = 'issued' BEGIN "
            "SELECT RAISE(ABORT, 'append-only: issued document cannot be changed: UPDATE refused'); END",
            f'CREATE TRIGGER "{TABLE}_issued_delete" BEFORE DELETE ON "{TABLE}" '
            f"WHEN OLD.status = 'issued' AND NOT {BYPASS_FUNCTION}() BEGIN "
            "SELECT RAISE(ABORT, 'append-only: issued document cannot be changed: DELETE refused'); END",
        ]
    raise NotImplementedError(vendor)


def uninstall_sql(vendor):
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{TABLE}_issued_immutable" ON "{TABLE}"']
    return [
        f'DROP TRIGGER IF EXISTS "{TABLE}_issued_update"',
        f'DROP TRIGGER IF EXISTS "{TABLE}_issued_delete"',
    ]


def install(apps, schema_editor):
    for sql in sql_for(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def uninstall(apps, schema_editor):
    for sql in uninstall_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("ledger", "0002_append_only"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
        *append_only_operations("documents_documentcorrection"),
    ]
