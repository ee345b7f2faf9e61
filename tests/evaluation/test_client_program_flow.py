"""A client program samples, scores and reports through the REST API, with the same refusals as
the workbench."""

from sanxiang.evaluation import services
from sanxiang.evaluation.models import RectificationStatus, RoundStatus

from .conftest import closed_cases


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
