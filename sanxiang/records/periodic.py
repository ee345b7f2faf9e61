"""Periodic jobs of the records app (``manage.py periodic``; celery beat in production)."""

from django.conf import settings


def run(stdout):
    from .fixity import fixity_check
    from .retention import purge_expired
    from .uploads import cleanup_abandoned

    cleaned = cleanup_abandoned()
    run_ = fixity_check(limit=int(getattr(settings, "RECORDS_FIXITY_BATCH", 200)))
    purged = purge_expired()
    stdout.write(
        f"records: {cleaned} abandoned uploads cleaned, fixity checked {run_.checked} "
        f"file(s) with {run_.failures} alert(s), {len(purged)} expired recording(s) purged\n"
    )
