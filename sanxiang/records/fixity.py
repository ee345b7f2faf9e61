"""Fixity: re-hash stored recordings and raise an alert on any mismatch or missing file.

``fixity_check(limit=None)`` walks the not-purged recordings in id order. With ``limit``
it continues after the last run's cursor (round robin), so a periodic job checks a
bounded number of files per run and the whole store over successive runs.
Each alert: a ``FixityAlert`` row, a ledger event ``FIXITY_ALERT`` and an ERROR log line.
"""

from __future__ import annotations

import logging

from django.db import transaction

from sanxiang.core import clock

from . import storage
from .models import FixityAlert, FixityProblem, FixityRun, Recording

log = logging.getLogger("sanxiang.records.fixity")


def record_alert(run, rec, problem, expected, actual, actor=None, via=None) -> FixityAlert:
    """One fixity alert: the ``FixityAlert`` row, the ``FIXITY_ALERT`` leaf and an ERROR log
    line. ``via`` names a check outside the periodic job (e.g. ``"case_export"``)."""
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.services import append

    alert = FixityAlert.objects.create(
        run=run,
        agency_id=rec.agency_id,
        recording=rec,
        problem=problem,
        expected_sha256=expected,
        actual_sha256=actual,
    )
    payload = {
        "case": rec.case_id,
        "problem": problem,
        "expected_sha256": expected,
        "actual_sha256": actual or None,
        "storage_key": rec.storage_key,
        "alert": alert.pk,
    }
    if via:
        payload["via"] = via
    append(EventType.FIXITY_ALERT, f"recording:{rec.pk}", payload, actor)
    log.error(
        "FIXITY ALERT recording %s (%s): %s expected %s got %s%s",
        rec.pk,
        rec.storage_key,
        problem,
        expected,
        actual or "-",
        f" (via {via}, user {getattr(actor, 'pk', None)})" if via else "",
    )
    return alert


def fixity_check(limit=None, now=None) -> FixityRun:
    started = now or clock.now()
    qs = Recording.objects.filter(purge__isnull=True).order_by("pk")
    cursor = 0
    if limit:
        last = FixityRun.objects.order_by("-pk").first()
        cursor = last.last_recording_id if last else 0
        batch = list(qs.filter(pk__gt=cursor)[:limit])
        if len(batch) < limit:  # wrap around
            batch += list(qs.filter(pk__lte=cursor)[: limit - len(batch)])
    else:
        batch = list(qs)
    problems = []
    checked = 0
    total = 0
    hashed = {}
    for rec in batch:
        checked += 1
        key = rec.storage_key
        if key not in hashed:
            if not storage.exists(key):
                hashed[key] = None
            else:
                try:
                    hashed[key] = storage.hash_stored(key)
                except FileNotFoundError:
                    hashed[key] = None
            if hashed[key]:
                total += hashed[key][1]
        result = hashed[key]
        if result is None:
            problems.append((rec, FixityProblem.MISSING, ""))
        elif result[0] != rec.sha256:
            problems.append((rec, FixityProblem.MISMATCH, result[0]))
    with transaction.atomic():
        run = FixityRun.objects.create(
            started_at=started,
            finished_at=clock.now(),
            checked=checked,
            bytes_checked=total,
            failures=len(problems),
            last_recording_id=batch[-1].pk if batch else cursor,
        )
        for rec, problem, actual in problems:
            record_alert(run, rec, problem, rec.sha256, actual)
    return run
