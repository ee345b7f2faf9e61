"""The transfers API is scoped to the user's agencies; refusals are 400 with the reason."""

import pytest

from tests.transfers.conftest import ago

pytestmark = pytest.mark.django_db


def test_api_scoped(flow, head_a, head_b, supervisor, api_for):
    case = flow.in_decision()
    body = {
        "case": case.pk,
        "reported_on": ago(9),
        "approved_on": ago(8),
        "transferred_on": ago(8),
        "police_authority": "测试县公安局",
        "materials": ["涉嫌犯罪案件移送书", "涉嫌犯罪案件情况的调查报告"],
        "case_summary": "涉嫌犯罪",
    }
    assert api_for(head_b).post("/api/transfers/transfers/", body, format="json").status_code == 404
    r = api_for(head_a).post("/api/transfers/transfers/", body, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = api_for(head_a).post(
        f"/api/transfers/transfers/{pk}/reply/",
        {"decision": "filed", "notified_on": ago(7)},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "filed"
    r = api_for(head_a).post(
        f"/api/transfers/transfers/{pk}/return/",
        {"returned_on": ago(1), "note": "x"},
        format="json",
    )
    assert r.status_code == 400  # illegal transition: a filed case is not returned
    assert api_for(supervisor).get(f"/api/transfers/transfers/{pk}/").status_code == 200
    assert api_for(head_b).get(f"/api/transfers/transfers/{pk}/").status_code == 404
