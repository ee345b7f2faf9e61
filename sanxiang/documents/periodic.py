"""Periodic job of the documents app (``manage.py periodic``; in production the same
``run`` through ``sanxiang.core.tasks.run_periodic`` under celery beat): fixity of the
issued documents' stored files (``integrity.fixity_check``)."""

from django.conf import settings


def run(stdout):
    from .integrity import fixity_check

    run_ = fixity_check(limit=int(getattr(settings, "DOCUMENTS_FIXITY_BATCH", 500)))
    stdout.write(
        f"documents: fixity checked {run_.checked} issued document(s) "
        f"with {run_.failures} alert(s)\n"
    )
