"""Recording a transfer and the police's reply through the workbench pages; the panel flags what is overdue."""

import pytest
from django.urls import reverse

from sanxiang.transfers import services
from sanxiang.transfers.models import PoliceTransfer
from tests.transfers.conftest import ago

pytestmark = pytest.mark.django_db


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


def test_workbench_panel_shows_police_overdue(flow, head_a, supervisor, client_for):
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
