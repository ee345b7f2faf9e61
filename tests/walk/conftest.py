"""Fixtures of the role walk: a market-regulation agency with a published catalogue of
powers, two certified officers (the handlers), a reviewer, a head and the supervisor of the
司法局 above. Everything else the walk does through the browser."""

import datetime as dt

import pytest

from tests.review.conftest import publish_powers

# a Monday, 10:00 Beijing time: the walk never depends on today's date
WALK_AT = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def chromium_launch_args():
    """The browser of a Chinese officer: date and time fields read 「2026/11/23 09:30」, not
    「11/23/2026, 09:30 AM」. Chromium draws <input type=date> in its own UI language, and
    Debian's package ships only en-US (the zh-CN one is in chromium-l10n), so --lang alone
    changes nothing; LangAttributeAwareFormControlUI makes the fields follow the page's
    lang (zh-hans on every page) as Chrome with a Chinese UI does. The walk's contexts also
    use locale zh-CN (walker.py)."""
    return ["--lang=zh-CN", "--enable-blink-features=LangAttributeAwareFormControlUI"]


@pytest.fixture
def frozen_day():
    import time_machine

    with time_machine.travel(WALK_AT, tick=True):
        yield WALK_AT


@pytest.fixture
def walk_org(
    settings,
    tmp_path,
    frozen_day,
    agency_a,
    handler_a,
    handler_a2,
    officer_a1,
    officer_a2,
    reviewer_a,
    head_a,
    supervisor,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.KEYS_DIR = tmp_path / "keys"
    power = publish_powers(agency_a, head_a)
    return {
        "agency": agency_a,
        "power": power,
        "handler": handler_a,
        "handler2": handler_a2,
        "reviewer": reviewer_a,
        "head": head_a,
        "supervisor": supervisor,
    }
