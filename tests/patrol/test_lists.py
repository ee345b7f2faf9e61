"""Excel export and print of the 整改通知 list through ``core.lists`` (issue #15 item 5)."""

import io

import pytest
from openpyxl import load_workbook

from sanxiang.patrol import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(sampled, supervisor, agency_a, agency_b):
    out = {}
    for agency in (agency_a, agency_b):
        item = sampled.items.filter(agency=agency).order_by("order").first()
        services.submit_item(item, supervisor, deductions={"standard": (4, "标题不明确")})
        out[agency.pk] = services.issue_notice(sampled, agency, supervisor, requirements="更正")
    return out


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [r for r in ws.iter_rows(min_row=4, values_only=True)]


def test_supervisor_exports_filtered_notices(notices, client_for, supervisor, agency_a):
    client = client_for(supervisor)
    html = client.get("/patrol/notices/").content.decode()
    assert 'name="agency"' in html and "导出 Excel" in html and "data-print" in html
    assert len(_sheet(client.get("/patrol/notices/", {"format": "xlsx"}))) == 2
    only_a = _sheet(client.get("/patrol/notices/", {"format": "xlsx", "agency": agency_a.pk}))
    assert [r[1] for r in only_a] == ["市场监管局"]
    closed = _sheet(client.get("/patrol/notices/", {"format": "xlsx", "status": "closed"}))
    assert closed == []
    late = {"date_on": "deadline", "date_from": "2030-01-01"}
    assert _sheet(client.get("/patrol/notices/", {"format": "xlsx", **late})) == []


def test_agency_exports_only_its_own_notice(notices, client_for, head_b, agency_a):
    client = client_for(head_b)
    for params in ({"format": "xlsx"}, {"format": "xlsx", "agency": agency_a.pk}):
        rows = _sheet(client.get("/patrol/notices/", params))
        assert all(r[1] != "市场监管局" for r in rows)
    assert len(_sheet(client.get("/patrol/notices/", {"format": "xlsx"}))) == 1
