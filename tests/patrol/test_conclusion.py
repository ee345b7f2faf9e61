"""办结: every item submitted, the summary and the quarterly figures."""

import pytest

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.patrol import services
from sanxiang.patrol.figures import patrol_figures
from sanxiang.patrol.models import RoundStatus

from .conftest import first, make_round, publish_leaky_version, score_all


def test_conclude_needs_every_item(sampled, supervisor):
    with pytest.raises(DomainError) as exc:
        services.conclude(sampled, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_conclude_draft_refused(supervisor, agency_a, pubs):
    rnd = make_round(supervisor, [agency_a])
    with pytest.raises(DomainError) as exc:
        services.conclude(rnd, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_conclude_summary_and_figures(sampled, supervisor, agency_a, agency_b):
    item = first(sampled, agency_a)
    publish_leaky_version(item.publication, "电话13912345678")
    services.recheck(item, supervisor)
    score_all(sampled, supervisor)
    services.issue_notice(sampled, agency_a, supervisor, requirements="脱敏")
    rnd = services.conclude(sampled, supervisor)
    assert rnd.status == RoundStatus.CONCLUDED
    rows = {r["agency"]: r for r in rnd.summary["agencies"]}
    assert rows[agency_a.pk]["items"] == 3 and rows[agency_b.pk]["items"] == 1
    assert rows[agency_a.pk]["findings"]["redaction"] == 1
    assert rows[agency_a.pk]["average"] == round((80 + 100 + 100) / 3, 1)
    with pytest.raises(DomainError):
        services.conclude(rnd, supervisor)
    figures = patrol_figures([agency_a, agency_b], 2026)
    a = figures["agencies"][agency_a.pk]
    assert a["rounds"] == 1 and a["items"] == 3 and a["findings"]["redaction"] == 1
    assert a["notices_issued"] == 1 and a["notices_closed"] == 0
    assert a["average"] == round(280 / 3, 1)
    assert figures["total"]["items"] == 4
    assert patrol_figures([agency_a], 2025)["total"]["rounds"] == 0
