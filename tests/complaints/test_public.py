"""Public pages /gs/ts/ (submit) and /gs/ts/cx/ (status): validation, CSRF, throttling,
查询码 check without enumeration, no staff names."""

import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from sanxiang.complaints import services, throttle
from sanxiang.complaints.models import Complaint, ComplaintResult, ComplaintStatus
from sanxiang.complaints.public_views import NOT_FOUND

from .conftest import submit

pytestmark = pytest.mark.django_db


def _form(agency, **fields):
    data = {
        "kind": "complaint",
        "agency": agency.pk,
        "content": "执法人员态度粗暴。",
        "name": "陈女士",
        "phone": "13800571234",
        "reference": "",
    }
    data.update(fields)
    return data


def test_form_lists_enforcement_agencies_and_nav_link(client, agency_a, sfj):
    page = client.get("/gs/ts/").content.decode()
    assert agency_a.name in page and f'value="{sfj.pk}"' not in page
    assert 'href="/gs/ts/">投诉举报</a>' in client.get("/gs/").content.decode()


def test_submit_shows_number_and_code_once(client, agency_a):
    response = client.post("/gs/ts/", _form(agency_a))
    assert response.status_code == 200
    page = response.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.number in page
    code = re.search(r"查询码</dt><dd class=\"ts-code\">([A-Z0-9]+)<", page).group(1)
    assert services.lookup(complaint.number, code) == complaint
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"content": ""}, "请填写投诉举报内容"),
        ({"content": "字" * 2001}, "不能超过2000个字"),
        ({"phone": ""}, "投诉须留下联系电话"),
        ({"phone": "12345"}, "联系电话格式不正确"),
        ({"kind": ""}, "请选择类别"),
    ],
)
def test_submit_validation(client, agency_a, fields, message):
    response = client.post("/gs/ts/", _form(agency_a, **fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Complaint.objects.exists()


def test_anonymous_report(client, agency_a):
    response = client.post("/gs/ts/", _form(agency_a, kind="report", name="", phone=""))
    assert response.status_code == 200 and Complaint.objects.get().name == ""


def test_csrf_required(agency_a):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/gs/ts/", _form(agency_a)).status_code == 403
    assert strict.post("/gs/ts/cx/", {"number": "x", "code": "y"}).status_code == 403
    assert not Complaint.objects.exists()
    page = strict.get("/gs/ts/")
    token = page.cookies["csrftoken"].value
    ok = strict.post("/gs/ts/", {**_form(agency_a), "csrfmiddlewaretoken": token})
    assert ok.status_code == 200


def test_submit_throttled_per_ip(client, agency_a):
    for _ in range(throttle.SUBMIT_LIMIT):
        assert client.post("/gs/ts/", _form(agency_a)).status_code == 200
    response = client.post("/gs/ts/", _form(agency_a))
    assert response.status_code == 429
    assert "次数过多" in response.content.decode()
    assert Complaint.objects.count() == throttle.SUBMIT_LIMIT
    other = client.post("/gs/ts/", _form(agency_a), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_lookup_throttled(client):
    for _ in range(throttle.LOOKUP_LIMIT):
        assert client.post("/gs/ts/cx/", {"number": "TS1", "code": "X"}).status_code == 404
    assert client.post("/gs/ts/cx/", {"number": "TS1", "code": "X"}).status_code == 429


def test_status_with_right_code_shows_reply(client, agency_a, handler_a):
    complaint, code = submit(agency_a)
    page = client.post("/gs/ts/cx/", {"number": complaint.number, "code": code})
    assert page.status_code == 200 and "待受理" in page.content.decode()
    services.accept(complaint, handler_a)
    services.conclude(
        complaint, handler_a, result=ComplaintResult.SUBSTANTIATED, reply="已责令改正，感谢监督。"
    )
    text = client.post("/gs/ts/cx/", {"number": complaint.number, "code": code}).content.decode()
    assert "已责令改正，感谢监督。" in text and "属实已处理" in text
    assert agency_a.name in text
    assert handler_a.full_name not in text  # never staff names
    assert "陈女士" not in text and "13800571234" not in text


def test_reply_hidden_until_concluded(client, agency_a, handler_a):
    complaint, code = submit(agency_a)
    services.accept(complaint, handler_a)
    # the reply field is empty until conclusion; the page shows no 答复 section
    text = client.post("/gs/ts/cx/", {"number": complaint.number, "code": code}).content.decode()
    assert "<h3>答复</h3>" not in text and complaint.get_status_display() in text


def test_wrong_code_same_answer_as_unknown_number(client, agency_a):
    complaint, code = submit(agency_a)
    wrong = client.post("/gs/ts/cx/", {"number": complaint.number, "code": "AAAAAAAAAA"})
    unknown = client.post("/gs/ts/cx/", {"number": "TS2099010100001", "code": code})
    assert wrong.status_code == unknown.status_code == 404
    for r in (wrong, unknown):
        text = r.content.decode()
        assert str(NOT_FOUND) in text and complaint.content not in text
    strip = lambda r: r.content.decode().replace(complaint.number, "").replace(code, "")  # noqa: E731
    assert re.sub(r'value="[^"]*"', "", strip(wrong)) == re.sub(
        r'value="[^"]*"', "", strip(unknown)
    )


def test_rejected_shows_reason(client, agency_a, handler_a):
    complaint, code = submit(agency_a)
    services.reject(complaint, handler_a, "不属于行政执法事项。")
    text = client.post("/gs/ts/cx/", {"number": complaint.number, "code": code}).content.decode()
    assert "不予受理理由" in text and "不属于行政执法事项。" in text
    assert Complaint.objects.get().status == ComplaintStatus.REJECTED


def test_get_status_page(client):
    assert client.get("/gs/ts/cx/?" + urlencode({"number": "x"})).status_code == 200
