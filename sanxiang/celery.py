"""Celery application. Eager (in-process) in the embedded default; a real broker when
CELERY_BROKER_URL is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

app = Celery("sanxiang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
