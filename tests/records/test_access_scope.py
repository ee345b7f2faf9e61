"""Issue #11 item 5: requesting access to another agency's case answered 403 where a
missing case answered otherwise - an oracle of which case ids exist elsewhere. Both now
answer 404 with the same body."""

import pytest

from sanxiang.records.models import AccessRequest

from .conftest import png_bytes

pytestmark = pytest.mark.django_db
URL = "/api/records/access-requests/"


def test_other_agencys_case_and_missing_case_answer_alike(case_a, handler_b, api_for):
    api = api_for(handler_b)
    other = api.post(URL, {"case": case_a.pk, "reason": "想看看"}, format="json")
    missing = api.post(URL, {"case": 987654, "reason": "想看看"}, format="json")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert not AccessRequest.objects.exists()


def test_other_agencys_recording_answers_404(case_a, ingest, handler_b, api_for, agency_b):
    rec = ingest(case_a, png_bytes())
    r = api_for(handler_b).post(
        URL, {"case": case_a.pk, "recording": rec.pk, "reason": "想看看"}, format="json"
    )
    assert r.status_code == 404


def test_own_agency_still_requests(case_a, ingest, reviewer_a, api_for):
    rec = ingest(case_a, png_bytes())
    r = api_for(reviewer_a).post(
        URL, {"case": case_a.pk, "recording": rec.pk, "reason": "核对证据"}, format="json"
    )
    assert r.status_code == 201, r.content
    assert r.json()["case"] == case_a.pk and r.json()["recording"] == rec.pk
    bad = api_for(reviewer_a).post(URL, {"case": "abc", "reason": "x"}, format="json")
    assert bad.status_code == 400


def test_workbench_request_for_other_agencys_case_is_404(case_a, handler_b, reviewer_a, client_for):
    own = client_for(reviewer_a).post(f"/records/case/{case_a.pk}/request/", {"reason": "核对"})
    assert own.status_code == 302
    web = client_for(handler_b)
    assert web.post(f"/records/case/{case_a.pk}/request/", {"reason": "x"}).status_code == 404
    assert web.post("/records/case/987654/request/", {"reason": "x"}).status_code == 404
