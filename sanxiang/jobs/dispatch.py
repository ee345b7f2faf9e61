"""Sending a task after the commit, never inside the request that asked for it.

``after_commit(task, *args)`` registers ``send(task, *args)`` with
``transaction.on_commit``. ``send`` gives the task to Celery (``task.delay``) when a broker
is configured (``CELERY_BROKER_URL``); in the embedded default, where Celery runs tasks
eagerly (in the calling thread), it hands it to one in-process background thread instead, so
a request that publishes a decision does not wait for (or make) the outbound HTTP call of a
webhook. The background thread runs ``task.apply(args)`` and closes its own database
connection after each task. Work it could not do (the process ended first, the task raised)
is not lost where the task's own state says it is due: webhook deliveries stay pending and
the periodic job (``webhooks.retry_due``) sends them.
"""

from __future__ import annotations

import logging
import queue
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction

log = logging.getLogger(__name__)


class BackgroundThread:
    """One daemon thread running tasks from a queue, in the order given."""

    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, task, args) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="sanxiang-jobs", daemon=True
                )
                self._thread.start()
        self._queue.put((task, args))

    def join(self) -> None:
        """Wait until every submitted task has run (for tests and orderly shutdown)."""
        self._queue.join()

    def _loop(self) -> None:
        while True:
            task, args = self._queue.get()
            try:
                close_old_connections()
                task.apply(args=args, throw=False)
            except Exception:  # keep the thread alive; the periodic job retries
                log.exception("background task %s%r failed", task.name, tuple(args))
            finally:
                connection.close()
                self._queue.task_done()


background = BackgroundThread()


def send(task, *args) -> None:
    """Run ``task(*args)`` outside the caller: on the Celery broker when one is configured,
    else on the in-process background thread."""
    if settings.CELERY_TASK_ALWAYS_EAGER:  # no broker configured (settings.py)
        background.submit(task, args)
    else:
        task.delay(*args)


def after_commit(task, *args) -> None:
    """``send(task, *args)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send(task, *args))
