"""REST API: scoping, keyset pagination, a whole case driven through the API, query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sanxiang.cases import services
from sanxiang.cases.models import Case, Stage
from sanxiang.core.errors import DomainError

from .conftest import LATE_REASON, company_party, days_ago


def test_list_is_scoped(api_for, flow, handler_b, supervisor):
    case = flow.opened()
    assert api_for(handler_b).get("/api/cases/").json()["results"] == []
    assert api_for(handler_b).get(f"/api/cases/{case.pk}/").status_code == 404
    ids = [r["id"] for r in api_for(supervisor).get("/api/cases/").json()["results"]]
    assert ids == [case.pk]


def test_other_agency_action_is_404(api_for, flow, head_b):
    case = flow.opened()
    assert (
        api_for(head_b)
        .post(f"/api/cases/{case.pk}/terminate_case/", {"reason": "x"}, format="json")
        .status_code
        == 404
    )


def test_anonymous_refused(client, flow):
    case = flow.opened()
    assert client.get("/api/cases/").status_code in (401, 403)
    assert client.post(f"/api/cases/{case.pk}/start_investigation/").status_code in (401, 403)


def test_keyset_pagination(api_for, flow, handler_a):
    cases = [flow.opened() for _ in range(5)]
    api = api_for(handler_a)
    page1 = api.get("/api/cases/?limit=2").json()
    assert [r["id"] for r in page1["results"]] == [cases[4].pk, cases[3].pk]
    page2 = api.get(f"/api/cases/?limit=2&cursor={page1['next_cursor']}").json()
    assert [r["id"] for r in page2["results"]] == [cases[2].pk, cases[1].pk]
    page3 = api.get(f"/api/cases/?limit=2&cursor={page2['next_cursor']}").json()
    assert [r["id"] for r in page3["results"]] == [cases[0].pk]
    assert page3["next"] is None
    assert api.get("/api/cases/?stage=archived").json()["results"] == []


def test_list_query_count_constant(api_for, flow, handler_a, steady_calendar):
    """No N+1 and no COUNT(*): the query count does not grow with the page size."""
    api = api_for(handler_a)
    for _ in range(3):
        flow.opened()
    api.get("/api/cases/?limit=2")  # warm-up: caches loaded before counting
    with CaptureQueriesContext(connection) as small:
        api.get("/api/cases/?limit=2")
    for _ in range(6):
        flow.opened()
    with CaptureQueriesContext(connection) as big:
        api.get("/api/cases/?limit=9")
    assert len(big) == len(small)
    assert not any("COUNT(" in q["sql"].upper() for q in big.captured_queries)


def test_detail_query_count_constant(api_for, flow, handler_a, steady_calendar):
    api = api_for(handler_a)
    case = flow.investigating()
    api.get(f"/api/cases/{case.pk}/")  # warm-up: caches loaded before counting
    with CaptureQueriesContext(connection) as few:
        api.get(f"/api/cases/{case.pk}/")
    for i in range(8):
        services.add_party(case, handler_a, **company_party(name=f"公司{i}"))
    with CaptureQueriesContext(connection) as many:
        api.get(f"/api/cases/{case.pk}/")
    assert len(many) == len(few)


def test_drive_whole_case_through_api(api_for, handler_a, head_a, officer_a1, officer_a2, power_a):
    h, hd = api_for(handler_a), api_for(head_a)
    r = h.post(
        "/api/cases/",
        {
            "act_type": "penalty_general",
            "title": "销售过期食品",
            "source": "complaint",
            "power": power_a.pk,
            "place": "农贸市场",
            "parties": [company_party()],
            "officers": [officer_a2.pk],
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert "approve_opening" not in [a["code"] for a in r.json()["actions"]]

    def act(api, code, data=None, expect=200):
        resp = api.post(f"/api/cases/{pk}/{code}/", data or {}, format="json")
        assert resp.status_code == expect, (code, resp.content.decode())
        return resp.json()

    # a handler cannot approve; the error is Chinese
    body = act(h, "approve_opening", expect=403)
    assert body["code"] == "permission_denied"
    # the acts are dated weeks back: paper records entered now (补录) need a reason
    late = {"late_reason": LATE_REASON}
    act(hd, "approve_opening", {"opinion": "同意立案", "at": days_ago(30).isoformat(), **late})
    act(h, "start_investigation", {"at": days_ago(30).isoformat(), **late})
    act(
        h,
        "record_event",
        {
            "activity": "on_site_inspection",
            "description": "现场检查",
            "officers": [officer_a1.pk, officer_a2.pk],
            "evidence": "照片\n笔录",
            "at": days_ago(29).isoformat(),
            **late,
        },
    )
    # skipping to the decision is refused with a reason
    body = act(
        hd, "decide", {"outcome": "penalty", "penalty_kinds": ["fine"], "fine": "100"}, expect=400
    )
    assert body["code"] == "illegal_transition" and "环节" in body["detail"]
    act(
        h,
        "finish_investigation",
        {
            "report": "建议罚款",
            "proposed_penalty_kinds": ["fine"],
            "proposed_fine": "3000",
            "at": days_ago(25).isoformat(),
            **late,
        },
    )
    act(
        h,
        "send_prior_notice",
        {
            "facts": "f",
            "reasons": "r",
            "basis": "b",
            "penalty_kinds": ["fine"],
            "fine": "3000",
            "notice_at": days_ago(20).isoformat(),
            **late,
        },
    )
    act(
        h,
        "record_statement",
        {"content": "初次违法，请求从轻", "received_at": days_ago(19).isoformat(), **late},
    )
    act(
        hd,
        "decide",
        {
            "outcome": "penalty",
            "penalty_kinds": ["fine"],
            "fine": "2000",
            "decided_at": days_ago(10).isoformat(),
            **late,
        },
    )
    act(
        h,
        "serve",
        {"method": "direct", "recipient": "陈某", "served_at": days_ago(9).isoformat(), **late},
    )
    act(h, "record_payment", {"amount": "2000", "method": "bank"})
    act(hd, "close_case", {"report": "罚款已缴清"})
    body = act(h, "archive_case", {"location": "档案室"})
    assert body["stage"] == Stage.ARCHIVED
    assert len(body["timeline"]) >= 10
    assert all(
        e["ledger_index"] is not None for e in body["timeline"] if e["kind_code"] != "external"
    )


def test_invalid_input_is_400(api_for, flow, handler_a):
    case = flow.investigating()
    r = api_for(handler_a).post(
        f"/api/cases/{case.pk}/record_event/",
        {"activity": "dance", "description": ""},
        format="json",
    )
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "validation_error"
    assert "activity" in body["fields"] and "description" in body["fields"]


def test_on_the_spot_api(api_for, handler_a, officer_a1, officer_a2, power_a):
    r = api_for(handler_a).post(
        "/api/cases/on-the-spot/",
        {
            "power": power_a.pk,
            "party": {
                "party_type": "natural_person",
                "name": "张三",
                "id_number": "110101199003077774",
            },
            "title": "占道经营",
            "facts": "在人行道摆摊",
            "basis": "条例第十条",
            "penalty_kinds": ["fine"],
            "fine": "500",
            "place": "解放路",
            "officers": [officer_a1.pk, officer_a2.pk],
        },
        format="json",
    )
    assert r.status_code == 400 and "200" in r.json()["detail"]
    assert not Case.objects.exists()


def test_token_auth(client, handler_a, flow):
    from tests.conftest import PASSWORD

    flow.opened()
    token = client.post("/api/auth/token/", {"username": "handler_a", "password": PASSWORD}).json()
    r = client.get("/api/cases/", HTTP_AUTHORIZATION=f"Token {token['token']}")
    assert r.status_code == 200 and len(r.json()["results"]) == 1


def test_decide_timestamp_in_future_refused(flow, head_a):
    case = flow.noticed()
    with pytest.raises(DomainError):
        services.decide(
            case,
            actor=head_a,
            outcome="penalty",
            penalty_kinds=["fine"],
            fine="1",
            decided_at=timezone.now() + dt.timedelta(days=3),
        )


def test_export_api(api_for, flow, handler_a, handler_b):
    case = flow.opened()
    assert api_for(handler_b).post(f"/api/cases/{case.pk}/export/").status_code == 404
    r = api_for(handler_a).post(f"/api/cases/{case.pk}/export/")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"


def test_export_leaves_no_bag_on_disk(api_for, flow, handler_a, tmp_path, monkeypatch):
    import tempfile
    import zipfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    case = flow.opened()
    r = api_for(handler_a).post(f"/api/cases/{case.pk}/export/")
    data = b"".join(r.streaming_content)
    r.close()
    assert zipfile.ZipFile(__import__("io").BytesIO(data)).namelist()
    assert list(tmp_path.iterdir()) == []
