"""随机抽取案卷: the share per agency, reproducible HMAC ranking, replay, eligibility and refusals."""

import datetime as dt

import pytest

from sanxiang.cases.models import Stage
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.evaluation import services
from sanxiang.evaluation.models import RoundStatus
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.ledger.services import canonical_sha256
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyKind, AgencyLevel, Role
from tests.conftest import make_user

from .conftest import closed_case, closed_cases, make_round


@pytest.mark.parametrize(
    "ratio,count,minimum,expected",
    [
        (10, 12, 0, 2),
        (10, 10, 0, 1),
        (10, 11, 0, 2),
        (5, 1, 0, 1),
        (100, 3, 0, 3),
        (10, 3, 2, 2),
        (10, 1, 5, 1),
        (34, 3, 0, 2),
    ],
)
def test_sample_size_is_ceil_with_minimum(ratio, count, minimum, expected):
    assert services.sample_size(ratio, count, minimum) == expected


def test_sampling_takes_ceil_per_agency_and_creates_sheets(sampled, agency_a, agency_b):
    assert sampled.status == RoundStatus.SAMPLED
    sheets = list(sampled.sheets.all())
    assert [s.agency_id for s in sheets].count(agency_a.pk) == 2  # ceil(10 % × 12)
    assert [s.agency_id for s in sheets].count(agency_b.pk) == 1  # ceil(10 % × 3)
    assert [s.order for s in sheets] == [1, 2, 3]
    assert len(sampled.candidates) == 15
    assert sampled.candidates_sha256 == canonical_sha256(sampled.candidates)
    leaf = Leaf.objects.get(event_type=EventType.EVALUATION_SAMPLED)
    assert leaf.payload["seed"] == sampled.seed
    assert leaf.payload["result"] == sampled.sample_result


def test_minimum_per_agency_applies(supervisor, agency_a, agency_b):
    closed_cases(agency_a, 12)
    rnd = make_round(supervisor, [agency_a, agency_b], min_per_agency=4)
    rnd = services.sample(rnd, supervisor)
    assert rnd.sheets.filter(agency=agency_a).count() == 4
    assert rnd.sheets.filter(agency=agency_b).count() == 0  # B has no closed files


def test_sampling_is_reproducible_and_replays(sampled):
    assert services.replay_sample(sampled) == sampled.sample_result
    again = services.compute_sample(sampled.seed, sampled.candidates, 10, 1)
    assert again == sampled.sample_result
    other = services.compute_sample("cd" * 32, sampled.candidates, 10, 1)
    assert [r["agency"] for r in other] == [r["agency"] for r in sampled.sample_result]


def test_ranking_is_hmac_of_case_number(sampled, agency_a):
    import hashlib
    import hmac

    seed = bytes.fromhex(sampled.seed)
    mine = [c for c in sampled.candidates if c["agency"] == agency_a.pk]
    ranked = sorted(
        mine,
        key=lambda c: hmac.new(seed, ("case:" + c["number"]).encode(), hashlib.sha256).hexdigest(),
    )
    got = [r["case"] for r in sampled.sample_result if r["agency"] == agency_a.pk]
    assert got == [c["case"] for c in ranked[:2]]


def test_replay_detects_tampered_snapshot(sampled):
    sampled.candidates = sampled.candidates[1:]
    with pytest.raises(DomainError) as exc:
        services.replay_sample(sampled)
    assert exc.value.code == ErrorCode.CONFLICT


def test_only_closed_or_archived_cases_in_period_are_eligible(supervisor, agency_a):
    inside = closed_case(agency_a, 1)
    closing = closed_case(agency_a, 2, stage=Stage.CLOSING)
    closed_case(agency_a, 3, closed_on=dt.date(2026, 7, 1))  # after the period
    closed_case(agency_a, 4, closed_on=None, stage=Stage.CLOSING)  # not yet closed
    closed_case(agency_a, 5, stage=Stage.EXECUTION)
    rnd = make_round(supervisor, [agency_a])
    assert set(services.eligible_cases(rnd)) == {inside, closing}


def test_sampling_refused_without_eligible_cases(round_ab, supervisor):
    with pytest.raises(DomainError, match="没有已结案或已归档的案卷"):
        services.sample(round_ab, supervisor)
    assert not Leaf.objects.filter(event_type=EventType.EVALUATION_SAMPLED).exists()


def test_sampling_twice_refused(sampled, supervisor):
    with pytest.raises(DomainError) as exc:
        services.sample(sampled, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    assert Leaf.objects.filter(event_type=EventType.EVALUATION_SAMPLED).count() == 1


@pytest.mark.parametrize("who", ["handler_a", "head_a"])
def test_sampling_refused_for_agency_staff(request, who, round_ab, agency_a):
    closed_cases(agency_a, 3)
    with pytest.raises(DomainError) as exc:
        services.sample(round_ab, request.getfixturevalue(who))
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_sampling_refused_for_supervisor_of_another_agency(round_ab, agency_a):
    closed_cases(agency_a, 3)
    other = org.create_agency(
        name="外县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339998", "MB1TQ0009"),
        region="外县",
    )
    with pytest.raises(DomainError) as exc:
        services.sample(round_ab, make_user("other_sup", Role.SUPERVISOR, other))
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
