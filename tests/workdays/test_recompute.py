"""Entering a year's schedule recomputes the open provisional deadlines of that year."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command

from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.notifications.models import Notification
from sanxiang.publicity import services as publicity
from sanxiang.publicity.models import Publication
from sanxiang.workdays import calendar, deadlines, services
from sanxiang.workdays.models import TrackedDeadline

D = dt.date
BJ = dt.timezone(dt.timedelta(hours=8))

# Test-only 2027 schedules (not the real notice): a longer New Year break, or make-up
# Saturdays that make the deadline earlier than the statutory rule did.
LONGER = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦\n"
LONGER += "2027-01-05,holiday,元旦\n2027-01-06,holiday,元旦\n"
SHORTER = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,workday,元旦\n"
SHORTER += "2027-01-09,workday,元旦\n"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 12, 30, 10, 0, tzinfo=BJ), tick=False):
        yield


def _publication(agency, key="t:1"):
    return publicity.publish_decision(
        agency=agency,
        source_key=key,
        category="penalty",
        decision_date=D(2026, 12, 30),
        document_number="测罚决〔2026〕1号",
        title="销售超过保质期的食品",
    )


def _events():
    out = []
    for leaf in Leaf.objects.filter(event_type=EventType.DEADLINE_RECOMPUTED).order_by("index"):
        out.append(json.loads(leaf.content)["payload"])
    return out


def test_provisional_deadline_is_stored_with_flag_and_revision(agency_a):
    pub = _publication(agency_a)
    # 7 working days from 2026-12-30: 12-31, (01-01 元旦), 01-04 … 01-08, 01-11
    assert pub.due_date == D(2027, 1, 11)
    row = TrackedDeadline.objects.get(kind="publicity.due_date", object_id=pub.pk)
    assert row.provisional and row.provisional_years == [2027]
    assert (row.start, row.workdays, row.due) == (D(2026, 12, 30), 7, D(2027, 1, 11))
    assert row.calendar_revision == calendar.revision()


def test_import_moves_an_open_provisional_deadline_with_ledger_and_notice(
    agency_a, head_a, admin_user, tmp_path
):
    pub = _publication(agency_a)
    path = tmp_path / "2027.csv"
    path.write_text(LONGER, encoding="utf-8")
    from io import StringIO

    out = StringIO()
    call_command("workdays", "import", str(path), "--notice", "测试用通知（虚构）", stdout=out)
    pub.refresh_from_db()
    # 12-31, (01-01, 01-04..01-06 off), 01-07, 01-08, 01-11, 01-12, 01-13, 01-14
    assert pub.due_date == D(2027, 1, 14)
    row = TrackedDeadline.objects.get(kind="publicity.due_date", object_id=pub.pk)
    assert not row.provisional and row.due == D(2027, 1, 14)
    [event] = _events()
    assert (event["old"], event["new"], event["kind"]) == (
        "2027-01-11",
        "2027-01-14",
        "publicity.due_date",
    )
    assert event["calendar_revision"] == calendar.revision()
    assert "公示期限（测罚决〔2026〕1号）：2027-01-11 → 2027-01-14" in out.getvalue()
    note = Notification.objects.get(user=head_a, body__contains="2027-01-14")
    assert "2027-01-14" in note.body and note.url.endswith(f"/publicity/{pub.pk}/")
    # the same query now follows the schedule and is no longer provisional
    assert not calendar.deadline(D(2026, 12, 30), 7).provisional


def test_closed_deadlines_are_not_moved(agency_a, admin_user):
    pub = _publication(agency_a)
    Publication.objects.filter(pk=pub.pk).update(status="published")
    services.import_schedule(admin_user, LONGER.encode(), "2027.csv", notice="测试")
    pub.refresh_from_db()
    assert pub.due_date == D(2027, 1, 11)
    assert _events() == []
    assert TrackedDeadline.objects.get(object_id=pub.pk).status == "closed"


def test_a_communicated_deadline_never_moves_earlier(agency_a, admin_user):
    pub = _publication(agency_a)
    kind = deadlines.DeadlineKind(
        key="test.communicated",
        label="测试期限",
        model="publicity.Publication",
        field="due_date",
        is_open=lambda p: True,
        communicated=lambda p: "测试告知书",
    )
    deadlines.register(kind)
    try:
        deadlines.track("test.communicated", pub, calendar.deadline(D(2026, 12, 30), 7))
        TrackedDeadline.objects.filter(kind="publicity.due_date").delete()
        result = services.import_schedule(admin_user, SHORTER.encode(), "2027.csv", notice="测试")
    finally:
        deadlines._kinds.pop("test.communicated")
    pub.refresh_from_db()
    # the schedule alone would give 01-08 (make-up Saturdays): the party was told 01-11
    assert calendar.add_workdays(D(2026, 12, 30), 7) == D(2027, 1, 8)
    assert pub.due_date == D(2027, 1, 11)
    [moved] = result.moved
    assert (moved.old, moved.new, moved.kept) == (D(2027, 1, 11), D(2027, 1, 8), D(2027, 1, 11))
    assert "已在测试告知书中告知当事人2027-01-11，期限不提前" in moved.reason
    [event] = _events()
    assert event["kept_communicated"] and event["new"] == "2027-01-11"


def test_a_not_communicated_deadline_may_move_earlier(agency_a, admin_user):
    pub = _publication(agency_a)
    services.import_schedule(admin_user, SHORTER.encode(), "2027.csv", notice="测试")
    pub.refresh_from_db()
    assert pub.due_date == D(2027, 1, 8)


def test_pages_and_api_mark_the_provisional_date(agency_a, head_a, client_for):
    pub = _publication(agency_a)
    html = client_for(head_a).get(f"/publicity/{pub.pk}/").content.decode()
    assert "2027-01-11（暂定）" in html
    assert "2027年节假日安排尚未录入，暂按法定节假日推算，录入后自动重算" in html
