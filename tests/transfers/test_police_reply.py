"""The police's 立案 / 不予立案, the agency's 复议 and 立案监督, the hand-over (第八条、第九条、第十二条)."""

import datetime as dt

import pytest

from sanxiang.appeals import limits
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.transfers import services
from sanxiang.transfers.models import TransferStatus
from tests.transfers.conftest import ago, transfer

pytestmark = pytest.mark.django_db


def test_filed_then_hand_over_within_3_days(flow, handler_a, head_a):
    case = flow.in_decision()
    t = transfer(case, head_a)
    t = services.record_reply(t, handler_a, decision="filed", notified_on=ago(6))
    assert t.status == TransferStatus.FILED and not t.police_late
    assert t.handover_deadline == limits.days_limit(ago(6), 3)  # 第十二条
    with pytest.raises(DomainError):
        services.return_case(t, head_a, returned_on=ago(1), note="x")  # illegal transition
    t = services.hand_over(t, handler_a, handed_over_on=ago(1))
    assert t.status == TransferStatus.HANDED_OVER and t.handover_late


def test_police_late_decision_flagged(flow, handler_a, head_a):
    case = flow.in_decision()
    t = transfer(case, head_a)
    t = services.record_reply(t, handler_a, decision="filed", notified_on=ago(1))
    assert t.police_late
    assert any("第八条" in f for f in services.flags(t))


def test_not_filed_needs_reasons(flow, handler_a, head_a):
    case = flow.in_decision()
    t = transfer(case, head_a)
    with pytest.raises(DomainError):
        services.record_reply(t, handler_a, decision="not_filed", notified_on=ago(6))


def test_reply_before_transfer_refused(flow, handler_a, head_a):
    case = flow.in_decision()
    t = transfer(case, head_a)
    with pytest.raises(DomainError):
        services.record_reply(t, handler_a, decision="filed", notified_on=ago(9))


def test_reconsideration_within_3_days_only(flow, handler_a, head_a):
    case = flow.in_decision()
    t = transfer(case, head_a)
    t = services.record_reply(
        t, handler_a, decision="not_filed", notified_on=ago(7), reasons="未达追诉标准"
    )
    assert t.reconsideration_deadline == limits.days_limit(ago(7), 3)
    late_day = t.reconsideration_deadline + dt.timedelta(days=1)
    if late_day <= clock.today():
        with pytest.raises(DomainError) as e:
            services.request_reconsideration(t, head_a, requested_on=late_day)
        assert e.value.code == ErrorCode.DEADLINE
    with pytest.raises(PermissionDenied):
        services.request_reconsideration(t, handler_a, requested_on=ago(6))
    t = services.request_reconsideration(t, head_a, requested_on=ago(6))
    assert t.status == TransferStatus.RECONSIDERATION
    t = services.record_reconsideration(
        t, handler_a, decision="not_filed", notified_on=ago(5), reasons="维持"
    )
    assert t.status == TransferStatus.NOT_FILED
    with pytest.raises(DomainError):  # only one 复议
        services.request_reconsideration(t, head_a, requested_on=ago(4))
    # 立案监督 within 3 days of the 复议决定通知书
    with pytest.raises(DomainError):
        services.suggest_procuratorate(t, head_a, suggested_on=ago(1))
    t = services.suggest_procuratorate(t, head_a, suggested_on=ago(4), note="建议立案监督")
    assert t.procuratorate_on == ago(4)


def test_reconsideration_leading_to_filing(flow, handler_a, head_a):
    case = flow.in_decision()
    t = transfer(case, head_a)
    t = services.record_reply(t, handler_a, decision="not_filed", notified_on=ago(7), reasons="r")
    t = services.request_reconsideration(t, head_a, requested_on=ago(6))
    t = services.record_reconsideration(t, handler_a, decision="filed", notified_on=ago(5))
    assert t.status == TransferStatus.FILED
    assert t.handover_deadline == limits.days_limit(ago(5), 3)


def test_other_agency_cannot_act(flow, handler_a, head_a, handler_b, head_b):
    case = flow.in_decision()
    t = transfer(case, head_a)
    with pytest.raises(PermissionDenied):
        services.record_reply(t, handler_b, decision="filed", notified_on=ago(6))
    t = services.record_reply(t, handler_a, decision="not_filed", notified_on=ago(6), reasons="r")
    with pytest.raises(PermissionDenied):
        services.return_case(t, head_b, returned_on=ago(1), note="x")
