"""Workbench pages and API of transfers: scoped, steps, refusals shown."""

import datetime as dt

import pytest
from django.urls import reverse

from sanxiang.core import clock
from sanxiang.transfers.models import PoliceTransfer

pytestmark = pytest.mark.django_db


def ago(n):
    return clock.today() - dt.timedelta(days=n)


def test_record_and_reply_through_pages(flow, handler_a, head_a, client_for):
    case = flow.in_decision()
    c = client_for(head_a)
    html = c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("transfers:create", args=[case.pk]) in html
    url = reverse("transfers:create", args=[case.pk])
    data = {
        "reported_on": ago(9),
        "approved_on": ago(8),
        "transferred_on": ago(8),
        "police_authority": "测试县公安局",
        "materials": ["涉案物品清单"],
        "case_summary": "涉嫌销售伪劣产品罪",
    }
    r = c.post(url, data)
    assert r.status_code == 200 and "第六条" in r.content.decode()
    assert "测试县公安局" in r.content.decode()
    data["materials"] = ["涉嫌犯罪案件移送书", "涉嫌犯罪案件情况的调查报告"]
    r = c.post(url, data)
    t = PoliceTransfer.objects.get(case=case)
    assert r.status_code == 302
    c = client_for(handler_a)
    url = reverse("transfers:detail", args=[t.pk])
    r = c.post(url, {"action": "reply", "reply-decision": "not_filed", "reply-notified_on": ago(6)})
    assert r.status_code == 200 and "理由" in r.content.decode()
    r = c.post(
        url,
        {
            "action": "reply",
            "reply-decision": "not_filed",
            "reply-notified_on": ago(6),
            "reply-reasons": "未达追诉标准",
        },
    )
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == "not_filed"
    assert "由机关负责人办理" in c.get(url).content.decode()
    assert c.get(reverse("transfers:index")).status_code == 200


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


def test_workbench_panel_shows_police_overdue(flow, head_a, supervisor, client_for):
    from sanxiang.transfers import services

    case = flow.in_decision()
    services.record_transfer(
        case,
        head_a,
        reported_on=ago(9),
        approved_on=ago(8),
        transferred_on=ago(8),
        police_authority="测试县公安局",
        materials=["涉嫌犯罪案件移送书", "涉嫌犯罪案件情况的调查报告"],
        case_summary="涉嫌犯罪",
    )
    for user in (head_a, supervisor):
        html = client_for(user).get(reverse("core:home")).content.decode()
        assert "复议诉讼与移送" in html and "第八条" in html
