"""Working a 双随机 plan through the workbench pages: plan, edit, draw, record results,
keep the target register, go on from a lead to a prefilled case form."""

from django.test import Client

from sanxiang.inspections.models import Plan, PlanStatus, Target, TaskResult

from .conftest import add_targets, usci


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


def test_edit_page_prefills_iso_dates(client_for, handler_a, plan_a):
    page = client_for(handler_a).get(f"/inspections/plans/{plan_a.pk}/edit/").content.decode()
    assert 'value="2026-10-01"' in page and 'value="2026-12-31"' in page


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
