"""Workbench pages of 案卷评查: the supervisor's flow, the agency's side, scoping, CSRF."""

import pytest
from django.test import Client

from sanxiang.evaluation import services
from sanxiang.evaluation.models import RectificationStatus, Round, RoundStatus
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyKind, AgencyLevel, Role
from tests.conftest import make_user

from .conftest import closed_cases, full


def sheet_post(**over):
    data = {f"d_{i.code}": "0" for i in services.checklist.items()}
    data.update({f"n_{i.code}": "" for i in services.checklist.items()})
    data["confirm"] = "1"  # 提交评分 asks first (notifications.confirm)
    data.update(over)
    return data


@pytest.fixture
def rect(sampled, supervisor, agency_a):
    sheet = sampled.sheets.filter(agency=agency_a).order_by("order").first()
    sheet = services.submit_sheet(sheet, supervisor, deductions=full(facts=20, procedure=10))
    return services.issue_rectification(sheet, supervisor, requirements="补正送达回证。")


def test_supervisor_full_flow(client_for, supervisor, agency_a, agency_b):
    closed_cases(agency_a, 5)
    client = client_for(supervisor)
    assert client.get("/evaluation/").status_code == 200
    page = client.get("/evaluation/rounds/new/")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    response = client.post(
        "/evaluation/rounds/new/",
        {
            "title": "2026年上半年行政执法案卷评查",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "agencies": [agency_a.pk, agency_b.pk],
            "ratio": "20",
            "min_per_agency": "1",
        },
    )
    assert response.status_code == 302
    rnd = Round.objects.get()
    assert client.get(f"/evaluation/rounds/{rnd.pk}/").status_code == 200
    assert client.post(f"/evaluation/rounds/{rnd.pk}/sample/").status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.SAMPLED and rnd.sheets.count() == 1
    page = client.get(f"/evaluation/rounds/{rnd.pk}/").content.decode()
    assert "按种子重算结果一致" in page
    sheet = rnd.sheets.get()
    page = client.get(f"/evaluation/sheets/{sheet.pk}/").content.decode()
    assert "执法主体合法（10分）" in page and "查看案卷" in page
    response = client.post(f"/evaluation/sheets/{sheet.pk}/", sheet_post(d_facts="5"))
    assert response.status_code == 400 and "须写明扣分理由" in response.content.decode()
    response = client.post(
        f"/evaluation/sheets/{sheet.pk}/",
        sheet_post(d_facts="20", n_facts="证据不足", d_procedure="10", n_procedure="未告知"),
    )
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.score == 70 and sheet.grade == "basic"
    page = client.get(f"/evaluation/sheets/{sheet.pk}/").content.decode()
    assert "低于合格线" in page and "不可更改" in page
    # the supervisor may open the case file read-only
    assert client.get(f"/cases/{sheet.case_id}/").status_code == 200
    response = client.post(
        f"/evaluation/sheets/{sheet.pk}/rectify/", {"requirements": "补正证据", "workdays": "20"}
    )
    assert response.status_code == 302
    assert client.post(f"/evaluation/rounds/{rnd.pk}/conclude/").status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CONCLUDED
    page = client.get(f"/evaluation/rounds/{rnd.pk}/summary/").content.decode()
    assert "测试县市场监督管理局" in page and rnd.summary_sha256 in page


def test_second_sample_shows_chinese_error(client_for, supervisor, sampled):
    client = client_for(supervisor)
    response = client.post(f"/evaluation/rounds/{sampled.pk}/sample/", follow=True)
    assert "不能重复抽取" in response.content.decode()


def test_summary_csv_download(client_for, supervisor, sampled):
    for sheet in sampled.sheets.all():
        services.submit_sheet(sheet, supervisor, deductions={})
    response = client_for(supervisor).get(f"/evaluation/rounds/{sampled.pk}/summary.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert (
        text.splitlines()[0] == "被评查机关,抽查案卷数,平均分,优秀,合格,基本合格,不合格,未销号整改"
    )
    assert "测试县市场监督管理局,2,100.0,2,0,0,0,0" in text


def test_agency_sees_only_its_own_sheets_and_notices(client_for, sampled, rect, handler_b, head_a):
    sheet_a = rect.sheet
    sheet_b = sampled.sheets.exclude(agency=rect.agency).first()
    client = client_for(handler_b)
    assert client.get(f"/evaluation/rounds/{sampled.pk}/").status_code == 404
    assert client.get(f"/evaluation/sheets/{sheet_a.pk}/").status_code == 404
    assert client.get(f"/evaluation/rectifications/{rect.pk}/").status_code == 404
    assert "补正送达回证" not in client.get("/evaluation/rectifications/").content.decode()
    assert client.get(f"/evaluation/sheets/{sheet_b.pk}/").status_code == 200
    client = client_for(head_a)
    assert client.get("/evaluation/").status_code == 302  # to the notices
    assert client.get(f"/evaluation/rounds/{sampled.pk}/").status_code == 404
    assert client.get(f"/evaluation/rounds/{sampled.pk}/summary.csv").status_code == 404
    page = client.get("/evaluation/rectifications/").content.decode()
    assert "待整改" in page
    page = client.get(f"/evaluation/sheets/{sheet_a.pk}/").content.decode()
    assert "70 分" in page and "提交评分" not in page


def test_agency_cannot_edit_scores(client_for, sampled, handler_a, head_a):
    sheet = sampled.sheets.filter(agency=handler_a.agency).first()
    for user in (handler_a, head_a):
        response = client_for(user).post(f"/evaluation/sheets/{sheet.pk}/", sheet_post())
        assert response.status_code == 403
        assert (
            client_for(user)
            .post(
                f"/evaluation/sheets/{sheet.pk}/rectify/", {"requirements": "x", "workdays": "20"}
            )
            .status_code
            == 403
        )
    sheet.refresh_from_db()
    assert sheet.submitted_at is None


def test_other_supervisor_gets_404(client_for, sampled, rect):
    other = org.create_agency(
        name="外县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339998", "MB1TQ0009"),
        region="外县",
    )
    client = client_for(make_user("other_sup", Role.SUPERVISOR, other))
    assert client.get(f"/evaluation/rounds/{sampled.pk}/").status_code == 404
    assert client.post(f"/evaluation/rounds/{sampled.pk}/sample/").status_code == 404
    assert client.get(f"/evaluation/sheets/{rect.sheet_id}/").status_code == 404
    assert client.get(f"/evaluation/rectifications/{rect.pk}/").status_code == 404
    assert client.get(f"/evaluation/rounds/{sampled.pk}/summary.csv").status_code == 404


def test_rectification_pages_both_sides(client_for, rect, handler_a, supervisor):
    client = client_for(handler_a)
    page = client.get(f"/evaluation/rectifications/{rect.pk}/").content.decode()
    assert "报送整改报告" in page
    response = client.post(f"/evaluation/rectifications/{rect.pk}/report/", {"report": ""})
    assert response.status_code == 400
    response = client.post(f"/evaluation/rectifications/{rect.pk}/report/", {"report": "已补正"})
    assert response.status_code == 302
    assert client.post(f"/evaluation/rectifications/{rect.pk}/accept/").status_code == 403
    client = client_for(supervisor)
    page = client.get(f"/evaluation/rectifications/{rect.pk}/").content.decode()
    assert "整改到位，销号" in page and "退回重报" in page
    response = client.post(f"/evaluation/rectifications/{rect.pk}/return/", {"reason": "不到位"})
    assert response.status_code == 302
    client = client_for(handler_a)
    client.post(f"/evaluation/rectifications/{rect.pk}/report/", {"report": "再次整改"})
    client = client_for(supervisor)
    page = client.get(f"/evaluation/rectifications/{rect.pk}/").content.decode()
    assert "不能再次退回" in page
    assert client.post(f"/evaluation/rectifications/{rect.pk}/accept/").status_code == 302
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.CLOSED


def test_overdue_shown(client_for, rect, handler_a):
    from sanxiang.evaluation.models import Rectification

    Rectification.objects.filter(pk=rect.pk).update(deadline="2020-01-02")
    page = client_for(handler_a).get("/evaluation/rectifications/").content.decode()
    assert "已逾期" in page


def test_forms_need_csrf(supervisor, handler_a, sampled, rect):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(f"/evaluation/rounds/{sampled.pk}/conclude/").status_code == 403
    sheet = sampled.sheets.filter(submitted_at__isnull=True).first()
    assert client.post(f"/evaluation/sheets/{sheet.pk}/", sheet_post()).status_code == 403
    sheet.refresh_from_db()
    assert sheet.submitted_at is None
    client = Client(enforce_csrf_checks=True)
    client.force_login(handler_a, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(f"/evaluation/rectifications/{rect.pk}/report/", {"report": "x"})
    assert response.status_code == 403


def test_workbench_panel_and_nav(client_for, supervisor, handler_a, rect):
    page = client_for(supervisor).get("/workbench/").content.decode()
    assert "/evaluation/" in page
    page = client_for(handler_a).get("/workbench/").content.decode()
    assert "待办理的案卷评查整改通知" in page
