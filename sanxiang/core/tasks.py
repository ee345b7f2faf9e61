"""Celery task running every app's ``periodic.run()`` (deadline flags, publication clocks).

Production runs it under celery beat (CELERY_BEAT_SCHEDULE in settings); the embedded
default runs the same functions through ``manage.py periodic --loop``.
"""

import io

from celery import shared_task


@shared_task(name="sanxiang.core.tasks.run_periodic")
def run_periodic():
    from sanxiang.core.management.commands.periodic import run_all

    out = io.StringIO()
    run_all(out)
    return out.getvalue()
