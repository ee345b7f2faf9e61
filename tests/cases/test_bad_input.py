"""Bad input to the case API gets a clear 4xx, never a 500 (issue #12 item 8)."""

import pytest
from rest_framework.test import APIClient

from sanxiang.cases import actions
from sanxiang.cases.models import Stage


@pytest.fixture
def api(handler_a):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user=handler_a)
    return client


@pytest.mark.parametrize("code", sorted(actions.RUNNERS))
def test_json_null_body_on_every_case_action_is_400(api, flow, code):
    """``null`` as the body used to reach ``Serializer(data=None)`` (AssertionError, 500)."""
    case = flow.opened()
    response = api.post(
        f"/api/cases/{case.pk}/{code}/", data="null", content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "JSON 对象" in response.json()["detail"]


@pytest.mark.parametrize("body", ["[]", "[1, 2]", '"x"', "1", "true"])
def test_non_object_json_bodies_are_400(api, flow, body):
    case = flow.opened()
    response = api.post(
        f"/api/cases/{case.pk}/start_investigation/", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    response = api.post("/api/cases/", data=body, content_type="application/json")
    assert response.status_code == 400


def test_serve_without_recipient_is_refused_not_500(api, flow):
    """``{"method": "direct"}`` used to call the service without ``recipient`` (TypeError)."""
    case = flow.decided()
    assert case.stage == Stage.SERVICE
    response = api.post(f"/api/cases/{case.pk}/serve/", {"method": "direct"}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"] == "请填写受送达人。"


def test_serve_without_recipient_in_any_stage_is_4xx(api, flow):
    case = flow.opened()
    response = api.post(f"/api/cases/{case.pk}/serve/", {"method": "direct"}, format="json")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("q=%00", 400, "bad_format"),
        ("q=a%00b", 400, "bad_format"),
        # a garbled cursor is not a record: 400 bad_format (DRF's own answer is 404)
        ("cursor=99999999999999999999", 400, "bad_format"),
        ("cursor=%C2%B2", 400, "bad_format"),
        # an agency that does not exist is a refused filter, not an empty page
        ("agency=99999999999999999999", 400, "bad_filter"),
        ("agency=%C2%B2", 400, "bad_filter"),
        # the page size is clamped (≤200) or falls back to the default
        ("limit=99999999999999999999", 200, None),
        ("limit=-5", 200, None),
        ("limit=%C2%B2", 200, None),
    ],
)
def test_case_list_filters_never_500(api, flow, query, status, code):
    flow.opened()
    response = api.get(f"/api/cases/?{query}")
    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code, response.content
    else:
        assert len(response.json()["results"]) == 1


def test_huge_case_id_is_404(api, flow):
    flow.opened()
    for url in ("/api/cases/99999999999999999999/", "/api/cases/9223372036854775808/serve/"):
        response = api.get(url) if url.count("/") == 4 else api.post(url, {}, format="json")
        assert response.status_code == 404, (url, response.content)
