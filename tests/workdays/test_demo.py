import datetime as dt

from sanxiang.workdays import calendar, demo
from sanxiang.workdays.models import HolidayOverride, HolidayYear

from .conftest import ledger_events


def test_demo_records_2026_and_leaves_2027_provisional(admin_user):
    demo.load({"today": dt.date(2026, 11, 23)})
    row = HolidayYear.objects.get(year=2026)
    assert row.complete and row.notice == demo.NOTICE_2026
    assert not HolidayOverride.objects.exists()  # no invented dates
    assert ledger_events("holiday-year:2026")[0]["action"] == "year_completed"
    # 2027 is computed provisionally, and says so
    d = calendar.deadline(dt.date(2026, 12, 28), 5)
    assert (d.date, d.provisional_years) == (dt.date(2027, 1, 5), (2027,))


def test_periodic_warns_while_next_year_is_missing(admin2027):
    from io import StringIO

    from sanxiang.workdays import periodic

    assert periodic.missing_next_year(dt.date(2026, 11, 23)) is None  # 2027 imported
    assert periodic.missing_next_year(dt.date(2027, 11, 1)) == 2028
    assert periodic.missing_next_year(dt.date(2027, 6, 1)) is None  # too early to worry
    out = StringIO()
    periodic.run(out)
    assert out.getvalue() == ""


def test_periodic_message(db):
    from io import StringIO

    from sanxiang.workdays import periodic

    out = StringIO()
    periodic.run(out)
    assert out.getvalue().startswith("警告：2027年的节假日安排尚未录入")
    # once a day, not on every run
    again = StringIO()
    periodic.run(again)
    assert again.getvalue() == ""
