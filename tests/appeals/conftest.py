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
    """The 复议/诉讼 limits are counted from "today": freeze it (Wednesday 2026-11-18), never
    the real date, so that no limit moves across a weekend or holiday from one run to the next."""
    import datetime as dt

    import time_machine

    bj = dt.timezone(dt.timedelta(hours=8))
    with time_machine.travel(dt.datetime(2026, 11, 18, 10, 0, tzinfo=bj), tick=False):
        yield


def ago(n):
    import datetime as dt

    from sanxiang.core import clock

    return clock.today() - dt.timedelta(days=n)


def recon(case, actor, **kw):
    """A 行政复议 of ``case`` applied for 5 days ago (``kw`` overrides)."""
    from sanxiang.appeals import services

    data = {"kind": "reconsideration", "body": "测试县人民政府", "applied_on": ago(5)}
    data.update(kw)
    return services.record_appeal(case, actor, **data)


def decided_appeal(case, actor, head, outcome="upheld", **kw):
    """A 行政复议 of ``case`` accepted and decided with ``outcome``."""
    from sanxiang.appeals import services

    appeal = recon(case, actor)
    services.accept(appeal, actor, accepted_on=ago(4))
    return services.record_outcome(
        appeal, head, outcome=outcome, decided_on=ago(1), document=pdf(), **kw
    )
