"""The supervisor's workbench: the pages, the round form keeping its input, create → sample →
score through the pages, the summary CSV and its drill-down."""

from sanxiang.patrol.models import PatrolItem, PatrolRound

from .conftest import first, make_round, publish


def test_supervisor_pages(sampled, supervisor, agency_a, client_for):
    c = client_for(supervisor)
    page = c.get("/patrol/")
    assert page.status_code == 200 and sampled.title in page.content.decode()
    body = c.get(f"/patrol/rounds/{sampled.pk}/").content.decode()
    assert "按种子重算结果一致" in body and "各机关巡查结果" in body
    item = first(sampled, agency_a)
    body = c.get(f"/patrol/items/{item.pk}/").content.decode()
    assert "自动检查结果" in body and "公示要素齐全" in body and "提交巡查结果" in body
    workbench = c.get("/workbench/").content.decode()
    assert "网上巡查" in workbench


def test_round_form_keeps_input_on_error(supervisor, agency_a, client_for):
    make_round(supervisor, [agency_a])
    c = client_for(supervisor)
    response = c.post(
        "/patrol/rounds/new/",
        {
            "year": 2026,
            "quarter": 2,
            "title": "重复的巡查批次名称",
            "agencies": [agency_a.pk],
            "sample_size": 7,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "已创建" in body and "重复的巡查批次名称" in body and 'value="7"' in body


def test_create_sample_score_via_pages(supervisor, agency_a, handler_a, client_for):
    publish(agency_a, handler_a)
    c = client_for(supervisor)
    response = c.post(
        "/patrol/rounds/new/",
        {"year": 2026, "quarter": 2, "agencies": [agency_a.pk], "sample_size": 3},
    )
    rnd = PatrolRound.objects.get()
    assert response.status_code == 302 and rnd.title == "2026年第二季度行政执法公示网上巡查"
    c.post(f"/patrol/rounds/{rnd.pk}/sample/")
    item = PatrolItem.objects.get()
    bad = c.post(
        f"/patrol/items/{item.pk}/", {"d_accuracy": "3", "n_accuracy": "", "comment": "意见甲"}
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "须写明扣分理由" in body and 'value="3"' in body and "意见甲" in body
    ok = c.post(
        f"/patrol/items/{item.pk}/", {"d_accuracy": "3", "n_accuracy": "数额有误", "comment": ""}
    )
    assert ok.status_code == 302
    item.refresh_from_db()
    assert item.score == 97
    response = c.post(
        f"/patrol/rounds/{rnd.pk}/notice/{agency_a.pk}/", {"requirements": "更正", "workdays": 15}
    )
    assert response.status_code == 302
    c.post(f"/patrol/rounds/{rnd.pk}/conclude/")
    rnd.refresh_from_db()
    assert rnd.status == "concluded"


def test_summary_csv_and_drilldown(sampled, supervisor, agency_a, agency_b, client_for):
    c = client_for(supervisor)
    response = c.get(f"/patrol/rounds/{sampled.pk}/summary.csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff被巡查机关") and agency_a.name in body
    page = c.get(f"/patrol/rounds/{sampled.pk}/?agency={agency_b.pk}").content.decode()
    b_item = sampled.items.get(agency=agency_b)
    a_item = first(sampled, agency_a)
    assert f"/patrol/items/{b_item.pk}/" in page and f"/patrol/items/{a_item.pk}/" not in page
