"""Celery task of the documents app: fixity of issued documents (also run by
``manage.py periodic`` / ``sanxiang.core.tasks.run_periodic`` through ``periodic.run``)."""

from celery import shared_task


@shared_task(name="sanxiang.documents.tasks.fixity_check")
def fixity_check(limit=None):
    from .integrity import fixity_check as check

    run = check(limit=limit)
    return {
        "checked": run.checked,
        "failures": run.failures,
        "documents": sorted({a.document_id for a in run.alerts.all()}),
    }
