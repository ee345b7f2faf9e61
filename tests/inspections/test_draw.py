"""The draw (摇号): ceil(ratio × count / 100) per class, reproducible from the seed and the
stored snapshots, inspectors from the certified register dealt evenly, refusals, one ledger
event."""

import datetime as dt
import json
from collections import Counter

import pytest

from sanxiang.core import draw
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.core.fields import EnforcementField
from sanxiang.inspections import services
from sanxiang.inspections.models import PlanStatus
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.ledger.services import canonical_sha256
from sanxiang.org import services as org
from sanxiang.org.models import Role
from tests.conftest import make_officer, make_user

from .conftest import add_targets, plan_data

SEED = "00" * 31 + "01"


def _payload(leaf):
    return json.loads(leaf.content)["payload"]


def test_sample_size_rounds_up():
    assert services.sample_size(3, 10) == 1  # 0.3 → 1: a non-empty class is never skipped
    assert services.sample_size(10, 11) == 2  # 1.1 → 2 (floor and round would give 1)
    assert services.sample_size(20, 10) == 2
    assert services.sample_size(0, 50) == 0
    assert services.sample_size(100, 7) == 7
    assert services.sample_size(5, 0) == 0


def test_draw_takes_ceil_per_class(plan_a, handler_a, inspectors_a):
    # A 3 % of 5 → 1; B 5 % of 21 → 2 (1.05 up); C 10 % of 11 → 2; D 20 % of 0 → 0
    add_targets(plan_a.agency, handler_a, {"A": 5, "B": 21, "C": 11})
    plan = services.draw(plan_a, handler_a, seed_hex=SEED)
    classes = Counter(row["risk_class"] for row in plan.draw_result)
    assert classes == {"A": 1, "B": 2, "C": 2}
    assert plan.tasks.count() == 5
    assert plan.status == PlanStatus.DRAWN


def test_draw_is_reproducible_and_replayable(plan_a, handler_a, inspectors_a):
    add_targets(plan_a.agency, handler_a, {"A": 10, "B": 10, "C": 10, "D": 10})
    plan = services.draw(plan_a, handler_a)
    assert len(bytes.fromhex(plan.seed)) == 32
    assert services.replay_draw(plan) == plan.draw_result
    assert plan.targets_sha256 == canonical_sha256(plan.target_candidates)
    assert plan.officers_sha256 == canonical_sha256(plan.officer_candidates)
    assert plan.officer_candidates == sorted(o.pk for o in inspectors_a)
    # the same inputs with the same seed give the same result; the stored tasks match
    again = services.compute_draw(
        plan.seed, plan.target_candidates, plan.officer_candidates, plan.ratios, 2
    )
    assert again == plan.draw_result
    stored = [
        {
            "usci": t.target_usci,
            "risk_class": t.risk_class,
            "officers": sorted(o.pk for o in t.officers.all()),
        }
        for t in plan.tasks.order_by("order")
    ]
    assert stored == [{**r, "officers": sorted(r["officers"])} for r in plan.draw_result]


def test_replay_detects_a_changed_snapshot(drawn_plan):
    drawn_plan.target_candidates = drawn_plan.target_candidates[1:]
    with pytest.raises(DomainError) as err:
        services.replay_draw(drawn_plan)
    assert "哈希不一致" in str(err.value)


def test_draw_selection_depends_on_seed_rank(plan_a, handler_a, inspectors_a):
    targets = add_targets(plan_a.agency, handler_a, {"B": 40})
    plan = services.draw(plan_a, handler_a, seed_hex=SEED)
    chosen = {row["usci"] for row in plan.draw_result}
    ranked = sorted(
        (t.usci for t in targets), key=lambda u: draw.rank(bytes.fromhex(SEED), "target:" + u)
    )
    assert chosen == set(ranked[:2])


def test_inspectors_distinct_complete_and_even(plan_a, handler_a, inspectors_a, agency_a):
    for n in range(4, 8):  # 7 certified officers in all
        user = make_user(f"extra{n}", Role.HANDLER, agency_a, f"执法{n}")
        make_officer(user, EnforcementField.MARKET, f"TEST-A-00{n:02d}")
    services.update_plan(plan_a, handler_a, ratio_b=100, inspectors_per_task=3)
    add_targets(agency_a, handler_a, {"B": 10})
    plan = services.draw(plan_a, handler_a, seed_hex=SEED)
    load = Counter()
    for row in plan.draw_result:
        assert len(row["officers"]) == 3
        assert len(set(row["officers"])) == 3
        load.update(row["officers"])
    assert set(load) == set(plan.officer_candidates)  # 30 slots over 7 officers: all used
    assert max(load.values()) - min(load.values()) <= 1


def test_certified_officers_is_the_inspector_register(inspectors_a, officer_b1, agency_a):
    assert list(services.certified_officers(agency_a)) == inspectors_a
    inspectors_a[0].is_active = False
    inspectors_a[0].save()
    assert list(services.certified_officers(agency_a)) == inspectors_a[1:]


def test_draw_refused_with_too_few_certified_officers(plan_a, handler_a, officer_a1, agency_a):
    add_targets(agency_a, handler_a, {"B": 5})
    # a second officer whose certificate has expired does not count
    expired_user = make_user("expired", Role.HANDLER, agency_a, "过期")
    make_officer(
        expired_user,
        EnforcementField.MARKET,
        "TEST-A-0099",
        issued=dt.date(2019, 1, 1),
        expires=dt.date(2024, 12, 31),
    )
    with pytest.raises(DomainError) as err:
        services.draw(plan_a, handler_a)
    assert err.value.code == ErrorCode.CERTIFICATE
    assert "只有1名" in str(err.value)
    plan_a.refresh_from_db()
    assert plan_a.status == PlanStatus.DRAFT and plan_a.tasks.count() == 0


def test_revoked_certificate_does_not_count(plan_a, handler_a, officer_a1, officer_a2, agency_a):
    add_targets(agency_a, handler_a, {"B": 5})
    org.change_certificate_status(officer_a2.certificates.get(), "revoke", reason="调离")
    with pytest.raises(DomainError) as err:
        services.draw(plan_a, handler_a)
    assert err.value.code == ErrorCode.CERTIFICATE


def test_draw_refused_without_active_targets(plan_a, handler_a, inspectors_a, agency_a):
    with pytest.raises(DomainError) as err:
        services.draw(plan_a, handler_a)
    assert "没有在册的检查对象" in str(err.value)
    (target,) = add_targets(agency_a, handler_a, {"B": 1})
    services.set_target_active(target, handler_a, False)
    with pytest.raises(DomainError):
        services.draw(plan_a, handler_a)


def test_inactive_targets_are_not_candidates(plan_a, handler_a, inspectors_a, agency_a):
    a, b = add_targets(agency_a, handler_a, {"B": 2})
    services.set_target_active(a, handler_a, False)
    plan = services.draw(plan_a, handler_a, seed_hex=SEED)
    assert [c["usci"] for c in plan.target_candidates] == [b.usci]


def test_draw_refused_when_ratios_select_nothing(agency_a, handler_a, item_a, inspectors_a):
    plan = services.create_plan(
        agency_a, handler_a, **plan_data(item_a, ratio_a=0, ratio_b=0, ratio_c=0, ratio_d=0)
    )
    add_targets(agency_a, handler_a, {"B": 3})
    with pytest.raises(DomainError) as err:
        services.draw(plan, handler_a)
    assert "未抽中" in str(err.value)


def test_draw_twice_is_refused(drawn_plan, handler_a):
    seed = drawn_plan.seed
    with pytest.raises(DomainError) as err:
        services.draw(drawn_plan, handler_a)
    assert err.value.code == ErrorCode.ILLEGAL_TRANSITION
    drawn_plan.refresh_from_db()
    assert drawn_plan.seed == seed


def test_draw_refused_for_other_agency_and_reviewer(plan_a, handler_b, reviewer_a, supervisor):
    for user in (handler_b, reviewer_a, supervisor):
        with pytest.raises(PermissionDenied):
            services.draw(plan_a, user)


def test_draw_writes_one_ledger_event(plan_a, handler_a, inspectors_a):
    add_targets(plan_a.agency, handler_a, {"A": 2, "D": 2})
    before = Leaf.objects.filter(event_type=EventType.INSPECTION_DRAWN).count()
    plan = services.draw(plan_a, handler_a)
    leaves = Leaf.objects.filter(event_type=EventType.INSPECTION_DRAWN)
    assert leaves.count() == before + 1
    payload = _payload(leaves.latest("index"))
    assert payload["seed"] == plan.seed
    assert payload["targets_sha256"] == plan.targets_sha256
    assert payload["officers_sha256"] == plan.officers_sha256
    assert payload["result"] == plan.draw_result
