"""Rules of 双随机、一公开: plan validation, the reproducible draw, results, completion."""

import datetime as dt
import json
from collections import Counter

import pytest

from sanxiang.core import draw
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.core.fields import EnforcementField
from sanxiang.inspections import services
from sanxiang.inspections.models import PlanStatus, Target, TaskResult
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.ledger.services import canonical_sha256
from sanxiang.org import services as org
from sanxiang.org.models import Role
from tests.conftest import make_officer, make_user

from .conftest import add_targets, plan_data, usci

SEED = "00" * 31 + "01"


def _payload(leaf):
    return json.loads(leaf.content)["payload"]


# --------------------------------------------------------------------------- plans


def test_sample_size_rounds_up():
    assert services.sample_size(3, 10) == 1  # 0.3 → 1: a non-empty class is never skipped
    assert services.sample_size(10, 11) == 2  # 1.1 → 2 (floor and round would give 1)
    assert services.sample_size(20, 10) == 2
    assert services.sample_size(0, 50) == 0
    assert services.sample_size(100, 7) == 7
    assert services.sample_size(5, 0) == 0


@pytest.mark.parametrize(
    "over, fragment",
    [
        ({"ratio_a": 101}, "A类抽查比例"),
        ({"ratio_d": -1}, "D类抽查比例"),
        ({"ratio_b": "5"}, "B类抽查比例"),
        ({"inspectors_per_task": 1}, "不得少于2名"),
        ({"end_date": dt.date(2026, 9, 30)}, "结束日期不能早于开始日期"),
        ({"title": "  "}, "计划名称不能为空"),
    ],
)
def test_plan_validation(agency_a, handler_a, item_a, over, fragment):
    with pytest.raises(DomainError) as err:
        services.create_plan(agency_a, handler_a, **plan_data(item_a, **over))
    assert fragment in str(err.value)


def test_plan_ratio_bounds_are_inclusive(agency_a, handler_a, item_a):
    plan = services.create_plan(agency_a, handler_a, **plan_data(item_a, ratio_a=0, ratio_d=100))
    assert plan.ratios == {"A": 0, "B": 5, "C": 10, "D": 100}


def test_plan_item_must_be_the_agencys_published_item(agency_a, handler_a, item_b):
    with pytest.raises(DomainError) as err:
        services.create_plan(agency_a, handler_a, **plan_data(item_b))
    assert "随机抽查事项清单" in str(err.value)


def test_reviewer_and_other_agency_cannot_plan(agency_a, reviewer_a, handler_b, item_a):
    with pytest.raises(PermissionDenied):
        services.create_plan(agency_a, reviewer_a, **plan_data(item_a))
    with pytest.raises(PermissionDenied):
        services.create_plan(agency_a, handler_b, **plan_data(item_a))


def test_edit_in_draft_only(plan_a, handler_a, inspectors_a):
    services.update_plan(plan_a, handler_a, ratio_b=7, title="改名")
    plan_a.refresh_from_db()
    assert (plan_a.ratio_b, plan_a.title) == (7, "改名")
    add_targets(plan_a.agency, handler_a, {"B": 3})
    services.draw(plan_a, handler_a, seed_hex=SEED)
    with pytest.raises(DomainError) as err:
        services.update_plan(plan_a, handler_a, ratio_b=50)
    assert err.value.code == ErrorCode.ILLEGAL_TRANSITION
    plan_a.refresh_from_db()
    assert plan_a.ratio_b == 7


def test_update_validates_too(plan_a, handler_a):
    with pytest.raises(DomainError):
        services.update_plan(plan_a, handler_a, inspectors_per_task=1)


# --------------------------------------------------------------------------- draw


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


# --------------------------------------------------------------------------- results


def _task_and_outsider(plan):
    task = plan.tasks.order_by("order").first()
    assigned = {o.pk for o in task.officers.all()}
    outsider = next(
        o for o in task.agency.officers.filter(user__isnull=False) if o.pk not in assigned
    )
    return task, task.officers.order_by("id").first().user, outsider.user


def test_result_by_assigned_inspector_and_immutable(drawn_plan):
    task, inspector, _ = _task_and_outsider(drawn_plan)
    services.record_result(task, inspector, result=TaskResult.RECTIFY, note="责令整改")
    task.refresh_from_db()
    assert task.result == TaskResult.RECTIFY and task.recorded_by == inspector
    with pytest.raises(DomainError) as err:
        services.record_result(task, inspector, result=TaskResult.NO_PROBLEM)
    assert err.value.code == ErrorCode.IMMUTABLE
    task.refresh_from_db()
    assert task.result == TaskResult.RECTIFY
    leaf = Leaf.objects.filter(event_type=EventType.INSPECTION_RESULT_RECORDED).latest("index")
    assert _payload(leaf)["result"] == TaskResult.RECTIFY


def test_result_by_non_assigned_user_refused(drawn_plan, handler_b, reviewer_a):
    task, _, outsider = _task_and_outsider(drawn_plan)
    for user in (outsider, handler_b, reviewer_a):
        with pytest.raises(PermissionDenied):
            services.record_result(task, user, result=TaskResult.NO_PROBLEM)
    task.refresh_from_db()
    assert task.result == ""


def test_head_may_record(drawn_plan, head_a):
    task = drawn_plan.tasks.first()
    services.record_result(task, head_a, result=TaskResult.NO_PROBLEM)
    task.refresh_from_db()
    assert task.result == TaskResult.NO_PROBLEM


def test_result_needs_valid_choice_and_note(drawn_plan, head_a):
    task = drawn_plan.tasks.first()
    with pytest.raises(DomainError):
        services.record_result(task, head_a, result="maybe")
    with pytest.raises(DomainError) as err:
        services.record_result(task, head_a, result=TaskResult.CASE, note=" ")
    assert "检查情况" in str(err.value)


# --------------------------------------------------------------------------- complete, publish


def _record_all(plan, head):
    for task in plan.tasks.all():
        services.record_result(task, head, result=TaskResult.NO_PROBLEM)


def test_complete_needs_every_result(drawn_plan, handler_a, head_a):
    first = drawn_plan.tasks.order_by("order").first()
    services.record_result(first, head_a, result=TaskResult.NO_PROBLEM)
    with pytest.raises(DomainError) as err:
        services.complete_plan(drawn_plan, handler_a)
    assert "未记录结果" in str(err.value)
    for task in drawn_plan.tasks.filter(result=""):
        services.record_result(task, head_a, result=TaskResult.NO_PROBLEM)
    plan = services.complete_plan(drawn_plan, handler_a)
    assert plan.status == PlanStatus.COMPLETED


def test_complete_refused_in_draft(plan_a, handler_a):
    with pytest.raises(DomainError) as err:
        services.complete_plan(plan_a, handler_a)
    assert err.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_publish_only_completed_and_by_head(drawn_plan, handler_a, head_a, head_b):
    with pytest.raises(DomainError):
        services.publish_plan(drawn_plan, head_a)
    _record_all(drawn_plan, head_a)
    services.complete_plan(drawn_plan, handler_a)
    with pytest.raises(PermissionDenied):
        services.publish_plan(drawn_plan, handler_a)
    with pytest.raises(PermissionDenied):
        services.publish_plan(drawn_plan, head_b)
    plan = services.publish_plan(drawn_plan, head_a)
    assert plan.published_at is not None
    snap = plan.public_snapshot
    assert snap["seed"] == plan.seed
    assert [t["usci"] for t in snap["tasks"]] == [r["usci"] for r in plan.draw_result]
    assert "officers" not in snap["tasks"][0]
    with pytest.raises(DomainError):
        services.publish_plan(plan, head_a)


# --------------------------------------------------------------------------- targets


def test_add_target_validates_usci_and_duplicates(agency_a, handler_a):
    bad = usci(1)[:-1] + ("0" if usci(1)[-1] != "0" else "1")
    with pytest.raises(DomainError) as err:
        services.add_target(agency_a, handler_a, name="甲公司", usci=bad, risk_class="A")
    assert "校验位" in str(err.value)
    services.add_target(agency_a, handler_a, name="甲公司", usci=usci(1).lower(), risk_class="A")
    assert Target.objects.get().usci == usci(1)
    with pytest.raises(DomainError) as err:
        services.add_target(agency_a, handler_a, name="甲公司", usci=usci(1), risk_class="A")
    assert "已在名录库中" in str(err.value)
    with pytest.raises(DomainError):
        services.add_target(agency_a, handler_a, name="乙公司", usci=usci(2), risk_class="E")


def test_same_usci_in_two_agencies(agency_a, agency_b, handler_a, handler_b):
    services.add_target(agency_a, handler_a, name="甲公司", usci=usci(1), risk_class="A")
    services.add_target(agency_b, handler_b, name="甲公司", usci=usci(1), risk_class="D")
    with pytest.raises(PermissionDenied):
        services.add_target(agency_a, handler_b, name="乙公司", usci=usci(2), risk_class="B")


def test_certified_officers_is_the_inspector_register(inspectors_a, officer_b1, agency_a):
    assert list(services.certified_officers(agency_a)) == inspectors_a
    inspectors_a[0].is_active = False
    inspectors_a[0].save()
    assert list(services.certified_officers(agency_a)) == inspectors_a[1:]


def test_set_target_active_needs_permission(agency_a, handler_a, handler_b, reviewer_a):
    (target,) = add_targets(agency_a, handler_a, {"A": 1})
    for user in (handler_b, reviewer_a):
        with pytest.raises(PermissionDenied):
            services.set_target_active(target, user, False)
    target.refresh_from_db()
    assert target.is_active


def test_unknown_plan_fields_refused(agency_a, handler_a, item_a, plan_a):
    with pytest.raises(DomainError):
        services.create_plan(agency_a, handler_a, **plan_data(item_a, status="completed"))
    with pytest.raises(DomainError):
        services.update_plan(plan_a, handler_a, seed="00")
