"""Times stored as ISO text show as people read them (issue #13 item 9): an A/V record's
中断说明 read 「2026-11-21T02:35:00+00:00 → …」 on its page; now local 「Y-m-d H:i」."""

import datetime as dt

import pytest
from django.utils import timezone

from sanxiang.notifications.templatetags.who import stamp
from tests.notifications.crawl import LEAKS, leaks_in
from tests.records.conftest import _var, ingest, labels, png_bytes  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_stamp_shows_local_time_without_iso_t():
    assert stamp("2026-11-21T02:35:00+00:00") == "2026-11-21 10:35"  # Beijing time
    aware = dt.datetime(2026, 11, 21, 2, 35, tzinfo=dt.UTC)
    assert stamp(aware) == "2026-11-21 10:35"
    assert stamp("电量不足") == "电量不足"
    assert stamp(None) == ""


def test_record_page_shows_interruptions_in_local_time(
    case_a,
    handler_a,
    officer_a1,
    ingest,  # noqa: F811
    client_for,
):
    lab = labels(case_a, officer_a1)
    start = dt.datetime.fromisoformat(lab["recorded_start"])
    stop, restart = start + dt.timedelta(minutes=5), start + dt.timedelta(minutes=6)
    rec = ingest(
        case_a,
        png_bytes(),
        interruptions=[
            {
                "stopped_at": stop.astimezone(dt.UTC).isoformat(),
                "restarted_at": restart.astimezone(dt.UTC).isoformat(),
                "reason": "执法记录仪电量不足，更换备用电池后继续录制",
            }
        ],
    )
    html = client_for(handler_a).get(f"/records/{rec.pk}/").content.decode()
    local = timezone.localtime(stop).strftime("%Y-%m-%d %H:%M")
    assert f"{local} → " in html and "电量不足" in html
    assert leaks_in(html, LEAKS)[0] == []
