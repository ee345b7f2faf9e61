"""Workbench pages: scoping, roles, forms, overdue flags, the prefilled case link, panel."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest

from sanxiang.cases.forms import OpenCaseForm
from sanxiang.complaints import services
from sanxiang.complaints.models import ComplaintKind, ComplaintStatus
from sanxiang.complaints.views import open_case_url

from .conftest import submit

pytestmark = pytest.mark.django_db


def url(c, action=""):
    return f"/complaints/{c.pk}/" + (f"{action}/" if action else "")


def test_other_agency_gets_404(client_for, complaint_a, handler_b):
    client = client_for(handler_b)
    assert client.get(url(complaint_a)).status_code == 404
    assert client.post(url(complaint_a, "accept")).status_code == 404
    assert complaint_a.number not in client.get("/complaints/").content.decode()


def test_supervisor_reads_with_personal_data(client_for, complaint_a, supervisor):
    client = client_for(supervisor)
    assert complaint_a.number in client.get("/complaints/").content.decode()
    page = client.get(url(complaint_a)).content.decode()
    assert "陈女士" in page and "13800571234" in page
    assert f'action="/complaints/{complaint_a.pk}/accept/"' not in page  # reads, not handles
    assert "转办" in page  # the supervisor may transfer


def test_reviewer_has_no_access(client_for, complaint_a, reviewer_a):
    client = client_for(reviewer_a)
    assert client.get("/complaints/").status_code == 403
    assert client.get(url(complaint_a)).status_code == 403


def test_handler_accepts_and_concludes_via_forms(client_for, complaint_a, handler_a):
    client = client_for(handler_a)
    page = client.get(url(complaint_a)).content.decode()
    assert "13800571234" in page and "受理" in page
    assert "转办" not in page  # handlers do not transfer
    assert client.post(url(complaint_a, "accept")).status_code == 302
    complaint_a.refresh_from_db()
    assert complaint_a.status == ComplaintStatus.ACCEPTED
    bad = client.post(url(complaint_a, "conclude"), {"result": "partly", "reply": ""})
    assert bad.status_code == 400 and "办结须填写答复内容" in bad.content.decode()
    ok = client.post(url(complaint_a, "conclude"), {"result": "partly", "reply": "部分属实。"})
    assert ok.status_code == 302
    complaint_a.refresh_from_db()
    assert complaint_a.status == ComplaintStatus.CONCLUDED
    # a second attempt is refused with the illegal-transition message
    again = client.post(url(complaint_a, "conclude"), {"result": "partly", "reply": "改"})
    assert again.status_code == 400 and "不能再变更" in again.content.decode()


def test_reject_requires_reason(client_for, complaint_a, handler_a):
    client = client_for(handler_a)
    response = client.post(url(complaint_a, "reject"), {"reason": ""})
    assert response.status_code == 400 and "须说明理由" in response.content.decode()
    assert client.post(url(complaint_a, "reject"), {"reason": "重复投诉"}).status_code == 302
    complaint_a.refresh_from_db()
    assert complaint_a.status == ComplaintStatus.REJECTED


def test_head_transfers_by_form(client_for, complaint_a, head_a, handler_a, agency_b):
    assert client_for(handler_a).post(
        url(complaint_a, "transfer"), {"to_agency": agency_b.pk}
    ).status_code in (400, 403)
    response = client_for(head_a).post(url(complaint_a, "transfer"), {"to_agency": agency_b.pk})
    assert response.status_code == 302
    complaint_a.refresh_from_db()
    assert complaint_a.agency_id == agency_b.pk


def test_transferred_complaint_leaves_old_agency(
    client_for, complaint_a, head_a, handler_b, agency_b
):
    services.transfer(complaint_a, head_a, agency_b)
    assert client_for(handler_b).get(url(complaint_a)).status_code == 200


def test_list_overdue_flag_and_filter(client_for, agency_a, handler_a, clock):
    clock(dt.date(2026, 11, 2))
    late, _ = submit(agency_a)
    clock(dt.date(2026, 11, 23))
    fresh, _ = submit(agency_a, kind=ComplaintKind.REPORT, name="", phone="")
    client = client_for(handler_a)
    page = client.get("/complaints/").content.decode()
    assert "超期" in page and "剩余5个工作日" in page
    only = client.get("/complaints/?overdue=1").content.decode()
    assert late.number in only and fresh.number not in only
    accepted = client.get("/complaints/?status=accepted").content.decode()
    assert late.number not in accepted


def test_panel_counts(client_for, agency_a, handler_a, clock):
    clock(dt.date(2026, 11, 2))
    submit(agency_a)
    clock(dt.date(2026, 11, 23))
    submit(agency_a)
    page = client_for(handler_a).get("/workbench/").content.decode()
    assert "待受理：<strong>2</strong>" in page and "超期：<strong>1</strong>" in page


def test_case_link_prefilled(client_for, complaint_a, handler_a, reviewer_a):
    assert open_case_url(complaint_a, handler_a) is None  # only once accepted
    services.accept(complaint_a, handler_a)
    link = open_case_url(complaint_a, handler_a)
    query = parse_qs(urlparse(link).query)
    assert urlparse(link).path == "/cases/new/"
    assert query["source"] == ["complaint"]
    assert complaint_a.number in query["source_detail"][0]
    assert query["facts"] == [complaint_a.content]
    assert set(query) <= set(OpenCaseForm.PREFILL_FIELDS)
    assert "陈女士" not in link and "13800571234" not in link
    assert open_case_url(complaint_a, reviewer_a) is None
    page = client_for(handler_a).get(url(complaint_a)).content.decode()
    assert "转立案" in page and "source=complaint" in page
    form = client_for(handler_a).get(link)
    assert form.status_code == 200 and complaint_a.number in form.content.decode()
