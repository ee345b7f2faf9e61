"""Idempotency keys of side-effecting tasks.

Celery runs with ``acks_late`` (settings): the broker message is acknowledged only after
the task returned, so a worker killed mid-way gets its task redelivered. Without a key, a
task that had already committed (say, the ``case.exported`` ledger leaf) before the worker
died would commit it a second time on redelivery. ``run_once`` binds the task's writes to
its key in one transaction."""

from __future__ import annotations

from django.db import transaction

from sanxiang.core import clock

from .models import TaskRun


def run_once(key: str, task: str, work):
    """Run ``work()`` at most once for ``key``; returns its (JSON) result.

    ``work`` runs inside the transaction that records the key as finished: its database
    writes commit together with the key or not at all. A second call with a finished key
    returns the stored result without calling ``work`` (and counts the redelivery)."""
    if not key:
        raise ValueError("an idempotency key is required")
    with transaction.atomic():
        run, _created = TaskRun.objects.select_for_update().get_or_create(
            key=key, defaults={"task": task, "created_at": clock.now()}
        )
        if run.finished_at is not None:
            TaskRun.objects.filter(pk=run.pk).update(deliveries=run.deliveries + 1)
            return run.result
        result = work()
        run.finished_at = clock.now()
        run.result = result
        run.save(update_fields=["finished_at", "result"])
    return result
