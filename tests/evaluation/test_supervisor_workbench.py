"""The supervisor's workbench: create a round, sample, score, issue a notice, conclude and
download the summary; the panel and the navigation."""

from sanxiang.evaluation import services
from sanxiang.evaluation.models import Round, RoundStatus

from .conftest import closed_cases, sheet_post


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


def test_workbench_panel_and_nav(client_for, supervisor, handler_a, rect):
    page = client_for(supervisor).get("/workbench/").content.decode()
    assert "/evaluation/" in page
    page = client_for(handler_a).get("/workbench/").content.decode()
    assert "待办理的案卷评查整改通知" in page
