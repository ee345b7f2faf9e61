"""The 年度统计报告 (issue #11 item 10): published once, then frozen.

* The row is append-only by trigger (publicity migration 0005): a raw SQL UPDATE of its
  statistics or title and a DELETE are refused; only ``ledger_index`` may be filled in, once.
  The trigger holds for every report, those published before the change included.
* Its leaf (``publicity.report_published``) holds the SHA-256 of all its statistics; the
  reconciliation recomputes it from the stored data, so a rogue DBA who drops the trigger
  and rewrites one figure is named by table, id and field. A report whose leaf was written
  before the hash existed is still compared on agency, year, total and ledger index.
"""

import json

import pytest
from django.db import IntegrityError, connection, transaction

from sanxiang.ledger import reconcile
from sanxiang.ledger.append_only import trigger_names
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.ledger.services import append, canonical_sha256
from sanxiang.publicity import reports, services
from sanxiang.publicity.models import AnnualReport
from tests.publicity.conftest import _clear_cache, _fast_passwords, publish, published  # noqa: F401

pytestmark = pytest.mark.django_db
LABEL = ["publicity.AnnualReport"]
TABLE = "publicity_annualreport"


@pytest.fixture(autouse=True)
def _frozen_clock():
    """A fixed day (Wednesday 2026-11-18, 10:00 Beijing time), never the real date."""
    import datetime as dt

    import time_machine

    bj = dt.timezone(dt.timedelta(hours=8))
    with time_machine.travel(dt.datetime(2026, 11, 18, 10, 0, tzinfo=bj), tick=False):
        yield


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _drop_triggers():
    """What a rogue DBA does first."""
    with connection.cursor() as cursor:
        for name in trigger_names(connection.vendor, TABLE, allowed_while=True):
            if connection.vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER "{name}" ON "{TABLE}"')
            else:
                cursor.execute(f'DROP TRIGGER "{name}"')


@pytest.fixture
def report(agency_a, handler_a, head_a):
    published(agency_a, handler_a)
    pub = published(agency_a, handler_a)
    services.withdraw_publication(pub, kind="revoked", reason="复议撤销", actor=head_a)
    publish(agency_a)  # pending
    [made] = reports.generate(pub.decision_date.year, agencies=[agency_a], actor=head_a)
    made.refresh_from_db()
    return made


def test_the_leaf_holds_the_statistics_hash_and_the_report_reconciles(report):
    leaf = Leaf.objects.get(index=report.ledger_index)
    payload = json.loads(leaf.content)["payload"]
    assert leaf.event_type == EventType.PUBLICATION_REPORT_PUBLISHED
    assert payload["data_sha256"] == canonical_sha256(report.data)
    assert report.data["timely_rate"] is not None  # a float survives the round trip
    assert reconcile.reconcile(LABEL) == []


def test_a_published_report_refuses_raw_update_and_delete(report):
    data = dict(report.data, total=999)
    for sql, params in (
        (f"UPDATE {TABLE} SET data = %s WHERE id = %s", [json.dumps(data), report.pk]),
        (f"UPDATE {TABLE} SET title = 'x' WHERE id = %s", [report.pk]),
        (f"UPDATE {TABLE} SET ledger_index = 1 WHERE id = %s", [report.pk]),
        (f"DELETE FROM {TABLE} WHERE id = %s", [report.pk]),
    ):
        with pytest.raises(IntegrityError, match="append-only"):
            _raw(sql, params)
    report.refresh_from_db()
    assert report.data["total"] == 3


def test_ledger_index_is_filled_in_once(agency_a):
    """What ``reports.generate`` does right after appending the leaf; a report of before the
    change is protected the same way: the trigger does not look at the leaf."""
    row = AnnualReport.objects.create(
        agency=agency_a, year=2019, title="t", data={"total": 0}, published_at="2020-01-20T00:00Z"
    )
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AnnualReport.objects.filter(pk=row.pk).update(ledger_index=5, title="t2")
    AnnualReport.objects.filter(pk=row.pk).update(ledger_index=5)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AnnualReport.objects.filter(pk=row.pk).update(ledger_index=6)


def test_a_figure_rewritten_past_the_trigger_is_named(report):
    _drop_triggers()
    data = dict(report.data, by_category={"行政处罚": 1})  # the total left as it was
    _raw(f"UPDATE {TABLE} SET data = %s WHERE id = %s", [json.dumps(data), report.pk])
    assert {(m.table, m.pk, m.field) for m in reconcile.reconcile(LABEL)} == {
        (TABLE, report.pk, "data")
    }
    data["total"] = 999
    _raw(f"UPDATE {TABLE} SET data = %s WHERE id = %s", [json.dumps(data), report.pk])
    assert {(m.table, m.pk, m.field) for m in reconcile.reconcile(LABEL)} == {
        (TABLE, report.pk, "data"),
        (TABLE, report.pk, "total"),
    }


def test_a_report_whose_leaf_has_no_hash_still_reconciles(agency_a, head_a):
    """A report published before its leaf held the statistics' SHA-256: compared on
    agency, year, total and ledger index (its statistics are held by the trigger)."""
    row = AnnualReport.objects.create(
        agency=agency_a,
        year=2024,
        title="旧报告",
        data={"total": 4, "by_category": {"行政处罚": 4}},
        published_at="2025-01-20T00:00Z",
    )
    leaf = append(
        EventType.PUBLICATION_REPORT_PUBLISHED,
        f"annual_report:{row.pk}",
        {"agency": agency_a.pk, "year": 2024, "total": 4},  # the old leaf format
        head_a,
    )
    AnnualReport.objects.filter(pk=row.pk).update(ledger_index=leaf.index)
    assert reconcile.reconcile(LABEL) == []
    _drop_triggers()
    _raw(f"UPDATE {TABLE} SET data = %s WHERE id = %s", ['{"total": 5}', row.pk])
    assert {(m.table, m.pk, m.field) for m in reconcile.reconcile(LABEL)} == {
        (TABLE, row.pk, "total")
    }
