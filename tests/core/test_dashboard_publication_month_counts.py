"""The dashboard's publication figures at province scale (issue #16 item 6): on PostgreSQL the
published-on-time and published-late counts come from ``publicity_publication_month``, per
agency and decision month, kept by triggers on ``publicity_publication`` (publicity
migration 0007); pending and overdue ones are counted live. The figures must equal counting
the publications themselves — after inserts, publishing (on time and late), a moved decision
date, a publication moved to another agency, a deletion and a TRUNCATE. SQLite counts the
publications (same figures)."""

import datetime as dt

import pytest
from django.db import connection

from sanxiang.core import dashboard
from sanxiang.publicity.models import Publication
from tests.alerts.conftest import publication

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
PUBLISHED = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
KEYS = ("pub_on_time", "pub_late", "pub_overdue")


def _rows(supervisor, rollup, monkeypatch):
    monkeypatch.setattr(dashboard, "_rollup", lambda: rollup)
    months = dashboard._months(TODAY)
    return {
        r["agency"].pk: tuple(r[k] for k in KEYS)
        for r in dashboard.agency_rows(supervisor, months, TODAY)
    }


def _check(supervisor, monkeypatch):
    """The figures as shown, equal to counting the rows (and, on PostgreSQL, read from the
    rollup)."""
    counted = _rows(supervisor, False, monkeypatch)
    if connection.vendor == "postgresql":
        assert _rows(supervisor, True, monkeypatch) == counted
    return counted


def _rollup_rows():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT agency_id, month, on_time, late FROM publicity_publication_month "
            "WHERE on_time <> 0 OR late <> 0 ORDER BY 1, 2"
        )
        return cur.fetchall()


@pytest.fixture
def pubs(agency_a, agency_b):
    return [
        publication(agency_a, 1, decision_date=dt.date(2026, 6, 2), due_date=dt.date(2026, 6, 20)),
        publication(agency_a, 2, decision_date=dt.date(2026, 5, 20), due_date=dt.date(2026, 6, 1)),
        publication(
            agency_a,
            3,
            decision_date=dt.date(2026, 5, 10),
            status="published",
            published_at=PUBLISHED,
        ),
        publication(
            agency_b,
            4,
            decision_date=dt.date(2026, 3, 3),
            status="published",
            published_at=PUBLISHED,
            published_late=True,
        ),
        # before the 12-month window
        publication(
            agency_b,
            5,
            decision_date=dt.date(2025, 5, 31),
            status="published",
            published_at=PUBLISHED,
        ),
    ]


def test_figures_follow_every_change(pubs, supervisor, agency_a, agency_b, monkeypatch):
    a, b = agency_a.pk, agency_b.pk
    figures = _check(supervisor, monkeypatch)
    # on time, late, overdue (pending past its due date)
    assert figures[a] == (1, 0, 1) and figures[b] == (0, 1, 0)

    # publishing the pending ones: one on time, one late
    Publication.objects.filter(pk=pubs[0].pk).update(status="published", published_at=PUBLISHED)
    Publication.objects.filter(pk=pubs[1].pk).update(
        status="published", published_at=PUBLISHED, published_late=True
    )
    figures = _check(supervisor, monkeypatch)
    assert figures[a] == (2, 1, 0)

    # a decision date moved out of the window, and one moved into it
    Publication.objects.filter(pk=pubs[2].pk).update(decision_date=dt.date(2025, 1, 5))
    Publication.objects.filter(pk=pubs[4].pk).update(decision_date=dt.date(2026, 1, 5))
    figures = _check(supervisor, monkeypatch)
    assert figures[a] == (1, 1, 0) and figures[b] == (1, 1, 0)

    # one moved to the other agency, several rows in one statement
    Publication.objects.filter(pk__in=[pubs[0].pk, pubs[1].pk]).update(agency=agency_b)
    figures = _check(supervisor, monkeypatch)
    assert figures[a] == (0, 0, 0) and figures[b] == (2, 2, 0)

    # an update that changes nothing counted writes nothing to the rollup
    if connection.vendor == "postgresql":
        before = _rollup_rows()
        Publication.objects.filter(agency=agency_b).update(due_note="说明")
        assert _rollup_rows() == before

    Publication.objects.filter(pk=pubs[3].pk).delete()
    figures = _check(supervisor, monkeypatch)
    assert figures[b] == (2, 1, 0)


def test_bulk_insert_counts_by_decision_month(agency_a, supervisor, monkeypatch):
    Publication.objects.bulk_create(
        Publication(
            agency=agency_a,
            source_key=f"bulk:{i}",
            category="penalty",
            decision_date=dt.date(2026, 1 + i % 6, 28),
            status="published",
            published_at=PUBLISHED,
            published_late=i % 3 == 0,
        )
        for i in range(30)
    )
    figures = _check(supervisor, monkeypatch)
    assert figures[agency_a.pk] == (20, 10, 0)
    if connection.vendor == "postgresql":
        months = {row[1] for row in _rollup_rows()}
        assert months == {dt.date(2026, m, 1) for m in range(1, 7)}


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_truncate_empties_the_rollup(pubs):
    assert _rollup_rows()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'publicity_publication_month%'"
        )
        assert cur.fetchone()[0] == 4
        # the snapshots refer to publications: empty both, as a restore would (the
        # fixture's deferred foreign-key checks first)
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("TRUNCATE publicity_publication CASCADE")
    assert _rollup_rows() == []
