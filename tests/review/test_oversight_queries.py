"""The supervisor's review figures (司法局 dashboard, /api/review/stats/) read the officer and
reviewer counts of all agencies in grouped queries: the number of queries does not grow with
the number of agencies under the supervisor (the province bench found ~250 small queries per
dashboard page when each agency's ratio was counted on its own)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyKind, AgencyLevel, Officer
from sanxiang.review import services
from tests.conftest import REGION


def _add_agencies(sfj, start, n):
    for i in range(start, start + n):
        agency = org.create_agency(
            name=f"测试县第{i}执法局",
            level=AgencyLevel.COUNTY,
            kind=AgencyKind.ENFORCEMENT,
            parent=sfj,
            usci=make_usci("11", "339999", f"MB1TQ{100 + i:04d}"),
            region=REGION,
        )
        Officer.objects.create(agency=agency, name=f"执法员{i}")


def _queries(user):
    with CaptureQueriesContext(connection) as ctx:
        rows = services.stats(user)
    return len(ctx.captured_queries), rows


def test_stats_queries_do_not_grow_with_agencies(supervisor, agency_a, reviewer_a, officer_a1):
    sfj = agency_a.parent
    _add_agencies(sfj, 0, 2)
    few, rows_few = _queries(supervisor)
    _add_agencies(sfj, 2, 8)
    many, rows_many = _queries(supervisor)
    assert len(rows_many) == len(rows_few) + 8
    assert many == few
    by_agency = {r["agency"].pk: r["ratio"] for r in rows_many}
    assert by_agency[agency_a.pk]["officers"] == 1 and by_agency[agency_a.pk]["reviewers"] == 1
    assert by_agency[agency_a.pk]["ok"]
    others = [r for pk, r in by_agency.items() if pk != agency_a.pk]
    assert all(r["officers"] == 1 and r["reviewers"] == 0 and not r["ok"] for r in others)


def test_grouped_counts_equal_the_per_agency_ratio(supervisor, agency_a, reviewer_a, officer_a1):
    Officer.objects.bulk_create([Officer(agency=agency_a, name=f"执法{i}") for i in range(20)])
    row = next(r for r in services.stats(supervisor) if r["agency"].pk == agency_a.pk)
    alone = services.reviewer_ratio(agency_a)
    assert {k: row["ratio"][k] for k in ("officers", "reviewers", "needed", "ok")} == {
        k: alone[k] for k in ("officers", "reviewers", "needed", "ok")
    }
    assert not alone["ok"] and alone["needed"] == 2
