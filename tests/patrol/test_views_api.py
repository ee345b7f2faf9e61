"""Pages, API and scoping attacks."""

import pytest

from sanxiang.core.fields import EnforcementField
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyKind, AgencyLevel, Role
from sanxiang.patrol import services
from sanxiang.patrol.models import PatrolItem, PatrolRound
from tests.conftest import REGION, make_user

from .conftest import SEED, make_round, publish


def first(rnd, agency):
    return rnd.items.filter(agency=agency).order_by("order").first()


# --------------------------------------------------------------------------- pages


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
    assert response.status_code == 302 and rnd.title == "2026年第2季度行政执法公示网上巡查"
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


def test_agency_sees_own_results_and_answers(sampled, supervisor, agency_a, handler_a, client_for):
    item = services.submit_item(
        first(sampled, agency_a), supervisor, deductions={"standard": (2, "x")}
    )
    notice = services.issue_notice(sampled, agency_a, supervisor, requirements="请更正")
    c = client_for(handler_a)
    assert c.get("/patrol/").status_code == 302  # → notices
    body = c.get("/patrol/notices/").content.decode()
    assert "请" not in "" and sampled.title in body and item.document_number in body
    assert c.get(f"/patrol/items/{item.pk}/").status_code == 200
    page = c.get(f"/patrol/notices/{notice.pk}/").content.decode()
    assert "报送整改报告" in page
    bad = c.post(f"/patrol/notices/{notice.pk}/report/", {"report": ""})
    assert bad.status_code == 400
    c.post(f"/patrol/notices/{notice.pk}/report/", {"report": "已更正"})
    notice.refresh_from_db()
    assert notice.status == "reported"


# --------------------------------------------------------------------------- scoping attacks


def test_other_agency_cannot_see_items_or_notices(
    sampled, supervisor, agency_a, handler_b, client_for, api_for
):
    item = services.submit_item(
        first(sampled, agency_a), supervisor, deductions={"standard": (2, "x")}
    )
    notice = services.issue_notice(sampled, agency_a, supervisor, requirements="请更正")
    c = client_for(handler_b)
    assert c.get(f"/patrol/items/{item.pk}/").status_code == 404
    assert c.get(f"/patrol/notices/{notice.pk}/").status_code == 404
    assert c.get(f"/patrol/rounds/{sampled.pk}/").status_code == 404
    assert c.post(f"/patrol/notices/{notice.pk}/report/", {"report": "x"}).status_code == 404
    api = api_for(handler_b)
    ids = [row["id"] for row in api.get("/api/patrol/items/").json()["results"]]
    assert item.pk not in ids and ids  # sees only agency B's items
    assert api.get(f"/api/patrol/notices/{notice.pk}/").status_code == 404
    assert api.get("/api/patrol/rounds/").json()["count"] == 0


def test_agency_user_cannot_score_or_sample(
    sampled, agency_a, handler_a, head_a, client_for, api_for
):
    item = first(sampled, agency_a)
    c = client_for(head_a)
    assert c.post(f"/patrol/items/{item.pk}/", {"d_accuracy": "0"}).status_code == 403
    api = api_for(handler_a)
    response = api.post(f"/api/patrol/items/{item.pk}/submit/", {"deductions": {}}, format="json")
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.submitted_at is None


def test_foreign_supervisor_sees_nothing(sampled, other_supervisor, client_for, api_for):
    c = client_for(other_supervisor)
    assert c.get(f"/patrol/rounds/{sampled.pk}/").status_code == 404
    assert c.post(f"/patrol/rounds/{sampled.pk}/conclude/").status_code == 404
    api = api_for(other_supervisor)
    assert api.get("/api/patrol/rounds/").json()["count"] == 0
    assert api.get("/api/patrol/items/").json()["count"] == 0


def test_forged_agency_in_notice_url(sampled, supervisor, other_sfj, client_for):
    c = client_for(supervisor)
    assert (
        c.post(
            f"/patrol/rounds/{sampled.pk}/notice/{other_sfj.pk}/",
            {"requirements": "x", "workdays": 5},
        ).status_code
        == 404
    )


@pytest.fixture
def city(db):
    city_sfj = org.create_agency(
        name="测试市司法局",
        level=AgencyLevel.CITY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339900", "MB1TQ0101"),
        region="测试市",
    )
    county = org.create_agency(
        name="下辖县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        parent=city_sfj,
        usci=make_usci("11", "339901", "MB1TQ0102"),
        region=REGION,
    )
    agency_c = org.create_agency(
        name="下辖县市场监督管理局",
        level=AgencyLevel.COUNTY,
        parent=county,
        usci=make_usci("11", "339901", "MB1TQ0103"),
        region=REGION,
        fields=[EnforcementField.MARKET],
    )
    return {
        "city_sup": make_user("city_sup", Role.SUPERVISOR, city_sfj, "市监督"),
        "county_sup": make_user("county_sup", Role.SUPERVISOR, county, "县监督"),
        "handler_c": make_user("handler_c", Role.HANDLER, agency_c, "丙执法"),
        "agency_c": agency_c,
    }


def test_city_sees_counties_below_but_does_not_act(city, client_for, api_for):
    publish(city["agency_c"], city["handler_c"])
    rnd = make_round(city["county_sup"], [city["agency_c"]])
    rnd = services.sample(rnd, city["county_sup"], seed_hex=SEED)
    api = api_for(city["city_sup"])
    assert [r["id"] for r in api.get("/api/patrol/rounds/").json()["results"]] == [rnd.pk]
    assert api.post(f"/api/patrol/rounds/{rnd.pk}/sample/").status_code in (403, 409)
    item = rnd.items.get()
    response = api.post(f"/api/patrol/items/{item.pk}/submit/", {"deductions": {}}, format="json")
    assert response.status_code == 403
    page = client_for(city["city_sup"]).get(f"/patrol/rounds/{rnd.pk}/").content.decode()
    assert "办结巡查批次" not in page and "下辖县市场监督管理局" in page


def test_api_submit_and_validation(sampled, supervisor, agency_a, api_for):
    item = first(sampled, agency_a)
    api = api_for(supervisor)
    bad = api.post(
        f"/api/patrol/items/{item.pk}/submit/",
        {"deductions": {"accuracy": {"deduction": 99, "note": "x"}}},
        format="json",
    )
    assert bad.status_code == 400 and "0至15" in bad.json()["detail"]
    ok = api.post(
        f"/api/patrol/items/{item.pk}/submit/",
        {"deductions": {"accuracy": {"deduction": 1, "note": "x"}}},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["score"] == 99
    again = api.post(f"/api/patrol/items/{item.pk}/submit/", {"deductions": {}}, format="json")
    assert again.status_code in (400, 409)


def test_summary_csv_and_drilldown(sampled, supervisor, agency_a, agency_b, client_for):
    c = client_for(supervisor)
    response = c.get(f"/patrol/rounds/{sampled.pk}/summary.csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff被巡查机关") and agency_a.name in body
    page = c.get(f"/patrol/rounds/{sampled.pk}/?agency={agency_b.pk}").content.decode()
    b_item = sampled.items.get(agency=agency_b)
    a_item = first(sampled, agency_a)
    assert f"/patrol/items/{b_item.pk}/" in page and f"/patrol/items/{a_item.pk}/" not in page


def test_summary_csv_scoped(sampled, handler_a, client_for):
    assert client_for(handler_a).get(f"/patrol/rounds/{sampled.pk}/summary.csv").status_code == 404
