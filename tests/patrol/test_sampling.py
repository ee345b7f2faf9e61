"""Reproducible sampling (same seed → same sample; the recorded seed re-draws it)."""

import random

import pytest

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.patrol import services
from sanxiang.patrol.models import PatrolRound, RoundStatus

from .conftest import SEED, make_round, publish


@pytest.fixture
def many(agency_a, agency_b, handler_a, handler_b):
    return [publish(agency_a, handler_a) for _ in range(6)] + [
        publish(agency_b, handler_b) for _ in range(3)
    ]


def test_same_seed_same_sample_whatever_the_order(many):
    candidates = [
        {"agency": p.agency_id, "publication": p.pk, "number": p.document_number} for p in many
    ]
    first = services.compute_sample(SEED, candidates, 2)
    shuffled = candidates[:]
    random.Random(7).shuffle(shuffled)
    assert services.compute_sample(SEED, shuffled, 2) == first
    assert len(first) == 4  # 2 per agency
    others = {
        tuple(r["publication"] for r in services.compute_sample(f"{i:064x}", candidates, 2))
        for i in range(1, 9)
    }
    assert len(others) > 1  # the seed matters


def test_sample_records_seed_and_replays(supervisor, agency_a, agency_b, many):
    rnd = make_round(supervisor, [agency_a, agency_b], sample_size=2)
    rnd = services.sample(rnd, supervisor, seed_hex=SEED)
    assert rnd.status == RoundStatus.SAMPLED
    assert rnd.items.count() == 4
    assert services.replay_sample(rnd) == rnd.sample_result
    assert [i.publication_id for i in rnd.items.order_by("order")] == [
        r["publication"] for r in rnd.sample_result
    ]
    leaf = Leaf.objects.filter(event_type=EventType.PATROL_SAMPLED).get()
    assert leaf.payload["seed"] == SEED
    assert leaf.payload["candidates_sha256"] == rnd.candidates_sha256
    # anyone holding the ledgered seed and candidate list re-draws the same result
    stored = PatrolRound.objects.get(pk=rnd.pk)
    assert (
        services.compute_sample(leaf.payload["seed"], stored.candidates, 2)
        == (leaf.payload["result"])
    )


def test_fresh_seed_when_none_given(supervisor, agency_a, many):
    rnd = services.sample(make_round(supervisor, [agency_a]), supervisor)
    assert len(rnd.seed) == 64 and rnd.seed != SEED


def test_tampered_candidates_detected(sampled):
    sampled.candidates = sampled.candidates[:-1]
    with pytest.raises(DomainError) as exc:
        services.replay_sample(sampled)
    assert exc.value.code == ErrorCode.CONFLICT


def test_only_the_quarter_is_sampled(supervisor, agency_a, handler_a, time_machine, many):
    import datetime as dt
    from zoneinfo import ZoneInfo

    time_machine.move_to(dt.datetime(2026, 7, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    late = publish(agency_a, handler_a, decision_date=dt.date(2026, 7, 1))
    rnd = make_round(supervisor, [agency_a], sample_size=50)
    ids = set(services.eligible_publications(rnd).values_list("pk", flat=True))
    assert late.pk not in ids and len(ids) == 6
    q3 = make_round(supervisor, [agency_a], quarter=3)
    assert list(services.eligible_publications(q3).values_list("pk", flat=True)) == [late.pk]


def test_unpublished_not_sampled(supervisor, agency_a, handler_a):
    publish(agency_a, handler_a, confirm=False)
    rnd = make_round(supervisor, [agency_a])
    with pytest.raises(DomainError):
        services.sample(rnd, supervisor)


def test_sample_twice_refused(sampled, supervisor):
    with pytest.raises(DomainError) as exc:
        services.sample(sampled, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
