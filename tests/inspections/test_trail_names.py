"""Who did what on the 双随机 pages (issue #13 item 8): the drawer, each task's inspectors and
the officer who recorded the result read 「姓名（角色，账号 x）」; the risk class is worded."""

import pytest

from sanxiang.inspections import services
from sanxiang.inspections.models import TaskResult

pytestmark = pytest.mark.django_db


def test_plan_and_task_name_drawer_inspectors_and_recorder(client_for, drawn_plan, handler_a):
    client = client_for(handler_a)
    page = client.get(f"/inspections/plans/{drawn_plan.pk}/").content.decode()
    assert "（王执法（承办人，账号 handler_a））" in page  # 摇号
    assert "（承办人，账号 handler_a2）" in page or "（承办人，账号 handler_a3）" in page
    assert "<td>A 守信/低风险</td>" in page  # the class in words, not the bare letter
    task = drawn_plan.tasks.order_by("order").first()
    recorder = task.officers.first().user
    services.record_result(task, recorder, result=TaskResult.NO_PROBLEM)
    page = client_for(recorder).get(f"/inspections/tasks/{task.pk}/").content.decode()
    who = f"{recorder.full_name}（承办人，账号 {recorder.username}）"
    assert f"由 {who} 于" in page
    assert page.count(who) >= 2  # 执法人员 and 记录
