"""Reconciliation of recordings with their ``records.ingested`` leaves (issue #11 item 8).

Each test plays the rogue DBA: drop the append-only trigger inside the test transaction
(DDL is transactional on both vendors, the rollback restores it), rewrite the row (and the
stored file), and check that ``ledger verify`` — which alone says intact — now reports the
row by table and id.
"""

import datetime as dt
import hashlib
import io
import logging

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from sanxiang.ledger import periodic, reconcile
from sanxiang.ledger.append_only import trigger_names
from sanxiang.ledger.verify import verify_ledger
from sanxiang.records.models import Recording
from tests.records.conftest import _var, case_a, ingest, png_bytes  # noqa: F401

pytestmark = pytest.mark.django_db

FROZEN = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def drop_triggers(table, custom=""):
    """What a rogue DBA does first."""
    with connection.cursor() as cursor:
        for name in trigger_names(connection.vendor, table, custom):
            if connection.vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')
            else:
                cursor.execute(f'DROP TRIGGER "{name}"')


def run_verify(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("ledger", "verify", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.fixture
def recording(case_a, ingest):  # noqa: F811
    return ingest(case_a, png_bytes())


def test_intact_recording_reconciles(recording):
    assert reconcile.reconcile() == []
    out = run_verify()
    assert "ledger intact" in out and "reconciliation OK" in out and "records.Recording" in out


def test_file_and_sha256_rewritten_together_are_reported(recording, tmp_path):
    from sanxiang.records import storage

    forged = png_bytes(3, 3)
    new_sha = hashlib.sha256(forged).hexdigest()
    (tmp_path / "forged").write_bytes(forged)
    new_key, _ = storage.put(str(tmp_path / "forged"), new_sha)
    drop_triggers("records_recording")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE records_recording SET sha256 = %s, size = %s, storage_key = %s WHERE id = %s",
            [new_sha, len(forged), new_key, recording.pk],
        )
    # fixity agrees with the rewritten row
    assert storage.hash_stored(new_key) == (new_sha, len(forged))
    # the ledger's own tables are untouched: verify alone says intact
    assert verify_ledger().ok
    found = reconcile.reconcile()
    fields = {(m.table, m.pk, m.field) for m in found}
    assert ("records_recording", recording.pk, "sha256") in fields
    assert ("records_recording", recording.pk, "storage_key") in fields
    mismatch = next(m for m in found if m.field == "sha256")
    assert mismatch.leaf_value == recording.sha256 and mismatch.row_value == new_sha
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert exc.value.returncode == 1
    assert f"records_recording id={recording.pk}: sha256" in str(exc.value)
    # the operator may skip it (e.g. a quick check of the tree only)
    assert "ledger intact" in run_verify("--no-reconcile")


@pytest.mark.parametrize(
    "column,value",
    [
        ("place", "某地（篡改）"),
        ("recorded_start", dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC)),
        ("proves", "篡改后的证明事项"),
        ("collector_id", None),
    ],
)
def test_label_rewritten_is_reported(recording, column, value, officer_a2):
    if column == "collector_id":
        value = officer_a2.pk
    drop_triggers("records_recording")
    Recording.objects.filter(pk=recording.pk).update(**{column: value})
    assert verify_ledger().ok
    found = reconcile.reconcile()
    assert [(m.table, m.pk, m.field) for m in found] == [
        ("records_recording", recording.pk, column)
    ]


def test_row_without_leaf_and_leaf_without_row(recording, case_a, ingest):  # noqa: F811
    other = ingest(case_a, png_bytes(4, 4), filename="b.png")
    drop_triggers("records_recording")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE records_uploadsession SET recording_id = NULL WHERE recording_id = %s",
            [other.pk],
        )
        cursor.execute("DELETE FROM records_recording WHERE id = %s", [other.pk])
    # a row inserted by hand (no leaf ever recorded it)
    row = Recording.objects.get(pk=recording.pk)
    row.pk = None
    row.save()
    found = {(m.pk, m.problem) for m in reconcile.reconcile()}
    assert found == {(other.pk, "no_row"), (row.pk, "no_leaf")}


def test_periodic_job_alerts(recording, caplog, admin_user):
    from sanxiang.notifications.models import Notification

    drop_triggers("records_recording")
    Recording.objects.filter(pk=recording.pk).update(place="篡改")
    out = io.StringIO()
    with caplog.at_level(logging.ERROR, logger="sanxiang.ledger.reconcile"):
        periodic.run(out)
    assert f"records_recording id={recording.pk}: place" in out.getvalue()
    assert any("RECONCILIATION MISMATCH" in r.getMessage() for r in caplog.records)
    note = Notification.objects.get(user=admin_user)
    assert "账本对账" in note.title and f"records_recording id={recording.pk}" in note.body


def test_periodic_job_quiet_when_consistent(recording, caplog):
    out = io.StringIO()
    with caplog.at_level(logging.ERROR, logger="sanxiang.ledger.reconcile"):
        periodic.run(out)
    assert "reconciliation mismatch" not in out.getvalue()
    assert not caplog.records
