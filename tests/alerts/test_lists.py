"""Excel export and print of the alert list through ``core.lists`` (issue #15 item 5): only
the user's scoped alerts, with the list's filters (agency, rule, status, severity, date)."""

import io

import pytest
from openpyxl import load_workbook

from sanxiang.alerts import services

from .conftest import live, publication, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(agency_a, agency_b):
    publication(agency_a, 1)
    publication(agency_a, 2)
    publication(agency_b, 3)
    run("publication_overdue")
    return live("publication_overdue")


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [r for r in ws.iter_rows(min_row=4, values_only=True)]


def test_page_has_shared_filters_export_and_print(alerts, client_for, supervisor):
    html = client_for(supervisor).get("/alerts/").content.decode()
    assert 'name="agency"' in html and 'name="rule"' in html and 'name="date_from"' in html
    assert 'name="severity"' in html and 'name="status"' in html
    assert "导出 Excel" in html and "data-print" in html


def test_supervisor_export_and_filters(alerts, client_for, supervisor, agency_a, head_a):
    client = client_for(supervisor)
    assert len(_sheet(client.get("/alerts/", {"format": "xlsx"}))) == 3
    only_a = _sheet(client.get("/alerts/", {"format": "xlsx", "agency": agency_a.pk}))
    assert len(only_a) == 2 and {r[2] for r in only_a} == {"市场监管局"}
    assert _sheet(client.get("/alerts/", {"format": "xlsx", "rule": "complaint_overdue"})) == []
    assert _sheet(client.get("/alerts/", {"format": "xlsx", "severity": "low"})) == []
    assert _sheet(client.get("/alerts/", {"format": "xlsx", "date_to": "2026-01-01"})) == []
    # the default (live) status and an explicit one apply to the export as to the page
    services.acknowledge(alerts[0], head_a, "已知悉")
    acked = _sheet(client.get("/alerts/", {"format": "xlsx", "status": "acknowledged"}))
    assert len(acked) == 1 and acked[0][7] == "已知悉"
    html = client.get("/alerts/", {"agency": agency_a.pk, "severity": "high"}).content.decode()
    assert f"agency={agency_a.pk}&amp;severity=high&amp;format=xlsx" in html


def test_agency_export_holds_only_its_own_alerts(alerts, client_for, head_b, agency_a):
    client = client_for(head_b)
    for params in ({"format": "xlsx"}, {"format": "xlsx", "agency": agency_a.pk}):
        rows = _sheet(client.get("/alerts/", params))
        assert len(rows) == 1 and rows[0][2] != "市场监管局"


def test_handler_cannot_export(alerts, client_for, handler_a):
    assert client_for(handler_a).get("/alerts/", {"format": "xlsx"}).status_code == 403
