"""Idempotency keys of side-effecting tasks (issue #16 item 5): a task redelivered after its
worker died (acks_late) commits its ledger leaf once. In-process (eager) here; against a
real worker killed with SIGKILL in tests/scaleout/test_celery.py."""

import pytest

from sanxiang.jobs.idempotency import run_once
from sanxiang.jobs.models import TaskRun
from sanxiang.jobs.tasks import export_case_archive
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()


def exported(case):
    return Leaf.objects.filter(event_type=EventType.CASE_EXPORTED, subject=f"case:{case.pk}")


def test_redelivered_export_appends_one_ledger_leaf(flow, handler_a):
    case = flow.noticed()
    first = export_case_archive.apply(args=(case.pk, handler_a.pk), task_id="t-1").get()
    # the same message again (same task id), as after a worker died before acknowledging
    again = export_case_archive.apply(args=(case.pk, handler_a.pk), task_id="t-1").get()
    assert again == first
    assert list(exported(case).values_list("index", flat=True)) == [first["leaf"]]
    run = TaskRun.objects.get(key="export:t-1")
    assert run.finished_at is not None and run.deliveries == 1
    # a new request (another task id) is a new export
    other = export_case_archive.apply(args=(case.pk, handler_a.pk), task_id="t-2").get()
    assert other["leaf"] != first["leaf"] and exported(case).count() == 2


def test_work_that_failed_commits_nothing_and_runs_again(flow):
    calls = []

    def work():
        calls.append(1)
        # the work's own writes commit together with the key, or not at all
        TaskRun.objects.create(key=f"inner-{len(calls)}", task="x", created_at=flow_now())
        if len(calls) == 1:
            raise RuntimeError("worker lost")
        return {"n": len(calls)}

    with pytest.raises(RuntimeError):
        run_once("k-1", "t", work)
    assert not TaskRun.objects.filter(key__in=["k-1", "inner-1"]).exists()
    assert run_once("k-1", "t", work) == {"n": 2}
    assert run_once("k-1", "t", work) == {"n": 2}
    assert len(calls) == 2


def flow_now():
    from sanxiang.core import clock

    return clock.now()


def test_key_required():
    with pytest.raises(ValueError):
        run_once("", "t", dict)
    with pytest.raises(ValueError):
        export_case_archive(1)  # called in-process without a task id nor key
