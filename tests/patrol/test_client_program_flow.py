"""A client program scores an item through the REST API, with the same validation as the
workbench."""

from .conftest import first


def test_api_submit_and_validation(sampled, supervisor, agency_a, api_for):
    item = first(sampled, agency_a)
    api = api_for(supervisor)
    bad = api.post(
        f"/api/patrol/items/{item.pk}/submit/",
        {"deductions": {"accuracy": {"deduction": 99, "note": "x"}}},
        format="json",
    )
    assert bad.status_code == 400 and "0至15" in bad.json()["detail"]
    ok = api.post(
        f"/api/patrol/items/{item.pk}/submit/",
        {"deductions": {"accuracy": {"deduction": 1, "note": "x"}}},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["score"] == 99
    again = api.post(f"/api/patrol/items/{item.pk}/submit/", {"deductions": {}}, format="json")
    assert again.status_code in (400, 409)
