"""Fixtures of the appeals / transfers tests: decided cases driven through the real services."""

import pytest

from tests.cases.conftest import (  # noqa: F401  (fixtures)
    Flow,
    _isolated_gates,
    person_party,
    power_a,
    powers_a,
)


@pytest.fixture
def flow(handler_a, head_a, officer_a1, officer_a2, power_a):  # noqa: F811
    return Flow(handler_a, head_a, [officer_a1, officer_a2], power_a, party=person_party())


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="决定书.pdf"):
    return (name, PDF)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _frozen_clock():
    """The 移送规定 limits are counted in days from "today": freeze it (Wednesday 2026-11-18,
    so that the 3-day limits of the tests end on a weekend and on a weekday), never the real
    date (a year-end run moved a limit across a weekend and broke an assertion)."""
    import datetime as dt

    import time_machine

    bj = dt.timezone(dt.timedelta(hours=8))
    with time_machine.travel(dt.datetime(2026, 11, 18, 10, 0, tzinfo=bj), tick=False):
        yield


MATERIALS = ["涉嫌犯罪案件移送书", "涉嫌犯罪案件情况的调查报告", "涉案物品清单"]


def ago(n):
    import datetime as dt

    from sanxiang.core import clock

    return clock.today() - dt.timedelta(days=n)


def transfer(case, head, **kw):
    """``case`` transferred to 测试县公安局 (report 9 days ago; ``kw`` overrides)."""
    from sanxiang.transfers import services

    data = {
        "reported_on": ago(9),
        "approved_on": ago(8),
        "transferred_on": ago(8),
        "police_authority": "测试县公安局",
        "materials": MATERIALS,
        "case_summary": "销售伪劣产品，货值金额达到追诉标准。",
    }
    data.update(kw)
    return services.record_transfer(case, head, **data)


def decided_as_transfer(flow):
    """A case whose decision was 移送 (dated 9 days ago)."""
    from sanxiang.cases import services as cases
    from tests.cases.conftest import days_ago, late

    case = flow.in_decision()
    cases.decide(
        case,
        actor=flow.head,
        outcome="transfer",
        decided_at=days_ago(9),
        late_reason=late(days_ago(9)),
    )
    case.refresh_from_db()
    return case
