"""Issue #11 item 10: a missing append-only trigger fails ``manage.py check``.

The attack: drop (or disable, or neuter) one trigger with raw SQL, as a SQLite table
rebuild or a rogue DBA would. The system check ``sanxiang.E101`` must report an error
naming the table. DDL is transactional on both databases: the test's rollback restores
the triggers."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import IntegrityError, connection, transaction

from sanxiang.ledger.append_only import trigger_names
from sanxiang.ledger.checks import ERROR_ID, check_append_only_triggers
from sanxiang.ledger.protection import APPEND_ONLY, required_triggers

pytestmark = pytest.mark.django_db


def _drop(name, table):
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f'DROP TRIGGER "{name}" ON "{table}"')
        else:
            cur.execute(f'DROP TRIGGER "{name}"')


def _errors():
    return [e for e in check_append_only_triggers(databases=["default"]) if e.id == ERROR_ID]


def test_all_required_triggers_present():
    assert _errors() == []
    assert len(required_triggers(connection.vendor)) >= len(APPEND_ONLY)


@pytest.mark.parametrize(
    "table,custom",
    [
        ("ledger_leaf", ""),
        ("records_recording", ""),
        ("records_accessrequest", ""),
        ("review_opinion", ""),
        ("cases_caseevent", ""),
        ("documents_document", "issued"),
        ("documents_documentfixityalert", ""),
    ],
)
def test_dropped_trigger_is_an_error_naming_the_table(table, custom):
    name = trigger_names(connection.vendor, table, custom)[-1]
    _drop(name, table)
    errors = _errors()
    assert len(errors) == 1
    assert errors[0].obj == table and table in errors[0].msg and name in errors[0].msg
    assert "缺失" in errors[0].msg


def test_manage_py_check_fails():
    _drop(trigger_names(connection.vendor, "ledger_signedtreehead")[0], "ledger_signedtreehead")
    with pytest.raises(SystemCheckError, match="ledger_signedtreehead"):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


def test_disabled_or_neutered_trigger_is_an_error():
    table = "records_purge"
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{table}_append_only"')
        expected = "disabled"
    else:
        name = f"{table}_append_only_update"
        _drop(name, table)
        with connection.cursor() as cur:
            cur.execute(f'CREATE TRIGGER "{name}" BEFORE UPDATE ON "{table}" BEGIN SELECT 1; END')
        expected = "no longer raises"
    (error,) = _errors()
    assert error.obj == table and expected in error.msg


def test_neutered_shared_function_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the triggers call one shared function")
    with connection.cursor() as cur:
        cur.execute(
            "CREATE OR REPLACE FUNCTION sanxiang_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $b$ BEGIN RETURN NEW; END $b$"
        )
    errors = _errors()
    assert {e.obj for e in errors} >= {"ledger_leaf", "records_recording"}


def test_ledger_triggers_command_reports_and_repairs():
    table = "records_accessrequest"
    for name in trigger_names(connection.vendor, table):
        _drop(name, table)
    _drop(trigger_names(connection.vendor, "documents_document", "issued")[0], "documents_document")
    with pytest.raises(CommandError):
        call_command("ledger", "triggers", stdout=io.StringIO())
    out = io.StringIO()
    call_command("ledger", "triggers", "--repair", stdout=out)
    assert "all present" in out.getvalue()
    assert _errors() == []
    # the repaired trigger keeps the allowed columns: a decision passes, a relabel fails
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM records_accessrequest LIMIT 1")
        row = cur.fetchone()
    if row is not None:
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("DELETE FROM records_accessrequest WHERE id = %s", [row[0]])


def test_pending_migrations_skip_the_check(monkeypatch):
    """``migrate`` runs the system checks first: it must not be blocked by the very
    triggers it is about to install."""
    from sanxiang.ledger import checks

    _drop(trigger_names(connection.vendor, "review_opinion")[0], "review_opinion")
    monkeypatch.setattr(checks, "_pending_apps", lambda conn: {"review"})
    assert _errors() == []
    monkeypatch.setattr(checks, "_pending_apps", lambda conn: {"ledger"})
    assert _errors() == []


def test_periodic_job_reports_missing_trigger(caplog):
    import logging

    from sanxiang.ledger import periodic

    _drop(trigger_names(connection.vendor, "records_fixityalert")[0], "records_fixityalert")
    out = io.StringIO()
    with caplog.at_level(logging.ERROR, logger="sanxiang.ledger.triggers"):
        periodic.check_triggers(out)
    assert "records_fixityalert" in out.getvalue()
    assert any("records_fixityalert" in r.getMessage() for r in caplog.records)


def test_ledger_command_runs_despite_the_check_error():
    """verify and repair are the tools for exactly this situation."""
    _drop(trigger_names(connection.vendor, "ledger_nodehash")[0], "ledger_nodehash")
    from sanxiang.ledger.management.commands.ledger import Command

    assert Command.requires_system_checks == []  # the system checks never stop it
    out = io.StringIO()
    call_command("ledger", "triggers", "--repair", stdout=out)
    assert "all present" in out.getvalue()
