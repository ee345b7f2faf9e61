"""Dates along a case are sane (domain.md, "Time"; issue #10 item 7).

Every act whose date the user supplies (立案、开始调查、调查取证活动、调查终结、告知、陈述申辩、
听证申请/通知/举行、书面放弃、集体讨论、决定、送达、缴款、执行、备案、结案、归档) goes
through ``check_act`` before anything is written:

1. **Not in the future.** A date after today (Beijing time, ``core.clock``) is refused
   (「决定日期不能晚于今天。」); a time later today than now (a few minutes of clock skew
   aside) as well.
2. **In order.** Not before the case's registration (立案), and not before the act it follows
   in the flow (decision after notice, service after decision, closing after service…).
   Dates are compared as Beijing calendar days, so acts of one day may be entered in any
   order; the refusal names both dates:
   「决定日期（2026-09-30）不能早于立案日期（2026-12-05）。」
3. **Late entry (补录).** An act dated more than ``late_entry_days()`` calendar days before
   the day it is entered (setting ``SANXIANG_LATE_ENTRY_DAYS``, default 3) is a late entry
   of a paper record: it needs a reason, and the timeline entry is marked 补录 with that
   reason (``CaseEvent.late_entry`` / ``late_reason``; the ledger leaf payload carries
   ``late_entry``, ``late_reason`` and ``act_date``). A reason given for a more recent act
   marks it 补录 as well (the user says it is a paper record entered afterwards). The act
   keeps its claimed date (``CaseEvent.at``); the time it was entered is the ledger leaf's
   own timestamp and ``CaseEvent.recorded_at``, which stay authoritative.

Dates that name the future on purpose (the time a hearing *will* be held, deadlines) are not
act dates and are not checked here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core.errors import DomainError, ErrorCode

from ..models import EventKind
from . import _base as b

DEFAULT_LATE_ENTRY_DAYS = 3
# A time "now" typed on a device whose clock runs a little ahead is not the future.
CLOCK_SKEW = dt.timedelta(minutes=10)
LATE_REASON_MAX = 500

# Labels of the act dates, used in the refusals (「%(w)s不能晚于今天。」).
FOUND = gettext_lazy("发现日期")
REGISTRATION = gettext_lazy("立案日期")
INVESTIGATION_START = gettext_lazy("开始调查日期")
ACTIVITY = gettext_lazy("执法活动日期")
INVESTIGATION_END = gettext_lazy("调查终结日期")
NOTICE = gettext_lazy("告知日期")
STATEMENT = gettext_lazy("陈述申辩日期")
HEARING_REQUEST = gettext_lazy("听证申请日期")
HEARING_NOTICE = gettext_lazy("听证通知日期")
HEARING = gettext_lazy("听证举行日期")
WAIVER = gettext_lazy("书面放弃签署日期")
DISCUSSION = gettext_lazy("集体讨论日期")
DECISION = gettext_lazy("决定日期")
WITHDRAWAL = gettext_lazy("决定撤销/责令重作日期")
SERVICE = gettext_lazy("送达日期")
PAYMENT = gettext_lazy("缴款日期")
ENFORCEMENT = gettext_lazy("执行日期")
FILING = gettext_lazy("备案日期")
CLOSING = gettext_lazy("结案日期")
ARCHIVE = gettext_lazy("归档日期")

EVENT_LABELS = {
    EventKind.INVESTIGATION_STARTED: INVESTIGATION_START,
    EventKind.ACTIVITY: ACTIVITY,
    EventKind.INVESTIGATION_FINISHED: INVESTIGATION_END,
    EventKind.PRIOR_NOTICE: NOTICE,
    EventKind.STATEMENT: STATEMENT,
    EventKind.HEARING_REQUESTED: HEARING_REQUEST,
    EventKind.HEARING_SCHEDULED: HEARING_NOTICE,
    EventKind.HEARING_HELD: HEARING,
    EventKind.WAIVER: WAIVER,
    EventKind.COLLECTIVE_DISCUSSION: DISCUSSION,
    EventKind.DECISION: DECISION,
    EventKind.DECISION_WITHDRAWN: WITHDRAWAL,
    EventKind.SERVICE: SERVICE,
    EventKind.PAYMENT: PAYMENT,
    EventKind.ENFORCEMENT: ENFORCEMENT,
    EventKind.SIMPLE_FILED: FILING,
    EventKind.CLOSED: CLOSING,
}


def late_entry_days() -> int:
    """Calendar days an act may lie behind the day it is entered before it counts as 补录."""
    return int(getattr(settings, "SANXIANG_LATE_ENTRY_DAYS", DEFAULT_LATE_ENTRY_DAYS))


@dataclass(frozen=True)
class Entry:
    """The checked date of an act and whether it is a late entry (补录)."""

    at: dt.datetime
    late_entry: bool = False
    late_reason: str = ""

    @property
    def day(self) -> dt.date:
        return b.as_date(self.at)

    def payload(self) -> dict:
        """Keys added to the ledger leaf payload (only for a late entry)."""
        if not self.late_entry:
            return {}
        return {
            "late_entry": True,
            "late_reason": self.late_reason,
            "act_date": self.day.isoformat(),
        }


def latest_event(case, *kinds):
    """(label, aware datetime) of the latest-dated timeline entry of ``kinds``, or None."""
    event = case.events.filter(kind__in=kinds).order_by("-at", "-id").only("kind", "at").first()
    if event is None:
        return None
    return EVENT_LABELS.get(event.kind, event.get_kind_display()), event.at


def registration(case):
    """The 立案 date of the case as a predecessor (None before approval)."""
    if case.opened_at is None:
        return None
    return REGISTRATION, case.opened_at


def _not_in_future(at, what):
    if b.as_date(at) > b.today():
        raise DomainError(_("%(w)s不能晚于今天。") % {"w": what}, code=ErrorCode.BAD_DATE)
    if at > b.now() + CLOCK_SKEW:
        raise DomainError(
            _("%(w)s（%(t)s）不能晚于当前时间。")
            % {"w": what, "t": timezone.localtime(at).strftime("%Y-%m-%d %H:%M")},
            code=ErrorCode.BAD_DATE,
        )


def _not_before(at, what, earlier):
    """``earlier``: (label, date or datetime) or None; refuses when ``at`` is a day before."""
    if earlier is None or earlier[1] is None:
        return
    label, value = earlier
    day, floor = b.as_date(at), b.as_date(value)
    if day < floor:
        raise DomainError(
            _("%(w)s（%(d)s）不能早于%(p)s（%(f)s）。")
            % {"w": what, "d": day.isoformat(), "p": label, "f": floor.isoformat()},
            code=ErrorCode.BAD_DATE,
        )


def check_act(case, at, *, what, after=(), late_reason="", registered=True) -> Entry:
    """Check the date ``at`` (aware datetime) of an act of ``case``; returns the ``Entry``.

    ``what``: the label of the act's date (e.g. ``DECISION``); ``after``: the acts it
    follows, as (label, date/datetime) pairs or None (missing ones are skipped);
    ``registered``: also check it against the case's registration (立案) first, so that an
    act before the registration is refused with that reason. Raises ``DomainError``.
    """
    _not_in_future(at, what)
    if registered:
        _not_before(at, what, registration(case))
    dated = [a for a in after if a is not None and a[1] is not None]
    if dated:
        _not_before(at, what, max(dated, key=lambda a: b.as_date(a[1])))
    return late_entry(at, what, late_reason)


def late_entry(at, what, late_reason="") -> Entry:
    """The 补录 rule alone (for dates that precede every act of the case, e.g. 立案)."""
    reason = (late_reason or "").strip()
    if len(reason) > LATE_REASON_MAX:
        raise DomainError(
            _("补录原因不能超过 %(n)d 个字。") % {"n": LATE_REASON_MAX}, code=ErrorCode.OUT_OF_RANGE
        )
    limit = late_entry_days()
    lag = (b.today() - b.as_date(at)).days
    if lag > limit and not reason:
        raise DomainError(
            _(
                "%(w)s（%(d)s）早于今天 %(n)d 日，超过 %(l)d 日的属于事后补录，"
                "请填写补录原因（例如纸质文书事后录入）。"
            )
            % {"w": what, "d": b.as_date(at).isoformat(), "n": lag, "l": limit},
            ErrorCode.REASON_REQUIRED,
        )
    return Entry(at=at, late_entry=bool(reason), late_reason=reason)


def not_in_future(at, what):
    """Only rule 1 (for dates that are not acts of the case, e.g. 发现时间)."""
    _not_in_future(at, what)
