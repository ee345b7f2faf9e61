"""Deadlines that records hold, and their recomputation when a year's schedule is entered.

An app that stores a working-day deadline registers a ``DeadlineKind`` (in its ``apps.ready``)
saying which model and field hold the date, whether a record is still open, whether the date
was communicated to a party in an issued document, who owns it, and where to look at it. When
it computes the date it calls ``calendar.deadline(start, n)`` and, once the record is saved,
``track(kind, record, deadline)``: a ``TrackedDeadline`` row keeps the start, the number of
working days, the provisional flag and the calendar revision.

Importing or completing a year (``services.import_schedule`` / ``mark_year_complete``) calls
``recompute_year``: every open provisional deadline that counted that year is computed again;
a changed date is written to the record, one ledger event (``workdays.deadline_recomputed``:
old, new, calendar revision) is appended per changed deadline, and the owners are notified.
A date already communicated to a party never moves earlier: the communicated date is kept
and the reason recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext as _

from . import calendar
from .models import DeadlineStatus, TrackedDeadline


def _never(obj) -> str:
    return ""


def _nobody(obj) -> list:
    return []


def _no_url(obj) -> str:
    return ""


@dataclass(frozen=True)
class DeadlineKind:
    key: str  # e.g. "review.deadline"
    label: str  # Chinese name of the deadline, e.g. 法制审核期限
    model: str  # "app_label.ModelName"
    field: str  # the DateField holding the date
    is_open: Callable[[object], bool]
    # a non-empty description (e.g. the document number) when the date was communicated
    communicated: Callable[[object], str] = _never
    owners: Callable[[object], list] = _nobody
    url: Callable[[object], str] = _no_url
    describe: Callable[[object], str] = field(default=str)

    def model_class(self):
        return apps.get_model(self.model)


_kinds: dict[str, DeadlineKind] = {}


def register(kind: DeadlineKind) -> DeadlineKind:
    _kinds[kind.key] = kind
    return kind


def kinds() -> dict[str, DeadlineKind]:
    return dict(_kinds)


def track(key: str, obj, deadline: calendar.Deadline, agency=None) -> TrackedDeadline:
    """Record (or replace) the deadline ``obj`` holds under ``key`` after ``obj`` is saved."""
    if key not in _kinds:
        raise KeyError(f"deadline kind {key!r} is not registered")
    row, _created = TrackedDeadline.objects.update_or_create(
        kind=key,
        object_id=obj.pk,
        defaults={
            "agency": agency if agency is not None else getattr(obj, "agency", None),
            "start": deadline.start,
            "workdays": deadline.workdays,
            "due": deadline.date,
            "provisional": deadline.provisional,
            "provisional_years": list(deadline.provisional_years),
            "calendar_revision": deadline.revision,
            "status": DeadlineStatus.OPEN,
            "kept_reason": "",
        },
    )
    return row


def close(key: str, obj) -> None:
    """The record's deadline no longer runs (done, withdrawn): stop recomputing it."""
    TrackedDeadline.objects.filter(kind=key, object_id=obj.pk).update(status=DeadlineStatus.CLOSED)


def lookup(key: str, obj) -> TrackedDeadline | None:
    return TrackedDeadline.objects.filter(kind=key, object_id=obj.pk).first()


@dataclass
class Moved:
    kind: str
    label: str
    object_id: int
    record: str
    old: dt.date
    new: dt.date  # what the calendar now gives
    kept: dt.date  # what the record holds now (== new unless a communicated date was kept)
    provisional: bool
    reason: str = ""
    url: str = ""

    @property
    def changed(self) -> bool:
        return self.kept != self.old

    def line(self) -> str:
        text = _("%(label)s（%(record)s）：%(old)s → %(new)s") % {
            "label": self.label,
            "record": self.record,
            "old": self.old.isoformat(),
            "new": self.kept.isoformat(),
        }
        if self.reason:
            text += _("（%(reason)s）") % {"reason": self.reason}
        return text


def recompute_year(year: int, actor) -> list[Moved]:
    """Recompute every open provisional deadline that counted ``year``. Runs inside the
    caller's transaction (the import): all or nothing. Returns the deadlines whose date
    changed or was deliberately kept."""
    from sanxiang.ledger import services as ledger
    from sanxiang.ledger.events import EventType
    from sanxiang.notifications.services import notify

    moved: list[Moved] = []
    rows = (
        TrackedDeadline.objects.select_for_update()
        .filter(status=DeadlineStatus.OPEN, provisional=True)
        .order_by("pk")
    )
    for row in rows:
        if year not in (row.provisional_years or []):
            continue
        kind = _kinds.get(row.kind)
        if kind is None:
            continue
        model = kind.model_class()
        obj = model.objects.filter(pk=row.object_id).first()
        if obj is None or not kind.is_open(obj):
            row.status = DeadlineStatus.CLOSED
            row.save(update_fields=["status", "updated_at"])
            continue
        fresh = calendar.deadline(row.start, row.workdays)
        old = getattr(obj, kind.field)
        kept, reason = fresh.date, ""
        communicated = kind.communicated(obj)
        if communicated and old is not None and fresh.date < old:
            kept = old
            reason = _("已在%(doc)s中告知当事人%(old)s，期限不提前") % {
                "doc": communicated,
                "old": old.isoformat(),
            }
        if kept != old:
            model.objects.filter(pk=obj.pk).update(**{kind.field: kept})
        row.due = kept
        row.provisional = fresh.provisional
        row.provisional_years = list(fresh.provisional_years)
        row.calendar_revision = fresh.revision
        row.kept_reason = reason[:255]
        row.save()
        if kept == old and not reason:
            continue
        item = Moved(
            kind=kind.key,
            label=str(kind.label),
            object_id=obj.pk,
            record=kind.describe(obj),
            old=old,
            new=fresh.date,
            kept=kept,
            provisional=fresh.provisional,
            reason=reason,
            url=kind.url(obj),
        )
        moved.append(item)
        ledger.append(
            EventType.DEADLINE_RECOMPUTED,
            f"deadline:{kind.key}:{obj.pk}",
            {
                "kind": kind.key,
                "object_id": obj.pk,
                "year": year,
                "old": old.isoformat() if old else None,
                "computed": fresh.date.isoformat(),
                "new": kept.isoformat(),
                "kept_communicated": bool(reason),
                "reason": reason,
                "provisional": fresh.provisional,
                "calendar_revision": fresh.revision,
            },
            actor,
        )
        notify(
            kind.owners(obj),
            _("期限已按%(year)s年节假日安排重算") % {"year": year},
            item.line(),
            item.url,
        )
    return moved
