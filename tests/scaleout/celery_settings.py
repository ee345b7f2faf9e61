"""Settings of scripts/ci_celery.sh: the project's settings with the broker and result
backend in a temporary key namespace (``SANXIANG_CELERY_PREFIX``) of a Redis database of its
own, beat firing every few seconds, a short visibility timeout (a message of a worker killed
with SIGKILL is redelivered within seconds, not after an hour) and tree heads signed by the
beat job only (so a new head proves beat ran)."""

import os

from sanxiang.settings import *  # noqa: F403
from sanxiang.settings import CELERY_BEAT_SCHEDULE as _SCHEDULE

_PREFIX = os.environ["SANXIANG_CELERY_PREFIX"]
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": _PREFIX, "visibility_timeout": 8}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": _PREFIX}
CELERY_RESULT_EXPIRES = 600
CELERY_BEAT_SCHEDULE = {name: {**entry, "schedule": 3.0} for name, entry in _SCHEDULE.items()}
LEDGER_SIGN_ON_COMMIT = False
