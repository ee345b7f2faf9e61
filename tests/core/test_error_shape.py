"""Every API error answers {"code", "detail"} (issue #17 item 3): DomainError, serializer
validation, DRF's own errors (authentication, 404, 405, parse, media type, throttling) and
Django's own 404 on /api/ paths. ``code`` is always one of ErrorCode."""

import json

import pytest
from django.test import override_settings
from rest_framework import exceptions

from sanxiang.core.api import exception_handler
from sanxiang.core.errors import DomainError, ErrorCode


def _shape(resp, code, status):
    body = resp.json()
    assert resp.status_code == status, body
    assert body["code"] == code, body
    assert body["code"] in ErrorCode.values
    assert isinstance(body["detail"], str) and body["detail"], body
    return body


@pytest.mark.django_db
def test_unauthenticated_is_401_not_authenticated(client):
    _shape(client.get("/api/cases/"), "not_authenticated", 401)


@pytest.mark.django_db
def test_bad_token_keeps_its_specific_code(client):
    resp = client.get("/api/cases/", HTTP_AUTHORIZATION="Token nonsense")
    _shape(resp, "token_invalid", 401)


def test_unknown_api_path_is_json_404(api_for, handler_a):
    _shape(api_for(handler_a).get("/api/no-such-thing/"), "not_found", 404)


def test_unknown_record_is_404_not_found(api_for, handler_a):
    _shape(api_for(handler_a).get("/api/cases/999999/"), "not_found", 404)


def test_wrong_method_is_405(api_for, handler_a):
    _shape(api_for(handler_a).delete("/api/cases/"), "method_not_allowed", 405)


def test_parse_error_is_400_parse_error(api_for, handler_a):
    resp = api_for(handler_a).post("/api/cases/", data="{not json", content_type="application/json")
    _shape(resp, "parse_error", 400)


def test_non_object_body_is_parse_error(api_for, handler_a):
    resp = api_for(handler_a).post("/api/cases/", data="[1]", content_type="application/json")
    _shape(resp, "parse_error", 400)


def test_unsupported_media_type_is_415(api_for, handler_a):
    resp = api_for(handler_a).post("/api/cases/", data="x", content_type="text/plain")
    _shape(resp, "unsupported_media_type", 415)


def test_serializer_errors_are_validation_error_with_fields(api_for, handler_a):
    resp = api_for(handler_a).post("/api/cases/", {}, format="json")
    body = _shape(resp, "validation_error", 400)
    assert isinstance(body["fields"], dict) and body["fields"]
    for messages in body["fields"].values():
        assert isinstance(messages, list) and all(isinstance(m, str) for m in messages)
    assert "提交的数据有误" in body["detail"]


def test_missing_agency_is_required_not_a_bare_detail(api_for, admin_user):
    # cases/api.py answered {"detail"} alone here before issue #17
    resp = api_for(admin_user).post("/api/cases/on-the-spot/", {}, format="json")
    assert resp.status_code == 400
    assert resp.json()["code"] in ("validation_error", "required")
    assert "detail" in resp.json()


def test_handler_maps_each_drf_exception_to_its_code():
    cases = [
        (exceptions.NotAuthenticated(), "not_authenticated", 401),
        (exceptions.AuthenticationFailed(), "authentication_failed", 401),
        (exceptions.PermissionDenied(), "permission_denied", 403),
        (exceptions.NotFound(), "not_found", 404),
        (exceptions.MethodNotAllowed("PUT"), "method_not_allowed", 405),
        (exceptions.NotAcceptable(), "not_acceptable", 406),
        (exceptions.UnsupportedMediaType("text/x"), "unsupported_media_type", 415),
        (exceptions.Throttled(wait=7), "throttled", 429),
        (exceptions.ParseError(), "parse_error", 400),
        (exceptions.ValidationError("只是一句话"), "validation_error", 400),
        (exceptions.ValidationError({"name": ["必填"]}), "validation_error", 400),
    ]
    for exc, code, status in cases:
        resp = exception_handler(exc, {})
        assert resp.status_code == status, exc
        assert resp.data["code"] == code, (exc, resp.data)
        assert resp.data["detail"], exc
    throttled = exception_handler(exceptions.Throttled(wait=7), {})
    assert throttled["Retry-After"] == "7"


def test_django_404_and_403_become_drf_codes():
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assert exception_handler(Http404(), {}).data["code"] == "not_found"
    assert exception_handler(PermissionDenied(), {}).data["code"] == "permission_denied"


def test_domain_error_keeps_code_status_links_and_details():
    exc = DomainError(
        "须补正", code=ErrorCode.MISSING_MATERIAL, details=["a"], links=[("去补正", "/x/")]
    )
    resp = exception_handler(exc, {})
    assert resp.status_code == 400
    assert resp.data == {
        "code": "missing_material",
        "detail": "须补正",
        "errors": ["a"],
        "links": [{"label": "去补正", "url": "/x/"}],
    }
    assert exception_handler(DomainError("x", code=ErrorCode.CONFLICT), {}).status_code == 409


@override_settings(DEBUG=False)
def test_django_server_error_on_api_path_is_json(rf):
    from sanxiang.core.api import server_error

    resp = server_error(rf.get("/api/cases/"))
    assert resp.status_code == 500
    assert json.loads(resp.content)["code"] == "server_error"
    page = server_error(rf.get("/cases/"))
    assert page.status_code == 500 and "application/json" not in page["Content-Type"]


def test_workbench_404_stays_a_page(client_for, handler_a):
    resp = client_for(handler_a).get("/no-such-page/")
    assert resp.status_code == 404
    assert "application/json" not in resp["Content-Type"]


def test_every_api_error_in_the_schema_uses_error_response():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["components"]["schemas"]["ErrorCodeEnum"]["enum"] == list(ErrorCode.values)
    ref = {"$ref": "#/components/schemas/ErrorResponse"}
    op = schema["paths"]["/api/cases/"]["post"]
    for status in ("400", "401", "403", "404"):
        assert op["responses"][status]["content"]["application/json"]["schema"] == ref


# ------------------------------------------- the case list: CursorPagination + FilterSet
def test_case_list_bad_filter_is_bad_filter_with_fields(api_for, handler_a):
    # a list's query parameters are not a request body: bad_filter, not validation_error
    api = api_for(handler_a)
    body = _shape(api.get("/api/cases/?stage=bogus"), "bad_filter", 400)
    assert set(body["fields"]) == {"stage"}
    for query in ("agency=x", "agency=999999", "agency=99999999999999999999", "agency=%C2%B2"):
        body = _shape(api.get(f"/api/cases/?{query}"), "bad_filter", 400)
        assert body["fields"] == {"agency": ["机关ID无效或该机关不存在。"]}, query
    assert api.get("/api/cases/?stage=archived").json()["results"] == []
    assert api.get(f"/api/cases/?agency={handler_a.agency_id}").status_code == 200


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        "99999999999999999999",
        "%C2%B2",
        "cD1hYmM%3D",  # base64 of p=abc: a position that is not an id
        "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5",  # p=99999999999999999999: past any id
        "cD0xJng9Mg%3D%3D",  # p=1&x=2: a field DRF does not write
    ],
)
def test_case_list_garbled_cursor_is_bad_format(api_for, handler_a, cursor):
    # DRF answers 404 "Invalid cursor"; a cursor is not a record, so 400 bad_format
    body = _shape(api_for(handler_a).get(f"/api/cases/?cursor={cursor}"), "bad_format", 400)
    assert "cursor" in body["detail"]


def test_case_list_schema_parameters_come_from_the_classes():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/cases/"]["get"]
    params = {p["name"]: p["schema"] for p in op["parameters"]}
    assert set(params) == {"stage", "act_type", "agency", "q", "cursor", "limit"}
    assert params["agency"]["type"] == "integer" and "archived" in params["stage"]["enum"]
    page = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert page["$ref"].endswith("PaginatedCaseListList")
