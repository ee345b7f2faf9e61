"""Creating a 巡查批次: one per agency and quarter, not for a future quarter, valid input only."""

import datetime as dt

import pytest

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.patrol import services

from .conftest import make_round


def test_round_needs_quarter_agencies_and_size(supervisor, agency_a):
    with pytest.raises(DomainError) as exc:
        services.create_round(
            supervisor.agency, supervisor, year=2026, quarter=5, agencies=[], sample_size=0
        )
    msg = str(exc.value)
    assert "季度" in msg and "被巡查机关" in msg and "抽取条数" in msg


def test_round_once_per_quarter(supervisor, agency_a):
    make_round(supervisor, [agency_a])
    with pytest.raises(DomainError) as exc:
        make_round(supervisor, [agency_a])
    assert exc.value.code == ErrorCode.CONFLICT


def test_future_quarter_refused(supervisor, agency_a):
    with pytest.raises(DomainError):
        make_round(supervisor, [agency_a], quarter=3)


def test_quarter_period():
    assert services.quarter_period(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert services.quarter_period(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
