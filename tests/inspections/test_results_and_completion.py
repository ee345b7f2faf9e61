"""Recording a task's result (once, by its inspectors or the head; the note only as a
digest in the leaf), completing a plan when every task has a result, publishing it."""

import json

import pytest

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.inspections import services
from sanxiang.inspections.models import PlanStatus, TaskResult
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.ledger.personal import PREFIX, matches


def _payload(leaf):
    return json.loads(leaf.content)["payload"]


def _task_and_outsider(plan):
    task = plan.tasks.order_by("order").first()
    assigned = {o.pk for o in task.officers.all()}
    outsider = next(
        o for o in task.agency.officers.filter(user__isnull=False) if o.pk not in assigned
    )
    return task, task.officers.order_by("id").first().user, outsider.user


def test_result_by_assigned_inspector_and_immutable(drawn_plan):
    task, inspector, _ = _task_and_outsider(drawn_plan)
    services.record_result(task, inspector, result=TaskResult.RECTIFY, note="责令整改")
    task.refresh_from_db()
    assert task.result == TaskResult.RECTIFY and task.recorded_by == inspector
    with pytest.raises(DomainError) as err:
        services.record_result(task, inspector, result=TaskResult.NO_PROBLEM)
    assert err.value.code == ErrorCode.IMMUTABLE
    task.refresh_from_db()
    assert task.result == TaskResult.RECTIFY
    leaf = Leaf.objects.filter(event_type=EventType.INSPECTION_RESULT_RECORDED).latest("index")
    assert _payload(leaf)["result"] == TaskResult.RECTIFY


def test_result_note_is_in_the_task_and_only_a_digest_in_the_leaf(drawn_plan):
    """Issue #11 item 4: the inspector's 检查情况 is typed text (it may name the people met
    on the spot); the leaf commits to it by keyed digest, the task keeps it. The result, the
    target's USCI and the ids stay readable."""
    task, inspector, _ = _task_and_outsider(drawn_plan)
    note = "现场负责人赵小红（电话13800138000）未能出示进货台账"
    services.record_result(task, inspector, result=TaskResult.RECTIFY, note=note)
    task.refresh_from_db()
    assert task.note == note
    leaf = Leaf.objects.filter(event_type=EventType.INSPECTION_RESULT_RECORDED).latest("index")
    payload = _payload(leaf)
    assert payload["note"].startswith(PREFIX) and matches(task.note, payload["note"])
    assert payload["result"] == TaskResult.RECTIFY and payload["target_usci"] == task.target_usci
    assert payload["task"] == task.pk
    for content in Leaf.objects.values_list("content", flat=True):
        for text in ("赵小红", "13800138000", "进货台账"):
            assert text not in content, text


def test_result_by_non_assigned_user_refused(drawn_plan, handler_b, reviewer_a):
    task, _, outsider = _task_and_outsider(drawn_plan)
    for user in (outsider, handler_b, reviewer_a):
        with pytest.raises(PermissionDenied):
            services.record_result(task, user, result=TaskResult.NO_PROBLEM)
    task.refresh_from_db()
    assert task.result == ""


def test_head_may_record(drawn_plan, head_a):
    task = drawn_plan.tasks.first()
    services.record_result(task, head_a, result=TaskResult.NO_PROBLEM)
    task.refresh_from_db()
    assert task.result == TaskResult.NO_PROBLEM


def test_result_needs_valid_choice_and_note(drawn_plan, head_a):
    task = drawn_plan.tasks.first()
    with pytest.raises(DomainError):
        services.record_result(task, head_a, result="maybe")
    with pytest.raises(DomainError) as err:
        services.record_result(task, head_a, result=TaskResult.CASE, note=" ")
    assert "检查情况" in str(err.value)


def _record_all(plan, head):
    for task in plan.tasks.all():
        services.record_result(task, head, result=TaskResult.NO_PROBLEM)


def test_complete_needs_every_result(drawn_plan, handler_a, head_a):
    first = drawn_plan.tasks.order_by("order").first()
    services.record_result(first, head_a, result=TaskResult.NO_PROBLEM)
    with pytest.raises(DomainError) as err:
        services.complete_plan(drawn_plan, handler_a)
    assert "未记录结果" in str(err.value)
    for task in drawn_plan.tasks.filter(result=""):
        services.record_result(task, head_a, result=TaskResult.NO_PROBLEM)
    plan = services.complete_plan(drawn_plan, handler_a)
    assert plan.status == PlanStatus.COMPLETED


def test_complete_refused_in_draft(plan_a, handler_a):
    with pytest.raises(DomainError) as err:
        services.complete_plan(plan_a, handler_a)
    assert err.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_publish_only_completed_and_by_head(drawn_plan, handler_a, head_a, head_b):
    with pytest.raises(DomainError):
        services.publish_plan(drawn_plan, head_a)
    _record_all(drawn_plan, head_a)
    services.complete_plan(drawn_plan, handler_a)
    with pytest.raises(PermissionDenied):
        services.publish_plan(drawn_plan, handler_a)
    with pytest.raises(PermissionDenied):
        services.publish_plan(drawn_plan, head_b)
    plan = services.publish_plan(drawn_plan, head_a)
    assert plan.published_at is not None
    snap = plan.public_snapshot
    assert snap["seed"] == plan.seed
    assert [t["usci"] for t in snap["tasks"]] == [r["usci"] for r in plan.draw_result]
    assert "officers" not in snap["tasks"][0]
    with pytest.raises(DomainError):
        services.publish_plan(plan, head_a)
