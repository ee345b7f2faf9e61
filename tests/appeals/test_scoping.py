"""Pages and API of 复议/诉讼 are scoped to the user's agencies; a supervisor reads, does not act."""

import pytest
from django.urls import reverse

from sanxiang.appeals import services
from sanxiang.core import clock
from tests.appeals.conftest import ago

pytestmark = pytest.mark.django_db


def test_other_agency_gets_404_and_supervisor_sees(
    flow, handler_a, handler_b, supervisor, client_for
):
    case = flow.decided()
    appeal = services.record_appeal(
        case, handler_a, kind="reconsideration", body="测试县人民政府", applied_on=ago(5)
    )
    c = client_for(handler_b)
    assert c.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404
    assert c.get(reverse("appeals:create", args=[case.pk])).status_code == 404
    assert "测试县人民政府" not in c.get(reverse("appeals:index")).content.decode()
    c = client_for(supervisor)
    assert c.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 200
    r = c.post(
        reverse("appeals:detail", args=[appeal.pk]),
        {"action": "accept", "accept-accepted_on": ago(4)},
    )
    assert r.status_code == 403


def test_api_scoped_create_and_figures(flow, handler_a, handler_b, supervisor, api_for, agency_a):
    case = flow.decided()
    api = api_for(handler_a)
    r = api.post(
        "/api/appeals/appeals/",
        {"case": case.pk, "kind": "litigation", "body": "测试县人民法院", "applied_on": ago(3)},
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = api.post(f"/api/appeals/appeals/{pk}/accept/", {"accepted_on": ago(2)}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert api_for(handler_b).get(f"/api/appeals/appeals/{pk}/").status_code == 404
    r = api_for(handler_b).post(
        "/api/appeals/appeals/",
        {"case": case.pk, "kind": "litigation", "body": "x", "applied_on": ago(3)},
        format="json",
    )
    assert r.status_code == 404
    year = clock.local_date(case.decision_at).year
    rows = api_for(supervisor).get(f"/api/appeals/appeals/figures/?year={year}").json()
    row = next(x for x in rows if x["agency_id"] == agency_a.pk)
    assert row["decisions"] == 1 and row["litigation_rate"] == 100.0
