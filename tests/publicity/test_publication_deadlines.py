"""按时公示: the 7 / 20 working-day deadline and the due-soon and overdue flags."""

import datetime as dt

import pytest

from sanxiang.core.fields import ActType
from sanxiang.publicity import services
from sanxiang.workdays.calendar import add_workdays

from .conftest import publish

pytestmark = pytest.mark.django_db


def test_deadlines_7_and_20_working_days(agency_a):
    d = dt.date(2026, 6, 1)
    p = publish(agency_a, decision_date=d)
    assert p.due_date == add_workdays(d, 7)
    i = publish(agency_a, decision_date=d, category=ActType.INSPECTION, case_act_type="inspection")
    assert i.due_date == add_workdays(d, 20)


def test_overdue_flag_goes_to_agency_and_supervisor_not_other_agency(
    agency_a, handler_a, supervisor, handler_b
):
    pub = publish(agency_a, decision_date=dt.date(2026, 6, 1), handler_ids=[handler_a.pk])
    assert services.clock_state(pub)["state"] == "overdue"
    assert [f["publication"].pk for f in services.pending_flags(handler_a)] == [pub.pk]
    assert [f["publication"].pk for f in services.pending_flags(supervisor)] == [pub.pk]
    assert services.pending_flags(handler_b) == []
    assert services.notify_overdue() == 1
    assert services.notify_overdue() == 0
    services.confirm_publication(pub, handler_a)
    pub.refresh_from_db()
    assert pub.published_late and services.clock_state(pub)["state"] == "published_late"


def test_due_soon_flag(agency_a, handler_a):
    pub = publish(agency_a, handler_ids=[handler_a.pk])
    day = pub.due_date - dt.timedelta(days=1)
    assert services.clock_state(pub, today=day)["state"] == "due_soon"
    assert services.clock_state(pub, today=pub.decision_date)["state"] == "ok"
