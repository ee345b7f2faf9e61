"""Celery tasks of the records app. Schedule with celery beat in production, e.g. fixity
hourly (``limit`` bounds the files per run), purge and upload clean-up daily; the embedded
default runs them through ``manage.py periodic`` (``periodic.run``)."""

from celery import shared_task


@shared_task(name="sanxiang.records.tasks.fixity_check")
def fixity_check(limit=None):
    from .fixity import fixity_check as check

    run = check(limit=limit)
    return {"checked": run.checked, "failures": run.failures, "bytes": run.bytes_checked}


@shared_task(name="sanxiang.records.tasks.purge_expired")
def purge_expired():
    from .retention import purge_expired as purge

    return [p.recording_id for p in purge()]


@shared_task(name="sanxiang.records.tasks.cleanup_abandoned_uploads")
def cleanup_abandoned_uploads():
    from .uploads import cleanup_abandoned

    return cleanup_abandoned()
