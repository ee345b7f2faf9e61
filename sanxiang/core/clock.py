"""The platform's one clock.

Every reading of the current time goes through ``now()`` (an aware datetime) or ``today()``
(the date in ``settings.TIME_ZONE``, i.e. Beijing time). Nothing else in ``sanxiang`` calls
``timezone.now()``, ``timezone.localdate()`` without an argument, ``datetime.now()`` or
``date.today()``: ``tests/core/test_clock.py`` scans the source and fails on any such call.
Tests that depend on the date freeze it (``time_machine``), which moves this clock and
everything built on it (``auto_now`` fields included).
"""

from __future__ import annotations

import contextvars
import datetime as dt
from contextlib import contextmanager

from django.utils import timezone

# Set only by ``at()`` (demo data built "as of" an earlier day); None means the real clock.
_fixed: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "sanxiang_clock", default=None
)


def now() -> dt.datetime:
    """The current moment, timezone-aware (UTC inside, shown in Beijing time)."""
    fixed = _fixed.get()
    return fixed if fixed is not None else timezone.now()


def today() -> dt.date:
    """Today's date in the platform's time zone (Beijing time)."""
    return timezone.localdate(now())


def local_date(value: dt.datetime) -> dt.date:
    """The Beijing-time date of an aware datetime (a conversion, not a clock reading)."""
    return timezone.localdate(value)


@contextmanager
def at(moment: dt.datetime):
    """Within the block, ``now()`` answers ``moment`` (an aware datetime) in this thread.

    For demo data that replays a running office ("the complaint came in 12 days ago"); the
    ledger still stamps each leaf with the real time it was written. Not for services.
    """
    if timezone.is_naive(moment):
        raise ValueError("clock.at() needs an aware datetime")
    token = _fixed.set(moment)
    try:
        yield moment
    finally:
        _fixed.reset(token)
