"""Time limits of complaint handling: acceptance and conclusion deadlines in working days."""

import datetime as dt

import pytest

from sanxiang.complaints import services

from .conftest import submit

pytestmark = pytest.mark.django_db


def test_accept_deadline_counts_working_days_over_holidays(agency_a, clock):
    # Thu 2026-09-24; 25–27 中秋, 10-01..07 国庆 → the 5th working day is Fri 10-09
    clock(dt.date(2026, 9, 24))
    complaint, _ = submit(agency_a)
    d = services.deadline(complaint, today=dt.date(2026, 9, 24))
    assert d.due == dt.date(2026, 10, 9) and d.remaining == 5 and not d.overdue
    late = services.deadline(complaint, today=dt.date(2026, 10, 12))
    assert late.overdue and late.overdue_days == 2  # Sat 10-10 is a make-up working day


def test_conclude_deadline_30_working_days_from_acceptance(complaint_a, handler_a, clock):
    clock(dt.date(2026, 9, 30))
    services.accept(complaint_a, handler_a)
    complaint_a.refresh_from_db()
    d = services.deadline(complaint_a, today=dt.date(2026, 9, 30))
    assert d.label == "办结期限"
    assert d.due == dt.date(2026, 11, 17)  # not 11-11: 国庆 off, 10-10 make-up day counts


def test_weekend_after_due_date_is_overdue(agency_a, clock):
    clock(dt.date(2026, 11, 16))  # Monday → due Monday 11-23
    complaint, _ = submit(agency_a)
    assert services.deadline(complaint, today=dt.date(2026, 11, 23)).remaining == 0
    assert services.deadline(complaint, today=dt.date(2026, 11, 23)).overdue is False
    assert services.deadline(complaint, today=dt.date(2026, 11, 28)).overdue  # Saturday after


def test_transfer_restarts_acceptance_clock(agency_a, agency_b, head_a, clock):
    clock(dt.date(2026, 11, 2))
    complaint, _ = submit(agency_a)
    clock(dt.date(2026, 11, 16))
    c = services.transfer(complaint, head_a, agency_b)
    assert services.deadline(c, today=dt.date(2026, 11, 16)).due == dt.date(2026, 11, 23)


def test_no_deadline_once_answered(complaint_a, handler_a):
    services.reject(complaint_a, handler_a, "重复投诉。")
    assert services.deadline(complaint_a) is None
