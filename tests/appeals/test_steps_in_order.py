"""复议/诉讼 steps in their lawful order (登记 → 受理 → 结果), by the agency's recorders only."""

import datetime as dt

import pytest

from sanxiang.appeals import limits, services
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from tests.appeals.conftest import ago, decided_appeal, pdf, recon

pytestmark = pytest.mark.django_db


def test_outcome_before_acceptance_is_refused(flow, handler_a, head_a):
    case = flow.decided()
    a = recon(case, handler_a)
    with pytest.raises(DomainError) as e:
        services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(1), document=pdf())
    assert e.value.code == ErrorCode.ILLEGAL_TRANSITION
    # a withdrawal (撤回) needs no acceptance
    services.record_outcome(a, handler_a, outcome="withdrawn", decided_on=ago(1), document=pdf())


def test_no_appeal_before_a_decision(flow, handler_a):
    case = flow.noticed()
    with pytest.raises(DomainError) as e:
        recon(case, handler_a)
    assert e.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_dates_in_order_and_not_in_the_future(flow, handler_a, head_a):
    case = flow.decided()
    with pytest.raises(DomainError):
        recon(case, handler_a, applied_on=ago(20))  # before the decision (days_ago(10))
    with pytest.raises(DomainError):
        recon(case, handler_a, applied_on=clock.today() + dt.timedelta(days=1))
    a = recon(case, handler_a)
    with pytest.raises(DomainError):
        services.accept(a, handler_a, accepted_on=ago(6))
    services.accept(a, handler_a, accepted_on=ago(4))
    with pytest.raises(DomainError):
        services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(5), document=pdf())


def test_outcome_twice_and_accept_twice_refused(flow, handler_a, head_a):
    case = flow.decided()
    a = decided_appeal(case, handler_a, head_a)
    with pytest.raises(DomainError) as e:
        services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(1), document=pdf())
    assert e.value.code == ErrorCode.CONFLICT
    with pytest.raises(DomainError):
        services.accept(a, handler_a, accepted_on=ago(1))


def test_no_litigation_while_reconsideration_pending(flow, handler_a, head_a):
    """行政复议法第二十九条."""
    case = flow.decided()
    r = recon(case, handler_a)
    services.accept(r, handler_a, accepted_on=ago(4))
    with pytest.raises(DomainError) as e:
        services.record_appeal(
            case, handler_a, kind="litigation", body="测试县人民法院", applied_on=ago(2)
        )
    assert "第二十九条" in str(e.value)
    with pytest.raises(DomainError):
        services.record_appeal(
            case, handler_a, kind="litigation", body="法院", applied_on=ago(2), prior=r
        )
    r = services.record_outcome(r, head_a, outcome="upheld", decided_on=ago(3), document=pdf())
    lit = services.record_appeal(
        case,
        handler_a,
        kind="litigation",
        body="测试县人民法院",
        applied_on=ago(1),
        prior=r,
        prior_received_on=ago(2),
    )
    assert lit.application_deadline == limits.days_limit(ago(2), 15)  # 行政诉讼法第四十五条


def test_revocation_needs_the_head(flow, handler_a):
    case = flow.decided()
    a = recon(case, handler_a)
    services.accept(a, handler_a, accepted_on=ago(4))
    with pytest.raises(PermissionDenied):
        services.record_outcome(a, handler_a, outcome="revoked", decided_on=ago(1), document=pdf())


def test_other_agency_and_supervisor_refused(flow, handler_b, head_b, supervisor):
    case = flow.decided()
    for user in (handler_b, head_b, supervisor):
        with pytest.raises(PermissionDenied):
            recon(case, user)
