"""The general-procedure lifecycle end to end, and the stage machine's refusals."""

import pytest

from sanxiang.cases import services
from sanxiang.cases.models import Case, CaseEvent, EventKind, OpeningStatus, Stage
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger.models import Leaf

from .conftest import LATE_REASON, days_ago


def test_full_general_procedure(flow, handler_a, head_a):
    case = flow.decided()
    assert case.stage == Stage.SERVICE
    assert case.service_deadline is not None
    services.serve(
        case,
        handler_a,
        method="direct",
        recipient="陈某",
        served_at=days_ago(9),
        late_reason=LATE_REASON,
    )
    case.refresh_from_db()
    assert case.stage == Stage.EXECUTION
    services.record_payment(
        case,
        handler_a,
        amount="5000",
        receipt_number="NO.1",
        paid_at=days_ago(5),
        late_reason=LATE_REASON,
    )
    case.refresh_from_db()
    assert case.stage == Stage.CLOSING and case.execution_done
    services.close_case(case, head_a, report="罚款已缴清，予以结案。")
    services.archive_case(case, handler_a, location="档案室A-3")
    case.refresh_from_db()
    assert case.stage == Stage.ARCHIVED
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[0] == EventKind.CREATED and kinds[-1] == EventKind.ARCHIVED
    # every event is a ledger leaf about this case
    indices = list(case.events.values_list("ledger_index", flat=True))
    assert None not in indices
    leaves = Leaf.objects.filter(index__in=indices)
    assert leaves.count() == len(indices)
    assert {leaf.subject for leaf in leaves} == {f"case:{case.pk}"}
    types = set(leaves.values_list("event_type", flat=True))
    assert {"case.opened", "case.transition", "case.decision_issued", "case.archived"} <= types


def test_number_assigned_on_approval_and_sequential(flow):
    a = flow.opened()
    b = flow.opened()
    assert a.number.endswith("1号") and b.number.endswith("2号")
    assert "立〔" in a.number
    assert a.opening_status == OpeningStatus.APPROVED


def test_investigation_needs_opening_approval(flow, handler_a, officer_a1, officer_a2, power_a):
    case = services.open_case(
        agency=handler_a.agency,
        actor=handler_a,
        act_type="penalty_general",
        title="x",
        source="patrol",
        power=power_a,
        officers=[officer_a2],
    )
    with pytest.raises(DomainError) as exc:
        services.start_investigation(case, handler_a)
    assert "批准" in str(exc.value)


def test_skipping_a_stage_is_refused(flow, handler_a, head_a):
    case = flow.opened()
    # decision straight from opening
    with pytest.raises(DomainError) as exc:
        services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["warning"])
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    with pytest.raises(DomainError):
        services.serve(case, handler_a, method="direct", recipient="x")
    with pytest.raises(DomainError):
        services.close_case(case, head_a, report="x")
    with pytest.raises(DomainError):
        services.archive_case(case, handler_a)
    with pytest.raises(DomainError):
        services.finish_investigation(case, handler_a, report="x")
    case.refresh_from_db()
    assert case.stage == Stage.OPENING


def test_move_helper_refuses_skip(flow):
    from sanxiang.cases.services import _base

    case = flow.opened()
    with pytest.raises(DomainError) as exc:
        _base.move(case, Stage.DECISION, None)
    assert "不得跳过" in str(exc.value)


def test_other_agency_cannot_act(flow, handler_b, head_b):
    case = flow.opened()
    with pytest.raises(PermissionDenied):
        services.start_investigation(case, handler_b)
    with pytest.raises(PermissionDenied):
        services.terminate_case(case, head_b, reason="x")
    with pytest.raises(PermissionDenied):
        services.add_party(
            case, handler_b, party_type="natural_person", name="x", id_number="110101199003077774"
        )


def test_handler_not_assigned_cannot_act(flow, agency_a):
    from sanxiang.org.models import Role
    from tests.conftest import make_user

    case = flow.opened()
    stranger = make_user("handler_x", Role.HANDLER, agency_a, "外人")
    with pytest.raises(PermissionDenied):
        services.start_investigation(case, stranger)


def test_only_head_approves(flow, handler_a, officer_a1, officer_a2, power_a, reviewer_a):
    case = services.open_case(
        agency=handler_a.agency,
        actor=handler_a,
        act_type="penalty_general",
        title="x",
        source="patrol",
        power=power_a,
        officers=[officer_a2],
    )
    for user in (handler_a, reviewer_a):
        with pytest.raises(PermissionDenied):
            services.approve_opening(case, user)


def test_power_of_other_agency_refused(handler_a, officer_a1, powers_b):
    power_b = next(iter(powers_b.values()))
    with pytest.raises(PermissionDenied):
        services.open_case(
            agency=handler_a.agency,
            actor=handler_a,
            act_type="penalty_general",
            title="x",
            source="patrol",
            power=power_b,
        )


def test_power_category_must_match(handler_a, officer_a1, powers_a):
    with pytest.raises(DomainError) as exc:
        services.open_case(
            agency=handler_a.agency,
            actor=handler_a,
            act_type="penalty_general",
            title="x",
            source="patrol",
            power=powers_a["inspection"],
        )
    assert "不一致" in str(exc.value)


def test_catalog_version_recorded(flow):
    case = flow.opened()
    assert case.catalog_version
    assert case.power_snapshot["code"] == "SJ-CF-001"
    assert case.power_snapshot["version"]["number"] == 1


def test_open_in_other_agency_refused(handler_a, agency_b, powers_b):
    with pytest.raises(PermissionDenied):
        services.open_case(
            agency=agency_b, actor=handler_a, act_type="inspection", title="x", source="patrol"
        )


def test_case_event_is_append_only(flow):
    from django.db import IntegrityError, transaction

    case = flow.opened()
    event = case.events.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(summary="篡改")
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()


def test_reject_opening_terminates(handler_a, head_a, officer_a1, power_a):
    case = services.open_case(
        agency=handler_a.agency,
        actor=handler_a,
        act_type="penalty_general",
        title="x",
        source="patrol",
        power=power_a,
    )
    with pytest.raises(DomainError):
        services.reject_opening(case, head_a, reason="  ")
    services.reject_opening(case, head_a, reason="违法事实不存在")
    case.refresh_from_db()
    assert case.stage == Stage.TERMINATED and case.opening_status == OpeningStatus.REJECTED
    assert case.number == ""


def test_terminated_case_is_dead(flow, handler_a, head_a):
    case = flow.investigating()
    services.terminate_case(case, head_a, reason="当事人已注销且违法行为轻微")
    with pytest.raises(DomainError):
        services.record_event(case, handler_a, description="x")
    assert Case.objects.get(pk=case.pk).stage == Stage.TERMINATED
