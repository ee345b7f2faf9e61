"""Periodic job of the alerts app (``manage.py periodic``; celery beat in production).

The rules run at most once per ``SANXIANG_ALERTS_INTERVAL_MINUTES`` (default 60) of the
system's own runs; ``manage.py alerts run`` and the supervisors' button run at any time."""

import datetime as dt

from django.conf import settings


def run(stdout):
    from sanxiang.core import clock

    from .models import AlertRun
    from .services import run_rules

    minutes = int(getattr(settings, "SANXIANG_ALERTS_INTERVAL_MINUTES", 60))
    last = AlertRun.objects.filter(triggered_by__isnull=True).order_by("-started_at").first()
    if last is not None and clock.now() - last.started_at < dt.timedelta(minutes=minutes):
        stdout.write("alerts: ran recently, skipped\n")
        return
    run_rules(None, stdout=stdout)
