"""Who sees and who acts on 双随机 plans, through pages and the REST API: own agency
only, supervisors read, only a task's inspectors (or the head) record its result."""

from .conftest import add_targets


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
