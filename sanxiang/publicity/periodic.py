"""Periodic jobs of the publicity app (``manage.py periodic``; celery beat in production)."""

from sanxiang.core import clock


def run(stdout):
    from . import reports, services, sweep, webhooks

    sweep.run(stdout)  # decided cases without their publication record (retried, flagged)
    expired = services.expire_due()
    overdue = services.notify_overdue()
    pushed = webhooks.retry_due()
    made = 0
    today = clock.today()
    if today.month == 1:  # publish last year's reports by 31 January (idempotent)
        made = len(reports.generate(reports.due_year(today)))
    stdout.write(
        f"publicity: {expired} expired, {overdue} newly overdue, {pushed} webhook deliveries "
        f"retried, {made} annual reports published\n"
    )
