"""The administrators' holiday-table pages, the API and the Django admin."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sanxiang.workdays import calendar, services
from sanxiang.workdays.models import HolidayOverride, HolidayYear, OverrideKind

from .conftest import TEST_2027_CSV, ledger_events

D = dt.date


def test_index_lists_years_and_their_status(admin_user, client_for):
    response = client_for(admin_user).get(reverse("workdays:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "已有数据（内置）" in html
    assert "未录入" in html
    assert reverse("workdays:year", args=[2027]) in html
    assert "style=" not in html and "<script>" not in html


def test_calculator_on_the_index(admin_user, client_for):
    client = client_for(admin_user)
    html = client.get(reverse("workdays:index"), {"date": "2026-09-30", "n": "7"}).content.decode()
    assert "2026-10-15" in html
    html = client.get(
        reverse("workdays:index"), {"start": "2026-09-30", "end": "2026-10-15"}
    ).content.decode()
    assert "<strong>7</strong>" in html
    html = client.get(reverse("workdays:index"), {"date": "2026-12-28", "n": "5"}).content.decode()
    assert "2027年的节假日安排尚未录入" in html


def test_year_page_shows_overrides_and_builtin_days(admin_user, client_for):
    services.set_override(admin_user, D(2026, 10, 12), OverrideKind.HOLIDAY, "临时调整")
    html = client_for(admin_user).get(reverse("workdays:year", args=[2026])).content.decode()
    assert "临时调整" in html
    assert "2026-10-10" in html and "工作日（调休上班：国庆节）" in html
    html = client_for(admin_user).get(reverse("workdays:year", args=[2027])).content.decode()
    assert "2027年的工作日目前无法计算" in html


def test_add_and_remove_an_override_through_the_page(admin_user, client_for):
    client = client_for(admin_user)
    url = reverse("workdays:add_override", args=[2027])
    response = client.post(url, {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 302
    assert HolidayOverride.objects.get(date=D(2027, 1, 1)).name == "元旦"
    # a date of another year is refused with a form error
    response = client.post(url, {"date": "2028-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 400
    assert "日期不在2027年内" in response.content.decode()
    # mark complete
    response = client.post(
        reverse("workdays:complete", args=[2027]), {"notice": "测试通知（虚构）", "source": ""}
    )
    assert response.status_code == 302
    assert HolidayYear.objects.get(year=2027).complete
    assert calendar.is_workday(D(2027, 1, 4))
    # remove
    response = client.post(reverse("workdays:remove_override", args=[2027, "2027-01-01"]))
    assert response.status_code == 302
    assert not HolidayOverride.objects.exists()
    assert [e["action"] for e in ledger_events()] == [
        "override_set",
        "year_completed",
        "override_removed",
    ]
    # reopen
    response = client.post(reverse("workdays:reopen", args=[2027]), {"reason": "测试"})
    assert response.status_code == 302
    assert not calendar.year_is_known(2027)


def test_completing_an_empty_year_shows_the_reason(admin_user, client_for):
    response = client_for(admin_user).post(
        reverse("workdays:complete", args=[2027]), {"notice": "国办发明电〔2026〕1号"}
    )
    assert response.status_code == 400
    assert "2027年尚未录入任何休息日" in response.content.decode()


def test_import_page_good_file(admin_user, client_for):
    upload = SimpleUploadedFile("2027.csv", TEST_2027_CSV.encode(), content_type="text/csv")
    response = client_for(admin_user).post(
        reverse("workdays:import"), {"file": upload, "notice": "测试用通知（虚构）"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已导入2027年节假日安排" in html and "没有需要重算的暂定期限。" in html
    assert calendar.add_workdays(D(2026, 12, 28), 5) == D(2027, 1, 5)


def test_import_page_bad_file_lists_every_bad_row_and_imports_nothing(admin_user, client_for):
    content = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n2027-03-01,x,y\n"
    upload = SimpleUploadedFile("2027.csv", content.encode(), content_type="text/csv")
    response = client_for(admin_user).post(reverse("workdays:import"), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<li>第3行：日期无效（应为 YYYY-MM-DD）：“2027-02-30”</li>" in html
    assert "<li>第4行：类型“x”无效，应为 holiday（休息日）或 workday（调休上班）。</li>" in html
    assert not HolidayOverride.objects.exists()
    assert ledger_events() == []


@pytest.mark.parametrize("who", ["handler_a", "head_a", "reviewer_a", "supervisor"])
def test_non_administrators_are_refused_by_the_pages(request, who, client_for):
    client = client_for(request.getfixturevalue(who))
    for url in [
        reverse("workdays:index"),
        reverse("workdays:year", args=[2027]),
        reverse("workdays:import"),
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "只有系统管理员可以维护节假日安排" in response.content.decode()
    response = client.post(
        reverse("workdays:add_override", args=[2026]),
        {"date": "2026-10-13", "kind": "holiday", "name": "伪造"},
    )
    assert response.status_code == 403
    upload = SimpleUploadedFile("2027.csv", TEST_2027_CSV.encode())
    assert client.post(reverse("workdays:import"), {"file": upload}).status_code == 403
    assert (
        client.post(reverse("workdays:complete", args=[2027]), {"notice": "x"}).status_code == 403
    )
    assert not HolidayOverride.objects.exists()
    assert calendar.is_workday(D(2026, 10, 13))


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("workdays:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_nav_and_panel_only_for_administrators(admin_user, handler_a, client_for):
    html = client_for(admin_user).get(reverse("core:home")).content.decode()
    assert reverse("workdays:index") in html
    assert "2027年的节假日安排尚未录入" in html
    html = client_for(handler_a).get(reverse("core:home")).content.decode()
    assert reverse("workdays:index") not in html


# --------------------------------------------------------------------------- API


def test_api_add_between_is(handler_a, api_for):
    api = api_for(handler_a)
    response = api.get("/api/workdays/add", {"date": "2026-09-30", "n": 7})
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("date", "n", "result", "provisional")} == {
        "date": "2026-09-30",
        "n": 7,
        "result": "2026-10-15",
        "provisional": False,
    }
    response = api.get("/api/workdays/between", {"start": "2026-09-30", "end": "2026-10-15"})
    assert response.json()["workdays"] == 7
    response = api.get("/api/workdays/is", {"date": "2026-10-10"})
    assert response.json() == {
        "date": "2026-10-10",
        "is_workday": True,
        "name": "国庆节",
        "description": "工作日（调休上班：国庆节）",
        "source": "chinese_calendar",
        "provisional": False,
        "provisional_note": "",
    }
    years = api.get("/api/workdays/years").json()
    by_year = {y["year"]: y for y in years}
    assert by_year[2027]["status"] == "missing" and not by_year[2027]["known"]
    assert by_year[2027]["provisional"]
    assert by_year[2026]["status"] == "builtin" and by_year[2026]["known"]


def test_api_unknown_year_is_provisional_and_bad_input(handler_a, api_for):
    api = api_for(handler_a)
    response = api.get("/api/workdays/add", {"date": "2026-12-28", "n": 5})
    assert response.status_code == 200
    body = response.json()
    assert (body["result"], body["provisional"], body["provisional_years"]) == (
        "2027-01-05",
        True,
        [2027],
    )
    assert body["provisional_note"].startswith("2027年节假日安排尚未录入")
    body = api.get("/api/workdays/between", {"start": "2026-12-28", "end": "2027-01-05"}).json()
    assert (body["workdays"], body["provisional"]) == (5, True)
    assert api.get("/api/workdays/is", {"date": "2027-10-04"}).json()["provisional"] is True
    response = api.get("/api/workdays/add", {"date": "1999-12-28", "n": 5})
    assert response.status_code == 400 and response.json()["code"] == "calendar_missing"
    assert api.get("/api/workdays/add", {"date": "2026-09-31", "n": 1}).status_code == 400
    assert api.get("/api/workdays/add", {"date": "2026-09-30", "n": -1}).status_code == 400
    assert api.get("/api/workdays/is").status_code == 400


def test_api_needs_login(client, db):
    assert client.get("/api/workdays/add", {"date": "2026-09-30", "n": 7}).status_code in (401, 403)


# --------------------------------------------------------------------------- Django admin


def test_django_admin_writes_through_the_service(admin_user, handler_a, client_for):
    admin_user.is_staff = True
    admin_user.save()
    client = client_for(admin_user)
    assert client.get("/admin/workdays/holidayoverride/").status_code == 200
    assert client.get("/admin/workdays/holidayyear/").status_code == 200
    response = client.post(
        "/admin/workdays/holidayoverride/add/",
        {"date": "2026-10-13", "kind": "holiday", "name": "后台录入"},
    )
    assert response.status_code == 302
    assert not calendar.is_workday(D(2026, 10, 13))
    assert ledger_events("holiday:2026-10-13")[0]["name"] == "后台录入"
    # a non-administrator staff member sees nothing
    handler_a.is_staff = True
    handler_a.save()
    assert client_for(handler_a).get("/admin/workdays/holidayoverride/").status_code == 403
