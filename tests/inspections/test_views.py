"""Workbench pages, API and the public page of 双随机、一公开."""

import pytest
from django.test import Client

from sanxiang.inspections import services
from sanxiang.inspections.models import Plan, PlanStatus, Target, TaskResult

from .conftest import add_targets, usci

# --------------------------------------------------------------------------- workbench


def test_pages_render_for_handler(client_for, handler_a, drawn_plan):
    client = client_for(handler_a)
    task = drawn_plan.tasks.first()
    for url in (
        "/inspections/",
        "/inspections/targets/",
        "/inspections/plans/new/",
        f"/inspections/plans/{drawn_plan.pk}/",
        f"/inspections/tasks/{task.pk}/",
        "/workbench/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/inspections/plans/{drawn_plan.pk}/").content.decode()
    assert drawn_plan.seed in page and "按种子重算结果一致" in page
    assert "双随机抽查" in client.get("/workbench/").content.decode()


def test_other_agency_gets_404(client_for, handler_b, head_b, drawn_plan):
    task = drawn_plan.tasks.first()
    for user in (handler_b, head_b):
        client = client_for(user)
        assert client.get(f"/inspections/plans/{drawn_plan.pk}/").status_code == 404
        assert client.get(f"/inspections/plans/{drawn_plan.pk}/edit/").status_code == 404
        assert client.get(f"/inspections/tasks/{task.pk}/").status_code == 404
        assert client.post(f"/inspections/plans/{drawn_plan.pk}/draw/").status_code == 404
        response = client.post(f"/inspections/tasks/{task.pk}/", {"result": "no_problem"})
        assert response.status_code == 404
        assert drawn_plan.pk not in {p.pk for p in client.get("/inspections/").context["plans"]}
    task.refresh_from_db()
    assert task.result == ""


def test_supervisor_reads_but_may_not_plan(client_for, supervisor, drawn_plan):
    client = client_for(supervisor)
    assert client.get(f"/inspections/plans/{drawn_plan.pk}/").status_code == 200
    assert client.get("/inspections/plans/new/").status_code == 403
    assert client.post("/inspections/targets/add/", {}).status_code == 403


def test_create_edit_and_draw_through_pages(client_for, handler_a, item_a, inspectors_a):
    add_targets(handler_a.agency, handler_a, {"B": 4, "D": 2})
    client = client_for(handler_a)
    form = {
        "item": item_a.pk,
        "title": "四季度抽查",
        "start_date": "2026-10-01",
        "end_date": "2026-12-31",
        "ratio_a": 3,
        "ratio_b": 5,
        "ratio_c": 10,
        "ratio_d": 200,
        "inspectors_per_task": 2,
    }
    response = client.post("/inspections/plans/new/", form)
    assert response.status_code == 400
    assert "D类抽查比例应为0至100之间的整数" in response.content.decode()
    assert not Plan.objects.exists()
    form["ratio_d"] = 50
    response = client.post("/inspections/plans/new/", form)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == f"/inspections/plans/{plan.pk}/"
    form["title"] = "四季度抽查（修改）"
    client.post(f"/inspections/plans/{plan.pk}/edit/", form)
    plan.refresh_from_db()
    assert plan.title == "四季度抽查（修改）"
    response = client.post(f"/inspections/plans/{plan.pk}/draw/")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN and plan.tasks.count() == 2
    # drawing again: a Chinese message, not a crash; the edit page sends back to the plan
    response = client.post(f"/inspections/plans/{plan.pk}/draw/", follow=True)
    assert "不能重复摇号" in response.content.decode()
    response = client.get(f"/inspections/plans/{plan.pk}/edit/", follow=True)
    assert "不能再修改" in response.content.decode()


def test_record_result_through_page(client, client_for, drawn_plan, reviewer_a):
    task = drawn_plan.tasks.order_by("order").first()
    inspector = task.officers.order_by("id").first().user
    assert client_for(reviewer_a).post(f"/inspections/tasks/{task.pk}/", {}).status_code == 400
    response = client_for(reviewer_a).post(
        f"/inspections/tasks/{task.pk}/", {"result": TaskResult.NO_PROBLEM}
    )
    assert response.status_code == 403
    client = client_for(inspector)
    response = client.post(f"/inspections/tasks/{task.pk}/", {"result": TaskResult.RECTIFY})
    assert response.status_code == 400 and "请填写检查情况说明" in response.content.decode()
    response = client.post(
        f"/inspections/tasks/{task.pk}/", {"result": TaskResult.RECTIFY, "note": "限期整改"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.result == TaskResult.RECTIFY


def test_forms_need_csrf(handler_a, drawn_plan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(handler_a, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(f"/inspections/plans/{drawn_plan.pk}/complete/").status_code == 403


def test_target_add_and_import_pages(client_for, handler_a):
    client = client_for(handler_a)
    response = client.post(
        "/inspections/targets/add/",
        {"name": "甲公司", "usci": usci(1), "address": "", "risk_class": "A", "is_active": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        "/inspections/targets/add/", {"name": "乙公司", "usci": usci(1), "risk_class": "B"}
    )
    assert response.status_code == 400 and "已在名录库中" in response.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = f"名称,统一社会信用代码,地址,信用风险分类\n丙公司,{usci(2)},,B\n丁公司,123,,B\n"
    upload = SimpleUploadedFile("t.csv", bad.encode("utf-8"), content_type="text/csv")
    response = client.post("/inspections/targets/import/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400 and "第3行：" in page and "未导入任何数据" in page
    assert Target.objects.count() == 1
    template = client.get("/inspections/targets/template.csv")
    assert template.status_code == 200
    good = template.content.decode("utf-8-sig").encode("utf-8")
    upload = SimpleUploadedFile("t.csv", good, content_type="text/csv")
    assert client.post("/inspections/targets/import/", {"file": upload}).status_code == 302
    assert Target.objects.count() == 2


# --------------------------------------------------------------------------- API


def test_api_read_scoped(api_for, handler_a, handler_b, supervisor, drawn_plan):
    body = api_for(handler_a).get("/api/inspections/plans/").json()
    assert [p["id"] for p in body["results"]] == [drawn_plan.pk]
    detail = api_for(handler_a).get(f"/api/inspections/plans/{drawn_plan.pk}/").json()
    assert detail["seed"] == drawn_plan.seed and len(detail["tasks"]) == 4
    assert api_for(handler_b).get("/api/inspections/plans/").json()["results"] == []
    assert api_for(handler_b).get(f"/api/inspections/plans/{drawn_plan.pk}/").status_code == 404
    assert api_for(handler_b).get("/api/inspections/tasks/").json()["results"] == []
    assert api_for(supervisor).get("/api/inspections/tasks/").json()["count"] == 4


def test_api_draw_and_result(api_for, plan_a, handler_a, handler_b, head_a, inspectors_a):
    add_targets(plan_a.agency, handler_a, {"C": 3})
    assert api_for(handler_b).post(f"/api/inspections/plans/{plan_a.pk}/draw/").status_code == 404
    response = api_for(handler_a).post(f"/api/inspections/plans/{plan_a.pk}/draw/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "drawn"
    again = api_for(handler_a).post(f"/api/inspections/plans/{plan_a.pk}/draw/")
    assert again.status_code == 400 and again.json()["code"] == "illegal_transition"
    task = plan_a.tasks.get()
    url = f"/api/inspections/tasks/{task.pk}/result/"
    assert api_for(handler_b).post(url, {"result": "no_problem"}).status_code == 404
    response = api_for(head_a).post(url, {"result": "no_problem"}, format="json")
    assert response.status_code == 200 and response.json()["result"] == "no_problem"
    again = api_for(head_a).post(url, {"result": "case", "note": "x"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "immutable"


def test_api_result_by_non_assigned_is_403(api_for, drawn_plan, reviewer_a):
    task = drawn_plan.tasks.first()
    response = api_for(reviewer_a).post(
        f"/api/inspections/tasks/{task.pk}/result/", {"result": "no_problem"}, format="json"
    )
    assert response.status_code == 403


# --------------------------------------------------------------------------- public page


@pytest.fixture
def published_and_unpublished(drawn_plan, handler_a, head_a, item_a):
    for task in drawn_plan.tasks.all():
        services.record_result(task, head_a, result=TaskResult.NO_PROBLEM)
    services.complete_plan(drawn_plan, handler_a)
    published = services.publish_plan(drawn_plan, head_a)
    completed = services.create_plan(
        handler_a.agency,
        handler_a,
        item=item_a,
        title="未公示的已办结计划",
        start_date=published.start_date,
        end_date=published.end_date,
        ratio_a=100,
        ratio_b=0,
        ratio_c=0,
        ratio_d=0,
    )
    services.draw(completed, handler_a)
    for task in completed.tasks.all():
        services.record_result(task, head_a, result=TaskResult.CASE, note="秘密线索")
    services.complete_plan(completed, handler_a)
    draft = services.create_plan(
        handler_a.agency,
        handler_a,
        item=item_a,
        title="草稿计划",
        start_date=published.start_date,
        end_date=published.end_date,
    )
    return published, completed, draft


def test_public_page_shows_only_published(client, published_and_unpublished):
    published, completed, draft = published_and_unpublished
    listing = client.get("/gs/sj/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert published.title in page
    assert completed.title not in page and draft.title not in page
    detail = client.get(f"/gs/sj/{published.pk}/")
    body = detail.content.decode()
    assert detail.status_code == 200
    assert published.seed in body and published.targets_sha256 in body
    for task in published.tasks.all():
        assert task.target_usci in body and task.target_name in body
        for officer in task.officers.all():
            assert officer.name not in body  # inspectors are not published
    assert "未发现问题" in body and "A 守信/低风险：3%（在册 1 户）" in body
    assert client.get(f"/gs/sj/{completed.pk}/").status_code == 404
    assert client.get(f"/gs/sj/{draft.pk}/").status_code == 404
    assert "秘密线索" not in client.get("/gs/sj/").content.decode()


def test_public_page_reads_the_snapshot(client, published_and_unpublished):
    """A task with its result recorded is append-only (#11.10); even a DBA who drops the
    trigger and renames the target does not change what the public page shows."""
    from django.db import IntegrityError, connection, transaction

    from sanxiang.ledger.append_only import uninstall_sql

    published, _, _ = published_and_unpublished
    task = published.tasks.first()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        type(task).objects.filter(pk=task.pk).update(target_name="事后改名")
    with connection.cursor() as cursor:
        for sql in uninstall_sql(connection, "inspections_task"):
            cursor.execute(sql)
    type(task).objects.filter(pk=task.pk).update(target_name="事后改名")
    assert "事后改名" not in client.get(f"/gs/sj/{published.pk}/").content.decode()


def test_edit_page_prefills_iso_dates(client_for, handler_a, plan_a):
    page = client_for(handler_a).get(f"/inspections/plans/{plan_a.pk}/edit/").content.decode()
    assert 'value="2026-10-01"' in page and 'value="2026-12-31"' in page


def test_lead_found_goes_on_to_a_prefilled_case_form(client_for, drawn_plan):
    """发现违法线索转立案: the task page links to the case form with source and party filled."""
    from urllib.parse import parse_qs, urlsplit

    from sanxiang.cases.models import CaseSource

    task = drawn_plan.tasks.order_by("order").first()
    inspector = task.officers.order_by("id").first().user
    client = client_for(inspector)
    page = client.get(f"/inspections/tasks/{task.pk}/").content.decode()
    assert "登记案源 / 提请立案" not in page  # no lead yet
    client.post(
        f"/inspections/tasks/{task.pk}/", {"result": TaskResult.CASE, "note": "现场发现过期食品"}
    )
    page = client.get(f"/inspections/tasks/{task.pk}/").content.decode()
    assert "登记案源 / 提请立案" in page
    start = page.index('href="/cases/new/?') + len('href="')
    url = page[start : page.index('"', start)].replace("&amp;", "&")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["source"] == CaseSource.RANDOM_INSPECTION
    assert query["usci"] == task.target_usci and query["facts"] == "现场发现过期食品"
    form = client.get(url).content.decode()
    assert f'value="{task.target_usci}"' in form
    assert f'value="{task.target_name}"' in form
    assert f'<option value="{CaseSource.RANDOM_INSPECTION}" selected>' in form
    assert "现场发现过期食品</textarea>" in form
