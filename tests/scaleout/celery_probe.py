"""Tasks loaded into the CI worker only (``celery worker --include tests.scaleout.celery_probe``):
the production export task's work, held at a chosen point while a marker file exists so
that tests/scaleout/test_celery.py can kill the worker with SIGKILL exactly there."""

import os
import time
from pathlib import Path

from celery import shared_task

from sanxiang.jobs.idempotency import run_once
from sanxiang.jobs.tasks import export_case, export_case_archive


def _hold(hold_file, marker, stage):
    """Write ``<stage> <pid>`` to ``marker`` and wait while ``hold_file`` exists."""
    Path(marker).write_text(f"{stage} {os.getpid()}\n")
    deadline = time.monotonic() + 120
    while os.path.exists(hold_file) and time.monotonic() < deadline:
        time.sleep(0.1)


@shared_task(bind=True, name="tests.scaleout.celery_probe.export_then_hold")
def export_then_hold(self, case_id, actor_id, hold_file, marker):
    """The production task (its idempotency key: this task's id), then held after its
    transaction committed — the worker dies before the broker got the acknowledgement."""
    result = export_case_archive(case_id, actor_id, key=self.request.id)
    _hold(hold_file, marker, "committed")
    return result


@shared_task(bind=True, name="tests.scaleout.celery_probe.hold_then_commit")
def hold_then_commit(self, case_id, actor_id, hold_file, marker):
    """The production task's work under its idempotency key, held inside the transaction
    after the leaf was appended — the worker dies before the commit."""
    key = f"export:{self.request.id}"

    def work():
        result = export_case(case_id, actor_id, key)
        _hold(hold_file, marker, "appended")
        return result

    return run_once(key, export_case_archive.name, work)
