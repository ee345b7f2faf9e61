"""Retention of recordings (seed 000 annex 2 art. 17; seed 004 art. 18-19).

* Every recording is kept at least ``RETENTION_MONTHS`` (6) months from its recording date.
* It is kept long-term (``retention_until`` returns ``None``) when it is used as evidence,
  when the case has reconsideration, litigation or a complaint, when enforcement was
  obstructed, for emergencies/mass incidents and for major cases. These reasons come from
  the recording's own label (``is_evidence``), ``LongTermMark`` rows (on the recording or on
  its whole case), the case's ``is_major`` flag and ``Case.long_term_retention_reasons``.
* ``purge_expired`` is the only code path that removes a stored file: only after expiry,
  never a long-term item, each purge a ``Purge`` row and a ledger event with the hash.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_role, require_same_agency

from . import storage
from .models import LongTermMark, LongTermReason, Purge, Recording

log = logging.getLogger(__name__)

RETENTION_MONTHS = 6


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def long_term_reasons(recording) -> list[str]:
    """Why ``recording`` is kept long-term (empty: the 6-month minimum applies)."""
    reasons = []
    if recording.is_evidence:
        reasons.append(LongTermReason.EVIDENCE)
    case = recording.case
    if getattr(case, "is_major", False):
        reasons.append(LongTermReason.MAJOR_CASE)
    for r in getattr(case, "long_term_retention_reasons", None) or []:
        reasons.append(r if r in LongTermReason.values else LongTermReason.OTHER)
    preloaded = getattr(recording, "_long_term_mark_reasons", None)
    if preloaded is not None:
        reasons.extend(preloaded)
    else:
        marks = LongTermMark.objects.filter(case_id=recording.case_id).filter(
            recording__isnull=True
        ) | LongTermMark.objects.filter(recording_id=recording.pk)
        reasons.extend(marks.order_by("-at", "-pk").values_list("reason", flat=True))
    seen = []
    for r in reasons:
        if r not in seen:
            seen.append(r)
    return seen


def preload_marks(recordings) -> None:
    """Read the ``LongTermMark`` reasons of a whole list of recordings in one query, so
    ``long_term_reasons`` / ``retention_label`` on each do not query again (lists)."""
    recordings = list(recordings)
    if not recordings:
        return
    marks = LongTermMark.objects.filter(
        case_id__in={r.case_id for r in recordings}, recording__isnull=True
    ) | LongTermMark.objects.filter(recording_id__in=[r.pk for r in recordings])
    rows = list(marks.order_by("-at", "-pk").values_list("case_id", "recording_id", "reason"))
    for r in recordings:
        r._long_term_mark_reasons = [
            reason
            for case_id, recording_id, reason in rows
            if recording_id == r.pk or (recording_id is None and case_id == r.case_id)
        ]


def retention_until(recording) -> dt.date | None:
    """Last day the recording must be kept; ``None`` = long-term (never purged)."""
    if long_term_reasons(recording):
        return None
    return add_months(recording.activity_date, RETENTION_MONTHS)


def retention_label(recording) -> str:
    reasons = long_term_reasons(recording)
    if reasons:
        return _("长期保存（%(r)s）") % {
            "r": "、".join(str(LongTermReason(r).label) for r in reasons)
        }
    return _("保存至 %(d)s") % {"d": retention_until(recording).isoformat()}


@transaction.atomic
def mark_long_term(target, reason, actor, note=""):
    """Raise a recording, or every recording of a case, to long-term retention.

    ``target`` is a ``Recording`` or a ``cases.Case``. Handlers and heads of the agency
    may mark; other apps (e.g. reconsideration, complaints) call it with ``actor=None``.
    """
    from sanxiang.ledger import personal
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.services import append

    if reason not in LongTermReason.values:
        raise DomainError(_("请选择长期保存的原因。"), code=ErrorCode.REASON_REQUIRED)
    if isinstance(target, Recording):
        recording, case = target, target.case
    else:
        recording, case = None, target
    if actor is not None:
        require_role(actor, Role.HANDLER, Role.HEAD, Role.REVIEWER)
        require_same_agency(actor, case.agency_id)
    if recording is not None and Purge.objects.filter(recording=recording).exists():
        raise DomainError(
            _("该音像记录已到期清除，不能再标记长期保存。"), code=ErrorCode.WRONG_STATE
        )
    mark = LongTermMark.objects.create(
        agency_id=case.agency_id,
        case=case,
        recording=recording,
        reason=reason,
        note=(note or "")[:255],
        actor=actor,
    )
    append(
        EventType.RECORDING_RETENTION_CHANGED,
        f"recording:{recording.pk}" if recording else f"case:{case.pk}",
        {
            "case": case.pk,
            "recording": recording.pk if recording else None,
            "long_term": True,
            "reason": reason,
            "note": personal.digest(mark.note),  # free text (#11.4); reason is a choice
        },
        actor,
    )
    return mark


def _remove_if_present(key):
    if storage.exists(key):
        storage._remove(key)


def purge_candidates(today: dt.date):
    for rec in (
        Recording.objects.filter(purge__isnull=True)
        .select_related("case")
        .order_by("recorded_start")
    ):
        until = retention_until(rec)
        if until is not None and until < today:
            yield rec, until


def purge_expired(now=None, actor=None) -> list[Purge]:
    """Remove the stored files of expired, non-long-term recordings (the only purge path)."""
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.services import append

    now = now or clock.now()
    today = timezone.localtime(now).date()
    done = []
    for rec, until in list(purge_candidates(today)):
        with transaction.atomic():
            # Re-check inside the transaction (a long-term mark may just have arrived).
            rec = Recording.objects.select_related("case").get(pk=rec.pk)
            if Purge.objects.filter(recording=rec).exists():
                continue
            until = retention_until(rec)
            if until is None or until >= today:
                continue
            shared = (
                Recording.objects.filter(storage_key=rec.storage_key, purge__isnull=True)
                .exclude(pk=rec.pk)
                .exists()
            )
            purge = Purge.objects.create(
                recording=rec,
                sha256=rec.sha256,
                storage_key=rec.storage_key,
                retention_until=until,
                file_deleted=not shared,
                actor=actor,
            )
            append(
                EventType.RECORDING_PURGED,
                f"recording:{rec.pk}",
                {
                    "case": rec.case_id,
                    "sha256": rec.sha256,
                    "size": rec.size,
                    "storage_key": rec.storage_key,
                    "retention_until": until.isoformat(),
                    "file_deleted": not shared,
                },
                actor,
            )
            if not shared:
                # The file goes only once the Purge row and its ledger leaf are committed.
                transaction.on_commit(lambda key=rec.storage_key: _remove_if_present(key))
        log.info("purged recording %s (%s)", rec.pk, rec.sha256)
        done.append(purge)
    return done
