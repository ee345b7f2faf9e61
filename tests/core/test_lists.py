"""The staff lists (issue #13 item 5): one shared helper (core/lists.py) gives every list
the agency filter (supervisors, within scope only), a status filter, a date range, an Excel
export of the same scoped rows and a print stylesheet; no filter adds queries per row."""

import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from sanxiang.cases.models import Case, Stage
from sanxiang.records.models import Recording
from tests.complaints.conftest import submit
from tests.evaluation.conftest import closed_case, make_round
from tests.inspections.conftest import plan_data, publish_item
from tests.publicity.conftest import publish

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
B_NAME = "生态环境分局"
A_NAME = "市场监管局"

LISTS = {
    "cases": "/cases/",
    "reviews": "/review/",
    "publications": "/publicity/",
    "recordings": "/records/",
    "complaints": "/complaints/",
    "inspections": "/inspections/",
    "evaluation": "/evaluation/",
}


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEYS_DIR = tmp_path / "keys"
    with time_machine.travel(NOW, tick=False):
        yield


def _recording(case, officer, user, n):
    start = timezone.make_aware(dt.datetime(2026, 6, n, 9, 0))
    return Recording.objects.create(
        agency=case.agency,
        case=case,
        case_number=case.number,
        activity="inspection",
        recorded_start=start,
        recorded_end=start + dt.timedelta(minutes=20),
        place="测试县城关镇",
        collector=officer,
        proves="现场检查过程",
        kind="video",
        content_type="video/mp4",
        original_name=f"r{n}.mp4",
        size=1000,
        sha256=f"{n:064x}",
        storage_key=f"test/{n}",
        uploaded_by=user,
    )


@pytest.fixture
def data(
    agency_a, agency_b, handler_a, handler_b, head_a, head_b, officer_a1, officer_b1, supervisor
):
    cases_a = [closed_case(agency_a, n, closed_on=dt.date(2026, 5, n)) for n in (1, 2, 3)]
    cases_b = [closed_case(agency_b, n, closed_on=dt.date(2026, 4, n)) for n in (1, 2)]
    for c, day in zip(cases_a + cases_b, (2, 3, 20, 5, 6), strict=True):
        Case.objects.filter(pk=c.pk).update(
            opened_at=timezone.make_aware(dt.datetime(2026, 3, day, 9, 0))
        )
    Case.objects.filter(pk=cases_a[2].pk).update(stage=Stage.EXECUTION, closed_at=None)
    publish(agency_a)
    publish(agency_b)
    submit(agency_a)
    submit(agency_b)
    from sanxiang.inspections import services as inspections

    inspections.create_plan(agency_a, handler_a, **plan_data(publish_item(agency_a, head_a, "A1")))
    inspections.create_plan(agency_b, handler_b, **plan_data(publish_item(agency_b, head_b, "B1")))
    make_round(supervisor, [agency_a, agency_b])
    _recording(cases_a[0], officer_a1, handler_a, 1)
    _recording(cases_a[1], officer_a1, handler_a, 2)
    _recording(cases_b[0], officer_b1, handler_b, 3)
    return {"a": cases_a, "b": cases_b}


def _rows(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [[c for c in row] for row in ws.iter_rows(min_row=4, values_only=True)]


def _cells(rows):
    return {str(c) for row in rows for c in row if c is not None}


@pytest.mark.parametrize("name", [n for n in LISTS if n not in ("reviews", "evaluation")])
def test_supervisor_filters_by_agency_and_exports_the_same_rows(
    name, data, client_for, supervisor, agency_a
):
    client = client_for(supervisor)
    page = client.get(LISTS[name])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="agency"' in html and B_NAME in html
    assert "导出 Excel" in html and "core/lists.js" in html
    everything = _cells(_rows(client.get(LISTS[name], {"format": "xlsx"})))
    assert B_NAME in everything and A_NAME in everything
    only_a = _rows(client.get(LISTS[name], {"format": "xlsx", "agency": agency_a.pk}))
    assert only_a and B_NAME not in _cells(only_a)
    # the filtered page keeps the agency in its export link
    html = client.get(LISTS[name], {"agency": agency_a.pk}).content.decode()
    assert f"agency={agency_a.pk}&amp;format=xlsx" in html


@pytest.mark.parametrize("name", [n for n in LISTS if n != "evaluation"])
def test_agency_user_cannot_export_another_agencys_rows(
    name, data, client_for, handler_a, agency_b
):
    client = client_for(handler_a)
    for params in ({"format": "xlsx"}, {"format": "xlsx", "agency": agency_b.pk}):
        rows = _rows(client.get(LISTS[name], params))
        assert B_NAME not in _cells(rows)
    # an agency user has no agency filter to choose from
    assert 'name="agency"' not in client.get(LISTS[name]).content.decode()


def test_supervisor_cannot_reach_outside_scope_by_a_crafted_agency(data, client_for, supervisor):
    from sanxiang.org import services as org
    from sanxiang.org.demo import make_usci
    from sanxiang.org.models import AgencyKind, AgencyLevel

    other = org.create_agency(
        name="外县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "338888", "MB1TQ0009"),
        region="外县",
    )
    closed_case(other, 9)
    client = client_for(supervisor)
    rows = _rows(client.get("/cases/", {"format": "xlsx", "agency": other.pk}))
    assert rows == []
    rows = _rows(client.get("/cases/", {"format": "xlsx", "agency": "-1 OR 1=1"}))
    assert "外县司法局" not in _cells(rows) and len(rows) == 5


def test_status_and_date_filters_on_cases(data, client_for, supervisor):
    client = client_for(supervisor)
    rows = _rows(client.get("/cases/", {"format": "xlsx", "stage": Stage.EXECUTION}))
    assert len(rows) == 1 and rows[0][1] == "测试案件3"
    rows = _rows(
        client.get(
            "/cases/", {"format": "xlsx", "date_from": "2026-03-03", "date_to": "2026-03-06"}
        )
    )
    assert sorted(r[0] for r in rows) == sorted(
        ["市场监管局立〔2026〕2号", "生态环境分局立〔2026〕1号", "生态环境分局立〔2026〕2号"]
    )
    # by 结案日期: April closures are agency B's two cases
    rows = _rows(
        client.get(
            "/cases/",
            {
                "format": "xlsx",
                "date_on": "closed",
                "date_from": "2026-04-01",
                "date_to": "2026-04-30",
            },
        )
    )
    assert {r[4] for r in rows} == {B_NAME} and len(rows) == 2


def test_bad_date_is_reported_not_a_server_error(data, client_for, supervisor):
    response = client_for(supervisor).get("/complaints/", {"date_from": "2026-13-45"})
    assert response.status_code == 200
    assert "日期格式不正确" in response.content.decode()


def test_export_is_capped(data, client_for, supervisor, settings):
    settings.SANXIANG_EXPORT_MAX_ROWS = 2
    rows = _rows(client_for(supervisor).get("/cases/", {"format": "xlsx"}))
    assert len(rows) == 3 and "仅导出前 2 行" in rows[-1][0]


def test_complaint_export_leaves_out_the_complainant(data, client_for, supervisor):
    cells = _cells(_rows(client_for(supervisor).get("/complaints/", {"format": "xlsx"})))
    assert "陈女士" not in cells and "13800571234" not in cells


def test_pagination_keeps_the_filters(data, client_for, supervisor, agency_a):
    html = client_for(supervisor).get("/cases/", {"agency": agency_a.pk, "stage": "archived"})
    assert f"agency={agency_a.pk}&amp;stage=archived" in html.content.decode()


# measured on SQLite: the lists run a fixed number of queries whatever the rows (no N+1)
QUERY_BUDGET = {
    "cases": 14,
    "reviews": 16,
    "publications": 20,
    "recordings": 14,
    "complaints": 24,
    "inspections": 16,
    "evaluation": 14,
}


@pytest.mark.parametrize("name", list(LISTS))
def test_query_count_guard(
    name, data, client_for, supervisor, agency_a, django_assert_max_num_queries
):
    client = client_for(supervisor)
    client.get(LISTS[name])  # warm caches (session, calendar)
    params = {"agency": agency_a.pk, "date_from": "2026-01-01", "date_to": "2026-12-31"}
    with django_assert_max_num_queries(QUERY_BUDGET[name]):
        assert client.get(LISTS[name], params).status_code == 200
    with django_assert_max_num_queries(QUERY_BUDGET[name]):
        assert client.get(LISTS[name], {**params, "format": "xlsx"}).status_code == 200


def test_print_stylesheet_hides_navigation_and_widens_tables():
    css = (Path(__file__).resolve().parents[2] / "sanxiang/core/static/core/app.css").read_text()
    block = css[css.index("@media print") :]
    assert ".topbar" in block and ".no-print" in block and "display:none" in block
    assert "width:100%" in block


def test_workbench_and_queue_show_case_numbers(client_for, reviewer_a):
    from django.template.loader import get_template

    for name in ("review/queue.html", "review/panels/queue.html", "review/panels/handler.html"):
        source = get_template(name).template.source
        assert "case.number" in source, name
