"""The supervisor's dashboard, issue #15 item 5: 监督预警 by month and by rule, 网上巡查
scores and 整改通知 by quarter, 复议/诉讼 outcomes by month — scoped to what the supervisor
may see, each figure linking to the list that holds exactly its rows."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from openpyxl import load_workbook

from sanxiang.alerts import services as alerts
from sanxiang.alerts.models import Alert
from sanxiang.appeals.models import Appeal
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyKind, AgencyLevel, Role
from sanxiang.patrol import services as patrol
from tests.alerts.conftest import make_case, publication
from tests.conftest import REGION, make_user
from tests.patrol.conftest import SEED, make_round, publish

pytestmark = pytest.mark.django_db

BJ = ZoneInfo("Asia/Shanghai")
SETUP = dt.datetime(2026, 5, 20, 10, 0, tzinfo=BJ)
VIEW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=BJ)


def _appeal(case, user, decided_on, outcome):
    return Appeal.objects.create(
        agency=case.agency,
        case=case,
        kind="reconsideration",
        body="测试县人民政府",
        known_on=dt.date(2026, 3, 1),
        applied_on=dt.date(2026, 3, 10),
        application_deadline=dt.date(2026, 5, 9),
        accepted_on=dt.date(2026, 3, 12),
        status="decided",
        outcome=outcome,
        decided_on=decided_on,
        recorded_by=user,
    )


@pytest.fixture
def supervision(
    time_machine,
    settings,
    tmp_path,
    agency_a,
    agency_b,
    handler_a,
    handler_b,
    head_a,
    head_b,
    supervisor,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    time_machine.move_to(SETUP, tick=False)
    # 监督预警: three overdue publications (two of A, one of B); one of A resolved
    for agency, n in ((agency_a, 1), (agency_a, 2), (agency_b, 3)):
        publication(agency, n, decision_date=dt.date(2026, 5, 4), due_date=dt.date(2026, 5, 13))
    # the overdue rule only: these rows are made by hand, without the leaves the integrity
    # rule (reconciliation) would look for
    alerts.run_rules(None, codes={"publication_overdue"})
    first = Alert.objects.filter(agency=agency_a).order_by("id").first()
    alerts.acknowledge(first, head_a, "已知悉。")
    alerts.resolve(first, head_a, "已公示。")
    # 网上巡查, second quarter: A has a finding and a notice
    for agency, handler in ((agency_a, handler_a), (agency_a, handler_a), (agency_b, handler_b)):
        publish(agency, handler)
    rnd = patrol.sample(make_round(supervisor, [agency_a, agency_b]), supervisor, seed_hex=SEED)
    for item in rnd.items.order_by("order"):
        deductions = {"standard": (4, "标题不明确")} if item.agency_id == agency_a.pk else {}
        patrol.submit_item(item, supervisor, deductions=deductions)
    patrol.issue_notice(rnd, agency_a, supervisor, requirements="更正标题")
    # 复议/诉讼: April 维持 (A) and 撤销 (B), May 确认违法 (A)
    _appeal(make_case(agency_a, 1), head_a, dt.date(2026, 4, 8), "upheld")
    _appeal(make_case(agency_b, 2), head_b, dt.date(2026, 4, 9), "revoked")
    _appeal(make_case(agency_a, 3), head_a, dt.date(2026, 5, 6), "confirmed_illegal")
    time_machine.move_to(VIEW, tick=False)
    return rnd


def _sheet(client, url):
    response = client.get(url + "&format=xlsx")
    assert response.status_code == 200, response.content[:300]
    ws = load_workbook(io.BytesIO(response.content)).active
    return list(ws.iter_rows(min_row=4, values_only=True))


def test_trends_shown_with_tables_and_drill_down(supervision, client_for, supervisor):
    client = client_for(supervisor)
    response = client.get("/workbench/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    # ten charts; each of the five vertical ones has its horizontal twin for phones
    assert html.count("<svg") - html.count('class="chart hbar twin"') == 10
    assert html.count('class="chart hbar twin"') == html.count('class="chart vbar has-twin"')
    for title in ("各月监督预警新增与整改", "各预警模型的预警数", "各季度网上巡查平均得分"):
        assert title in html
    sup = response.context["supervision"]
    may = next(m for m in sup["alerts"]["by_month"] if m["label"] == "2026年5月")
    assert (may["raised"], may["resolved"]) == (3, 1)
    # chart → list → record: the month's bar opens the list holding exactly those alerts
    assert len(_sheet(client, may["raised_url"])) == 3
    assert len(_sheet(client, may["resolved_url"])) == 1
    rule = next(r for r in sup["alerts"]["by_rule"] if r["code"] == "publication_overdue")
    assert (rule["raised"], rule["live"]) == (3, 2)
    assert len(_sheet(client, rule["live_url"])) == 2
    assert f'href="{may["raised_url"].replace("&", "&amp;")}"' in html
    # patrol by quarter
    q2 = next(q for q in sup["patrol"] if (q["year"], q["quarter"]) == (2026, 2))
    assert q2["items"] == supervision.items.count() and q2["notices"] == 1
    assert q2["average"] is not None and q2["average"] < 100
    assert q2["items_url"] == f"/patrol/rounds/{supervision.pk}/"
    assert len(_sheet(client, q2["notices_url"])) == 1
    # 复议/诉讼 outcomes by month
    rows = {m["label"]: m for m in sup["appeals"]["rows"]}
    april, may_ = rows["2026年4月"], rows["2026年5月"]
    assert april["counts"]["upheld"] == 1 and april["counts"]["revoked"] == 1
    assert april["groups"] == {"upheld": 1, "corrected": 1, "other": 0}
    assert may_["counts"]["confirmed_illegal"] == 1 and may_["total"] == 1
    assert len(_sheet(client, april["urls"]["revoked"])) == 1
    assert len(_sheet(client, april["total_url"])) == 2


def test_per_agency_table_links_to_exactly_its_rows(
    supervision, client_for, supervisor, agency_a, agency_b
):
    client = client_for(supervisor)
    response = client.get("/workbench/dashboard/")
    html = response.content.decode()
    assert "各执法机关监督预警、网上巡查与复议诉讼" in html
    rows = {r["name"]: r for r in response.context["supervision"]["by_agency"]}
    a = rows[agency_a.short_name or agency_a.name]
    b = rows[agency_b.short_name or agency_b.name]
    # 监督预警: A raised two (one resolved, one live), B one live
    assert (a["alerts"]["raised"], a["alerts"]["live"], a["alerts"]["resolved"]) == (2, 1, 1)
    assert (b["alerts"]["raised"], b["alerts"]["live"], b["alerts"]["resolved"]) == (1, 1, 0)
    assert len(_sheet(client, a["alerts"]["live_url"])) == 1
    assert len(_sheet(client, a["alerts"]["raised_url"])) == 2
    assert len(_sheet(client, a["alerts"]["resolved_url"])) == 1
    assert f'href="{a["alerts"]["raised_url"].replace("&", "&amp;")}"' in html
    # 网上巡查: A's items lost points and got the notice, B's are full marks
    items = {ag: supervision.items.filter(agency=ag).count() for ag in (agency_a, agency_b)}
    assert a["patrol"]["items"] == items[agency_a] and b["patrol"]["items"] == items[agency_b]
    assert a["patrol"]["average"] == 96 and b["patrol"]["average"] == 100
    assert (a["patrol"]["notices"], b["patrol"]["notices"]) == (1, 0)
    assert len(_sheet(client, a["patrol"]["notices_url"])) == 1
    assert _sheet(client, b["patrol"]["notices_url"]) == []
    assert _sheet(client, a["patrol"]["closed_url"]) == []
    # 复议/诉讼: A two decided (one 确认违法 = 被纠错), B one 撤销
    assert (a["appeals"]["decided"], a["appeals"]["corrected"]) == (2, 1)
    assert (b["appeals"]["decided"], b["appeals"]["corrected"]) == (1, 1)
    corrected = _sheet(client, a["appeals"]["corrected_url"])
    assert len(corrected) == 1
    assert len(_sheet(client, a["appeals"]["decided_url"])) == 2


def test_appeal_chart_groups_link_to_their_outcomes(supervision, client_for, supervisor):
    client = client_for(supervisor)
    rows = {
        m["label"]: m
        for m in client.get("/workbench/dashboard/").context["supervision"]["appeals"]["rows"]
    }
    april = rows["2026年4月"]
    assert len(_sheet(client, april["group_urls"]["upheld"])) == 1
    assert len(_sheet(client, april["group_urls"]["corrected"])) == 1
    assert _sheet(client, april["group_urls"]["other"]) == []


def test_trends_are_scoped_to_the_supervisors_agencies(supervision, client_for):
    other = org.create_agency(
        name="邻县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339998", "MB1TQ0009"),
        region=REGION,
    )
    outsider = make_user("other_sup", Role.SUPERVISOR, other, "冯监督")
    response = client_for(outsider).get("/workbench/dashboard/")
    assert response.status_code == 200
    sup = response.context["supervision"]
    assert all(m["raised"] == 0 and m["resolved"] == 0 for m in sup["alerts"]["by_month"])
    assert all(r["raised"] == 0 and r["live"] == 0 for r in sup["alerts"]["by_rule"])
    assert all(q["items"] == 0 and q["notices"] == 0 for q in sup["patrol"])
    assert all(m["total"] == 0 for m in sup["appeals"]["rows"])
    assert sup["by_agency"] == []


def test_city_supervisor_sees_the_counties_below(supervision, client_for):
    """A city-level 司法局 sees, per agency and in the trends, the agencies of the counties
    under it — and not those of a county outside its tree."""
    city = org.create_agency(
        name="测试市司法局",
        level=AgencyLevel.CITY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339900", "MB1TQ0007"),
        region="测试市",
    )
    county = org.create_agency(
        name="测试市甲县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        parent=city,
        usci=make_usci("11", "339901", "MB1TQ0008"),
        region="测试市甲县",
    )
    below = org.create_agency(
        name="测试市甲县市场监督管理局",
        short_name="甲县市场监管局",
        level=AgencyLevel.COUNTY,
        parent=county,
        usci=make_usci("11", "339901", "MB1TQ0010"),
        region="测试市甲县",
    )
    publication(below, 40, decision_date=dt.date(2026, 5, 4), due_date=dt.date(2026, 5, 13))
    alerts.run_rules(None, codes={"publication_overdue"})
    city_sup = make_user("city_sup", Role.SUPERVISOR, city, "钱监督")
    client = client_for(city_sup)
    response = client.get("/workbench/dashboard/")
    assert response.status_code == 200
    sup = response.context["supervision"]
    names = [r["name"] for r in sup["by_agency"]]
    assert names == ["甲县市场监管局"]  # not the 测试县 agencies of the fixture
    row = sup["by_agency"][0]
    assert row["alerts"]["live"] == 1 and row["alerts"]["raised"] == 1
    sheet = _sheet(client, row["alerts"]["live_url"])
    assert len(sheet) == 1 and sheet[0][2] == "甲县市场监管局"
    june = next(m for m in sup["alerts"]["by_month"] if m["label"] == "2026年6月")
    assert june["raised"] == 1


def test_agency_head_sees_no_dashboard(supervision, client_for, head_a):
    assert client_for(head_a).get("/workbench/dashboard/").status_code == 403


def _queries(client, url="/workbench/dashboard/"):
    """Queries of one request, counted as they run (``connection.queries`` is a bounded
    log: after the thousands of queries of a fixture its slices no longer count)."""
    n = 0

    def count(execute, sql, params, many, context):
        nonlocal n
        n += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    return n


def test_query_count_does_not_grow_with_the_supervision_records(
    supervision, settings, client_for, supervisor, agency_a, head_a
):
    # the working-day calendar re-reads its revision token once a second of wall time: on a
    # slow machine that one query would come and go between the two counts
    settings.WORKDAYS_REVISION_CHECK_SECONDS = 3600
    client = client_for(supervisor)
    client.get("/workbench/dashboard/")
    before = _queries(client)
    # the page's queries plus the supervision's fixed ones (trends and the per-agency table)
    assert before <= 46
    for n in range(10, 16):
        _appeal(make_case(agency_a, n), head_a, dt.date(2026, 2, n), "changed")
        publication(agency_a, n, decision_date=dt.date(2026, 5, 4), due_date=dt.date(2026, 5, 13))
    # the overdue rule only: these rows are made by hand, without the leaves the integrity
    # rule (reconciliation) would look for
    alerts.run_rules(None, codes={"publication_overdue"})
    client.get("/workbench/dashboard/")  # warm again, as before the first count (caches)
    assert _queries(client) <= before
