"""API of 案卷评查: scoped reads and the three writes through the services."""

from sanxiang.evaluation import services
from sanxiang.evaluation.models import RectificationStatus, RoundStatus

from .conftest import closed_cases, full


def test_sample_submit_and_report_via_api(api_for, supervisor, handler_a, round_ab, agency_a):
    closed_cases(agency_a, 4)
    api = api_for(supervisor)
    response = api.post(f"/api/evaluation/rounds/{round_ab.pk}/sample/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == RoundStatus.SAMPLED
    response = api.post(f"/api/evaluation/rounds/{round_ab.pk}/sample/")
    assert response.status_code == 400
    assert "不能重复抽取" in response.json()["detail"]
    sheet = round_ab.sheets.get()
    response = api.post(
        f"/api/evaluation/sheets/{sheet.pk}/submit/",
        {"deductions": {"facts": {"deduction": 5}}},
        format="json",
    )
    assert response.status_code == 400 and "须写明扣分理由" in response.json()["detail"]
    response = api.post(
        f"/api/evaluation/sheets/{sheet.pk}/submit/",
        {"deductions": {"facts": {"deduction": 20, "note": "证据不足"}}, "comment": "c"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["score"] == 80
    rect = services.issue_rectification(sheet, supervisor, requirements="整改")
    response = api_for(handler_a).post(
        f"/api/evaluation/rectifications/{rect.pk}/report/", {"report": "已整改"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == RectificationStatus.REPORTED


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
