"""Calendar months of the dashboard (core/months.py); counts_by_month is exercised by the
monthly figures of tests/core/test_charts.py and test_dashboard_supervision.py."""

import datetime as dt

from sanxiang.core.months import month_end, month_start


def test_month_start_and_end():
    assert month_start(dt.date(2026, 12, 31)) == dt.date(2026, 12, 1)
    # 31 Dec 20:00 UTC is 1 January in Beijing: the month is Beijing's
    assert month_start(dt.datetime(2026, 12, 31, 20, 0, tzinfo=dt.UTC)) == dt.date(2027, 1, 1)
    assert month_start(None) is None
    assert month_end(dt.date(2026, 12, 1)) == dt.date(2026, 12, 31)
    assert month_end(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)
