"""Handling 监督预警 online: the workbench list, detail and overview pages and the REST API
(scoped lists and filters, the acknowledge / resolve / dismiss transitions)."""

import pytest

from sanxiang.alerts.models import AlertStatus

from .conftest import live, publication, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert_a(agency_a):
    publication(agency_a, 1)
    run("publication_overdue")
    return live("publication_overdue")[0]


def test_list_filters_and_detail_links(alert_a, client_for, head_a):
    client = client_for(head_a)
    page = client.get("/alerts/").content.decode()
    assert "行政执法决定逾期未公示" in page and f"/alerts/{alert_a.pk}/" in page
    assert "2026-11-23T" not in page and "publication_overdue" not in page.split("<form")[0]
    assert (
        alert_a.record_label not in client.get("/alerts/?rule=complaint_overdue").content.decode()
    )
    assert alert_a.record_label not in client.get("/alerts/?status=resolved").content.decode()
    assert alert_a.record_label in client.get("/alerts/?status=all&severity=high").content.decode()
    detail = client.get(f"/alerts/{alert_a.pk}/").content.decode()
    assert f"/publicity/{alert_a.record_key.split(':')[1]}/" in detail
    assert "签收" in detail and "排除预警" not in detail


def test_other_agency_gets_404(alert_a, client_for, head_b):
    assert client_for(head_b).get(f"/alerts/{alert_a.pk}/").status_code == 404
    response = client_for(head_b).post(
        f"/alerts/{alert_a.pk}/acknowledge/", {"acknowledge-text": "x", "acknowledge-confirm": "on"}
    )
    assert response.status_code == 404


def test_handler_refused(alert_a, client_for, handler_a):
    assert client_for(handler_a).get("/alerts/").status_code == 403


def test_transition_needs_confirmation_and_keeps_input(alert_a, client_for, head_a):
    client = client_for(head_a)
    response = client.post(f"/alerts/{alert_a.pk}/acknowledge/", {"acknowledge-text": "已知悉"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "请勾选确认后再提交" in body and "已知悉" in body
    alert_a.refresh_from_db()
    assert alert_a.status == AlertStatus.OPEN
    response = client.post(
        f"/alerts/{alert_a.pk}/acknowledge/",
        {"acknowledge-text": "已知悉", "acknowledge-confirm": "on"},
    )
    assert response.status_code == 302
    alert_a.refresh_from_db()
    assert alert_a.status == AlertStatus.ACKNOWLEDGED


def test_refused_transition_rerenders_with_message(alert_a, client_for, head_a):
    response = client_for(head_a).post(
        f"/alerts/{alert_a.pk}/resolve/", {"resolve-text": "已整改", "resolve-confirm": "on"}
    )
    assert response.status_code == 400 and "须先签收" in response.content.decode()


def test_supervisor_overview_and_run(alert_a, client_for, supervisor, agency_a):
    client = client_for(supervisor)
    page = client.get("/alerts/overview/").content.decode()
    assert agency_a.name in page
    assert f"?agency={agency_a.pk}&amp;rule=publication_overdue" in page
    response = client.post("/alerts/run/", {"next": "overview"})
    assert response.status_code == 302 and response["Location"].endswith("/alerts/overview/")
    detail = client.get(f"/alerts/{alert_a.pk}/").content.decode()
    assert "排除预警" in detail


def test_head_cannot_run(client_for, head_a, agency_a):
    assert client_for(head_a).post("/alerts/run/").status_code == 403


def test_workbench_panel_counts(alert_a, client_for, head_a):
    page = client_for(head_a).get("/workbench/").content.decode()
    assert "未办结的监督预警" in page


# --------------------------------------------------------------------------- API


def test_api_list_detail_scoped(alert_a, api_for, head_a, head_b, supervisor):
    data = api_for(head_a).get("/api/alerts/alerts/?status=live").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["id"] for r in rows] == [alert_a.pk]
    assert rows[0]["rule_title"] == "行政执法决定逾期未公示"
    assert api_for(head_b).get(f"/api/alerts/alerts/{alert_a.pk}/").status_code == 404
    assert api_for(supervisor).get(f"/api/alerts/alerts/{alert_a.pk}/").status_code == 200


def test_api_list_filters(alert_a, api_for, supervisor, agency_a, agency_b):
    """The list's query parameters (AlertFilter, which also documents them in the schema):
    agency, rule, severity, status (live = open + acknowledged); a malformed agency id is a
    400 bad_filter instead of an unfiltered list."""
    api = api_for(supervisor)

    def ids(query):
        response = api.get("/api/alerts/alerts/?" + query)
        assert response.status_code == 200, response.content
        data = response.json()
        return [r["id"] for r in (data["results"] if isinstance(data, dict) else data)]

    assert ids(f"agency={agency_a.pk}") == [alert_a.pk]
    assert ids(f"agency={agency_b.pk}") == []
    assert ids("rule=publication_overdue") == [alert_a.pk] and ids("rule=other") == []
    assert ids(f"severity={alert_a.severity}") == [alert_a.pk] and ids("severity=none") == []
    assert ids("status=live") == ids("status=open") == [alert_a.pk]
    assert ids("status=resolved") == []
    for bad in ("agency=abc", "agency=%C2%B2", "agency=99999999999999999999"):
        response = api.get("/api/alerts/alerts/?" + bad)
        assert response.status_code == 400 and response.json()["code"] == "bad_filter", bad


def test_api_transitions(alert_a, api_for, head_a, handler_a, supervisor):
    url = f"/api/alerts/alerts/{alert_a.pk}/"
    assert api_for(handler_a).post(url + "acknowledge/", {"text": "x"}).status_code == 403
    refused = api_for(head_a).post(url + "resolve/", {"text": "x"})
    assert refused.status_code == 400 and refused.json()["code"] == "illegal_transition"
    assert api_for(head_a).post(url + "acknowledge/", {"text": ""}).status_code == 400
    response = api_for(head_a).post(url + "acknowledge/", {"text": "已知悉"})
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    assert api_for(head_a).post(url + "dismiss/", {"text": "误报"}).status_code == 403
    assert (
        api_for(supervisor).post(url + "dismiss/", {"text": "误报"}).json()["status"] == "dismissed"
    )


def test_two_clicks_from_overview_to_record(alert_a, client_for, supervisor, agency_a):
    client = client_for(supervisor)
    overview = client.get("/alerts/overview/").content.decode()
    cell = f"/alerts/?agency={agency_a.pk}&amp;rule=publication_overdue"
    assert cell in overview
    listing = client.get(cell.replace("&amp;", "&")).content.decode()
    assert f'href="{alert_a.record_url}"' in listing and alert_a.record_url.startswith(
        "/publicity/"
    )
