"""Fixtures of the complaints tests: a fresh cache (throttle counters), a fixed clock, and
helpers to submit complaints through the service."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from sanxiang.complaints import services
from sanxiang.complaints.models import ComplaintKind
from sanxiang.core import clock as core_clock

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """clock(date, hour=10): set the services' clock (submission/decision time)."""

    def set_to(day, hour=10):
        moment = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)
        monkeypatch.setattr(core_clock, "now", lambda: moment)
        return moment

    return set_to


def submit(agency, kind=ComplaintKind.COMPLAINT, **fields):
    data = {
        "kind": kind,
        "agency": agency,
        "content": "执法人员检查时未出示执法证件。",
        "name": "陈女士",
        "phone": "13800571234",
    }
    data.update(fields)
    return services.submit(**data)


@pytest.fixture
def complaint_a(agency_a):
    complaint, _code = submit(agency_a)
    return complaint


@pytest.fixture
def with_code_a(agency_a):
    return submit(agency_a)
