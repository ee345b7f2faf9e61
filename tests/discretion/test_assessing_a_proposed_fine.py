"""API of the discretion check: GET the check, POST the assessment; scoping and refusals."""

from decimal import Decimal

import pytest

from sanxiang.cases.models import Case
from sanxiang.discretion.models import Assessment

pytestmark = pytest.mark.django_db


def url(case):
    return f"/api/discretion/cases/{case.pk}/check/"


def test_get_check_and_post_assessment(api_for, case_a, tier, handler_a, comparables):
    for fine in (3000, 4000, 5000, 5000, 6000):
        comparables.add(case_a.agency, fine)
    api = api_for(handler_a)
    resp = api.get(url(case_a), {"tier": tier.pk})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["flagged"] is False and body["reference_scope"] == "county"
    assert body["distribution"]["county"]["q1"] == "4000.00"
    Case.objects.filter(pk=case_a.pk).update(proposed_fine=Decimal("5500"))
    resp = api.post(url(case_a), {"tier": tier.pk}, format="json")
    assert resp.status_code == 400 and "须书面说明理由" in resp.json()["detail"]
    resp = api.post(url(case_a), {"tier": tier.pk, "reason": "情节较重"}, format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["flagged"] is True and resp.json()["ledger_index"] is not None
    assert Assessment.objects.get().reason == "情节较重"


def test_other_agency_gets_404(api_for, case_a, tier, handler_b):
    assert api_for(handler_b).get(url(case_a), {"tier": tier.pk}).status_code == 404


def test_forged_tier_is_refused(api_for, case_a, handler_a):
    api = api_for(handler_a)
    assert api.get(url(case_a), {"tier": "999999"}).status_code == 400
    assert api.get(url(case_a), {"tier": "abc"}).status_code == 400
    resp = api.post(url(case_a), {"tier": 999999, "reason": "x"}, format="json")
    assert resp.status_code == 400


def test_supervisor_may_look_but_not_record(api_for, case_a, tier, supervisor):
    api = api_for(supervisor)
    assert api.get(url(case_a), {"tier": tier.pk}).status_code == 200
    assert api.post(url(case_a), {"tier": tier.pk}, format="json").status_code == 403
