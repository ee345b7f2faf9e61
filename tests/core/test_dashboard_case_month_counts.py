"""The dashboard's case figures at province scale (issue #16 item 6): on PostgreSQL they come
from ``cases_case_month``, per-agency monthly counts the database keeps with triggers on
``cases_case`` (cases migration 0009); they must equal counting the cases themselves —
after inserts, closings, a moved opening date and a case moved to another agency — and
months are Beijing-time months. SQLite counts the cases (same figures)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from sanxiang.cases.models import Case
from sanxiang.core import dashboard
from tests.alerts.conftest import make_case

pytestmark = pytest.mark.django_db

BJ = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 6, 15)


def _at(y, m, d, hour=10):
    return dt.datetime(y, m, d, hour, 0, tzinfo=BJ)


def _figures(supervisor):
    months = dashboard._months(TODAY)
    by_month = {
        r["label"]: (r["opened"], r["closed"]) for r in dashboard.cases_by_month(supervisor, months)
    }
    rows = {
        r["agency"].pk: (r["opened"], r["closed"])
        for r in dashboard.agency_rows(supervisor, months, TODAY)
    }
    return by_month, rows


@pytest.fixture
def cases(time_machine, agency_a, agency_b):
    time_machine.move_to(_at(2026, 6, 15), tick=False)
    made = [
        make_case(agency_a, 1, opened_at=_at(2026, 6, 1)),
        make_case(agency_a, 2, opened_at=_at(2026, 5, 31, 23)),  # 31 May in Beijing
        # 16:30 UTC on 31 May is 1 June in Beijing
        make_case(agency_a, 3, opened_at=dt.datetime(2026, 5, 31, 16, 30, tzinfo=dt.UTC)),
        make_case(agency_b, 4, opened_at=_at(2026, 3, 2), closed_at=_at(2026, 5, 20)),
        make_case(
            agency_b, 5, opened_at=_at(2025, 5, 2), closed_at=_at(2025, 8, 1)
        ),  # opened before
        make_case(agency_b, 6, opened_at=None),  # not opened yet
    ]
    return made


def test_figures_count_the_window_by_beijing_month(cases, supervisor, agency_a, agency_b):
    by_month, rows = _figures(supervisor)
    assert by_month["2026年6月"] == (2, 0)
    assert by_month["2026年5月"] == (1, 1)
    assert by_month["2026年3月"] == (1, 0)
    assert by_month["2025年8月"] == (0, 1)  # the window starts on 1 July 2025
    assert sum(o for o, _c in by_month.values()) == 4
    assert rows[agency_a.pk] == (3, 0) and rows[agency_b.pk] == (1, 2)


def test_figures_follow_closing_moving_and_reassigning(cases, supervisor, agency_a, agency_b):
    c1, c2, _c3, c4, _c5, c6 = cases
    c1.closed_at = _at(2026, 6, 10)
    c1.save()  # one row through save()
    Case.objects.filter(pk=c2.pk).update(opened_at=_at(2026, 2, 3))  # and through update()
    Case.objects.filter(pk=c4.pk).update(agency=agency_a)
    Case.objects.filter(pk=c6.pk).update(opened_at=_at(2026, 4, 1))
    Case.objects.filter(pk=c1.pk).update(title="改名不改计数")  # nothing counted changes
    by_month, rows = _figures(supervisor)
    assert by_month["2026年6月"] == (2, 1)
    assert by_month["2026年5月"] == (0, 1)
    assert by_month["2026年4月"] == (1, 0)
    assert by_month["2026年2月"] == (1, 0)
    assert rows[agency_a.pk] == (4, 2) and rows[agency_b.pk] == (1, 1)


def test_postgres_month_table_equals_the_cases(cases, agency_a):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL keeps the month table")
    Case.objects.filter(pk=cases[0].pk).update(closed_at=_at(2026, 6, 2), agency=cases[3].agency)
    make_case(agency_a, 7, opened_at=_at(2024, 1, 9))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT agency_id, month, opened, closed FROM cases_case_month "
            "WHERE opened <> 0 OR closed <> 0 ORDER BY 1, 2"
        )
        kept = cur.fetchall()
        cur.execute(
            "SELECT agency_id, m, sum(o), sum(c) FROM ("
            " SELECT agency_id, date_trunc('month', opened_at AT TIME ZONE 'Asia/Shanghai')::date m,"
            " 1 o, 0 c FROM cases_case WHERE opened_at IS NOT NULL UNION ALL"
            " SELECT agency_id, date_trunc('month', closed_at AT TIME ZONE 'Asia/Shanghai')::date,"
            " 0, 1 FROM cases_case WHERE closed_at IS NOT NULL) x GROUP BY 1, 2 ORDER BY 1, 2"
        )
        counted = cur.fetchall()
    assert kept == counted and len(kept) >= 6
