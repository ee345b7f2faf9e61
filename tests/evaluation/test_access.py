"""Who sees and does what: an agency sees only its own sheets and notices and cannot score,
another 司法局 gets 404, forms need CSRF, API reads are scoped."""

from django.test import Client

from sanxiang.evaluation import services
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyKind, AgencyLevel, Role
from tests.conftest import make_user

from .conftest import full, sheet_post


def test_agency_sees_only_its_own_sheets_and_notices(client_for, sampled, rect, handler_b, head_a):
    sheet_a = rect.sheet
    sheet_b = sampled.sheets.exclude(agency=rect.agency).first()
    client = client_for(handler_b)
    assert client.get(f"/evaluation/rounds/{sampled.pk}/").status_code == 404
    assert client.get(f"/evaluation/sheets/{sheet_a.pk}/").status_code == 404
    assert client.get(f"/evaluation/rectifications/{rect.pk}/").status_code == 404
    assert "补正送达回证" not in client.get("/evaluation/rectifications/").content.decode()
    assert client.get(f"/evaluation/sheets/{sheet_b.pk}/").status_code == 200
    client = client_for(head_a)
    assert client.get("/evaluation/").status_code == 302  # to the notices
    assert client.get(f"/evaluation/rounds/{sampled.pk}/").status_code == 404
    assert client.get(f"/evaluation/rounds/{sampled.pk}/summary.csv").status_code == 404
    page = client.get("/evaluation/rectifications/").content.decode()
    assert "待整改" in page
    page = client.get(f"/evaluation/sheets/{sheet_a.pk}/").content.decode()
    assert "70 分" in page and "提交评分" not in page


def test_agency_cannot_edit_scores(client_for, sampled, handler_a, head_a):
    sheet = sampled.sheets.filter(agency=handler_a.agency).first()
    for user in (handler_a, head_a):
        response = client_for(user).post(f"/evaluation/sheets/{sheet.pk}/", sheet_post())
        assert response.status_code == 403
        assert (
            client_for(user)
            .post(
                f"/evaluation/sheets/{sheet.pk}/rectify/", {"requirements": "x", "workdays": "20"}
            )
            .status_code
            == 403
        )
    sheet.refresh_from_db()
    assert sheet.submitted_at is None


def test_other_supervisor_gets_404(client_for, sampled, rect):
    other = org.create_agency(
        name="外县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339998", "MB1TQ0009"),
        region="外县",
    )
    client = client_for(make_user("other_sup", Role.SUPERVISOR, other))
    assert client.get(f"/evaluation/rounds/{sampled.pk}/").status_code == 404
    assert client.post(f"/evaluation/rounds/{sampled.pk}/sample/").status_code == 404
    assert client.get(f"/evaluation/sheets/{rect.sheet_id}/").status_code == 404
    assert client.get(f"/evaluation/rectifications/{rect.pk}/").status_code == 404
    assert client.get(f"/evaluation/rounds/{sampled.pk}/summary.csv").status_code == 404


def test_forms_need_csrf(supervisor, handler_a, sampled, rect):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(f"/evaluation/rounds/{sampled.pk}/conclude/").status_code == 403
    sheet = sampled.sheets.filter(submitted_at__isnull=True).first()
    assert client.post(f"/evaluation/sheets/{sheet.pk}/", sheet_post()).status_code == 403
    sheet.refresh_from_db()
    assert sheet.submitted_at is None
    client = Client(enforce_csrf_checks=True)
    client.force_login(handler_a, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(f"/evaluation/rectifications/{rect.pk}/report/", {"report": "x"})
    assert response.status_code == 403


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_api_reads_are_scoped(api_for, sampled, supervisor, handler_a, handler_b, agency_a):
    sheet = sampled.sheets.filter(agency=agency_a).first()
    sheet = services.submit_sheet(sheet, supervisor, deductions=full(law=3))
    rect = services.issue_rectification(sheet, supervisor, requirements="整改")
    assert len(results(api_for(supervisor).get("/api/evaluation/rounds/"))) == 1
    assert len(results(api_for(supervisor).get("/api/evaluation/sheets/"))) == 3
    api = api_for(handler_b)
    assert results(api.get("/api/evaluation/rounds/")) == []
    assert len(results(api.get("/api/evaluation/sheets/"))) == 1
    assert results(api.get("/api/evaluation/rectifications/")) == []
    assert api.get(f"/api/evaluation/rectifications/{rect.pk}/").status_code == 404
    response = api.post(f"/api/evaluation/rectifications/{rect.pk}/report/", {"report": "x"})
    assert response.status_code == 404
    api = api_for(handler_a)
    assert [r["id"] for r in results(api.get("/api/evaluation/rectifications/"))] == [rect.pk]
    response = api.post(
        f"/api/evaluation/sheets/{sheet.pk}/submit/", {"deductions": {}}, format="json"
    )
    assert response.status_code == 403
    assert api.post(f"/api/evaluation/rounds/{sampled.pk}/sample/").status_code == 404
