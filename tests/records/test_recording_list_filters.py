"""GET /api/records/recordings/?case=<id> through a django-filter FilterSet (issue #17 item
2): the parameter is documented from the class, a malformed id answers 400 ``bad_filter``
(it was silently ignored: the whole list), and an id filters the user's visible rows."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from sanxiang.cases import services as cases
from sanxiang.cases.models import CaseSource
from sanxiang.core.fields import CaseActType

from .conftest import png_bytes

URL = "/api/records/recordings/"


@pytest.fixture
def case_a2(agency_a, handler_a, officer_a2, head_a):
    case = cases.open_case(
        agency=agency_a,
        actor=handler_a,
        act_type=CaseActType.INSPECTION,
        title="另一家超市的检查",
        source=CaseSource.PATROL,
        officers=[officer_a2],
    )
    return cases.approve_opening(case, head_a)


def test_case_filter_selects_the_case(case_a, case_a2, ingest, handler_a, api_for):
    first = ingest(case_a, png_bytes())
    second = ingest(case_a2, png_bytes(3, 3))
    api = api_for(handler_a)
    assert api.get(URL).json()["count"] == 2
    assert [r["id"] for r in api.get(f"{URL}?case={case_a.pk}").json()["results"]] == [first.pk]
    assert [r["id"] for r in api.get(f"{URL}?case={case_a2.pk}").json()["results"]] == [second.pk]
    assert api.get(f"{URL}?case=99999").json()["count"] == 0


@pytest.mark.parametrize("value", ["x", "1.5", "-3", "%C2%B2", "99999999999999999999"])
def test_malformed_case_id_is_bad_filter(handler_a, api_for, value):
    resp = api_for(handler_a).get(f"{URL}?case={value}")
    assert resp.status_code == 400, resp.content
    body = resp.json()
    assert body["code"] == "bad_filter"
    assert body["fields"] == {"case": ["ID 应为正整数。"]}


def test_schema_documents_the_filter_from_the_class():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = {p["name"]: p for p in schema["paths"][URL]["get"]["parameters"]}
    assert params["case"]["schema"]["type"] == "integer"
    assert params["case"]["in"] == "query"
    assert params["case"]["description"] == "按案件过滤（案件ID）"
