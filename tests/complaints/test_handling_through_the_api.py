import pytest

from sanxiang.complaints.models import ComplaintStatus

pytestmark = pytest.mark.django_db

BASE = "/api/complaints/complaints/"


def test_list_and_detail_scoped(api_for, complaint_a, handler_a, handler_b, supervisor):
    assert [r["number"] for r in _rows(api_for(handler_a).get(BASE).json())] == [complaint_a.number]
    assert _rows(api_for(handler_b).get(BASE).json()) == []
    assert api_for(handler_b).get(f"{BASE}{complaint_a.pk}/").status_code == 404
    detail = api_for(supervisor).get(f"{BASE}{complaint_a.pk}/").json()
    assert detail["phone"] == "13800571234" and detail["deadline"]
    assert "phone" not in _rows(api_for(handler_a).get(BASE).json())[0]


def _rows(data):
    return data["results"] if isinstance(data, dict) else data


def test_reviewer_refused(api_for, complaint_a, reviewer_a):
    assert api_for(reviewer_a).get(BASE).status_code == 403


def test_actions(api_for, complaint_a, handler_a, head_a, agency_b):
    api = api_for(handler_a)
    r = api.post(f"{BASE}{complaint_a.pk}/conclude/", {"result": "partly", "reply": "x"})
    assert r.status_code == 409 or r.json()["code"] == "illegal_transition"
    assert r.json()["code"] == "illegal_transition"
    assert api.post(f"{BASE}{complaint_a.pk}/accept/").json()["status"] == ComplaintStatus.ACCEPTED
    r = api.post(f"{BASE}{complaint_a.pk}/transfer/", {"to_agency": agency_b.pk})
    assert r.status_code == 403
    r = api_for(head_a).post(f"{BASE}{complaint_a.pk}/transfer/", {"to_agency": agency_b.pk})
    assert r.status_code == 200 and r.json()["agency"] == agency_b.pk


def test_reject_and_conclude(api_for, agency_a, handler_a):
    from .conftest import submit

    one, _ = submit(agency_a)
    two, _ = submit(agency_a)
    api = api_for(handler_a)
    assert api.post(f"{BASE}{one.pk}/reject/", {"reason": ""}).status_code == 400
    assert api.post(f"{BASE}{one.pk}/reject/", {"reason": "重复"}).json()["status"] == "rejected"
    api.post(f"{BASE}{two.pk}/accept/")
    r = api.post(f"{BASE}{two.pk}/conclude/", {"result": "case", "reply": "已立案调查。"})
    assert r.json()["status"] == "concluded" and r.json()["reply"] == "已立案调查。"
