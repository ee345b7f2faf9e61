import datetime as dt
import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
HOLIDAY_CN = DATA / "holiday-cn"

# A schedule for 2027 made up FOR TESTS ONLY (the real 2027 notice is not in the reference
# data). It has the shape of a real notice: holidays plus make-up working days.
TEST_2027_CSV = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-13,holiday,春节
2027-02-14,workday,春节
2027-10-01,holiday,国庆节
2027-10-04,holiday,国庆节
2027-10-05,holiday,国庆节
2027-10-09,workday,国庆节
"""


def holiday_cn(year: int) -> dict:
    return json.loads((HOLIDAY_CN / f"{year}.json").read_text(encoding="utf-8"))


def holiday_cn_bytes(year: int) -> bytes:
    return (HOLIDAY_CN / f"{year}.json").read_bytes()


def ledger_events(subject_prefix=""):
    """Payloads of the HOLIDAY_CHANGED leaves (optionally for one subject prefix)."""
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.models import Leaf

    out = []
    for leaf in Leaf.objects.filter(event_type=EventType.HOLIDAY_CHANGED).order_by("index"):
        if leaf.subject.startswith(subject_prefix):
            content = json.loads(leaf.content)
            out.append({"subject": leaf.subject, "actor": content["actor"], **content["payload"]})
    return out


TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today():
    """Tests freeze the clock: "today" is 2026-11-23 10:00 Beijing time (2027's schedule not
    yet entered)."""
    import time_machine

    with time_machine.travel(
        dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        yield


@pytest.fixture
def admin2027(admin_user):
    """2027 entered by an administrator from the test CSV."""
    from sanxiang.workdays import services

    services.import_schedule(
        admin_user, TEST_2027_CSV.encode(), "2027.csv", notice="测试用通知（虚构）"
    )
    return admin_user
