"""Issue #11 item 10: 抽查 rows with legal weight refuse raw rewrites in the database.

A task's target comes from the draw (the plan's seed and frozen candidate list); its
result is recorded once. A plan's seed is frozen once drawn. The rewrites below use the
ORM's ``update()``, which skips ``services`` the way a raw SQL client would."""

import pytest
from django.db import IntegrityError, connection, transaction

from sanxiang.inspections import services
from sanxiang.inspections.models import Plan, Task

pytestmark = pytest.mark.django_db


def _refused(qs, **values):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        qs.update(**values)


def test_drawn_task_target_is_frozen_and_result_is_recorded_once(drawn_plan, head_a):
    task = drawn_plan.tasks.order_by("order").first()
    rows = Task.objects.filter(pk=task.pk)
    _refused(rows, target_name="换成别家")  # before the result: the draw is frozen
    _refused(rows, target_usci="91000000000000000X")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        rows.delete()
    services.record_result(task, head_a, result="no_problem")
    assert Task.objects.get(pk=task.pk).result == "no_problem"
    _refused(rows, result="rectify", note="事后改写")  # recorded once
    _refused(rows, note="事后补写")


def test_drawn_plan_seed_is_frozen(drawn_plan):
    rows = Plan.objects.filter(pk=drawn_plan.pk)
    _refused(rows, seed="00" * 32)
    _refused(rows, draw_result=[])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:  # raw: the ORM's PROTECT would refuse first
            cursor.execute("DELETE FROM inspections_plan WHERE id = %s", [drawn_plan.pk])


def test_draft_plan_still_changes(plan_a):
    Plan.objects.filter(pk=plan_a.pk).update(title="改名后的草稿计划")
    assert Plan.objects.get(pk=plan_a.pk).title == "改名后的草稿计划"


def test_drawn_inspectors_cannot_be_swapped_or_removed(drawn_plan):
    """Who inspects whom is fixed by the draw: a raw UPDATE or DELETE of
    ``inspections_task_officers`` (another client, no services) is refused."""
    task = drawn_plan.tasks.order_by("order").first()
    drawn = sorted(task.officers.values_list("id", flat=True))
    other = next(o for o in drawn_plan.officer_candidates if o not in drawn)  # 3 for 2 places
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE inspections_task_officers SET officer_id = %s WHERE task_id = %s",
                [other, task.pk],
            )
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM inspections_task_officers WHERE task_id = %s", [task.pk])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        task.officers.clear()  # the ORM path ends in the same DELETE
    assert sorted(task.officers.values_list("id", flat=True)) == drawn
