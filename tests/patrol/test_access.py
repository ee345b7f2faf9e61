"""Who sees and does what: only the organising supervisors run, score and notify; an agency
sees only its own items and notices; another 司法局 sees nothing; a forged agency in a URL is
refused; a city 司法局 reads the counties' rounds below it without acting; the CSV is scoped."""

import pytest

from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.core.fields import EnforcementField
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyKind, AgencyLevel, Role
from sanxiang.patrol import services
from tests.conftest import REGION, make_user

from .conftest import SEED, first, make_round, publish, with_finding


def test_only_own_supervisor_runs_rounds(
    supervisor, other_supervisor, handler_a, head_a, agency_a, pubs
):
    for user in (handler_a, head_a, other_supervisor):
        with pytest.raises(PermissionDenied):
            services.create_round(
                supervisor.agency, user, year=2026, quarter=2, agencies=[agency_a]
            )
    rnd = make_round(supervisor, [agency_a])
    for user in (handler_a, other_supervisor):
        with pytest.raises(PermissionDenied):
            services.sample(rnd, user)


def test_cannot_patrol_agency_outside_supervision(other_supervisor, agency_a):
    with pytest.raises(DomainError) as exc:
        make_round(other_supervisor, [agency_a])
    assert "监督范围" in str(exc.value)


def test_foreign_supervisor_cannot_score_or_notify(sampled, other_supervisor, agency_a, supervisor):
    item = first(sampled, agency_a)
    with pytest.raises(PermissionDenied):
        services.submit_item(item, other_supervisor, deductions={})
    with_finding(sampled, supervisor, agency_a)
    with pytest.raises(PermissionDenied):
        services.issue_notice(sampled, agency_a, other_supervisor, requirements="x")


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


def test_summary_csv_scoped(sampled, handler_a, client_for):
    assert client_for(handler_a).get(f"/patrol/rounds/{sampled.pk}/summary.csv").status_code == 404
