"""Session lifetime (issue #12 item 5): idle 30 minutes or 12 hours after login ends the
session; activity keeps it alive within the absolute lifetime."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from tests.conftest import PASSWORD

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _axes_off(settings):
    settings.AXES_ENABLED = False


def _logged_in(user):
    c = Client()
    r = c.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert r.status_code == 302, r.content[:300]
    return c


def _workbench(c):
    return c.get("/workbench/")


def test_idle_session_ends_after_30_minutes(handler_a):
    with time_machine.travel(START, tick=False) as t:
        c = _logged_in(handler_a)
        assert _workbench(c).status_code == 200
        t.shift(dt.timedelta(minutes=29))
        assert _workbench(c).status_code == 200  # still within the idle time
        t.shift(dt.timedelta(minutes=31))
        r = _workbench(c)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
        page = c.get(r["Location"]).content.decode()
        assert "分钟未操作" in page
        # the session is gone: logging in again is required
        assert _workbench(c).status_code == 302


def test_activity_keeps_the_session_until_the_absolute_lifetime(handler_a):
    with time_machine.travel(START, tick=False) as t:
        c = _logged_in(handler_a)
        for _ in range(28):  # a request every 25 minutes: 11 h 40 min after the login
            t.shift(dt.timedelta(minutes=25))
            assert _workbench(c).status_code == 200
        t.shift(dt.timedelta(minutes=15))  # 11 h 55 min
        assert _workbench(c).status_code == 200
        t.shift(dt.timedelta(minutes=10))  # 12 h 5 min, idle only 10 minutes
        r = _workbench(c)
        assert r.status_code == 302
        assert "小时" in c.get(r["Location"]).content.decode()


def test_api_session_gets_401_json(handler_a):
    with time_machine.travel(START, tick=False) as t:
        c = _logged_in(handler_a)
        assert c.get("/api/cases/").status_code == 200
        t.shift(dt.timedelta(minutes=31))
        r = c.get("/api/cases/")
        assert r.status_code == 401 and r.json()["code"] == "session_expired"


def test_cookie_lives_no_longer_than_the_absolute_lifetime(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
