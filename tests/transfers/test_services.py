"""Transfers to the police (行政执法机关移送涉嫌犯罪案件的规定): rules and time limits."""

import datetime as dt

import pytest

from sanxiang.appeals import limits
from sanxiang.cases import services as cases
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger.models import Leaf
from sanxiang.transfers import services
from sanxiang.transfers.models import TransferStatus
from tests.cases.conftest import days_ago, late

pytestmark = pytest.mark.django_db

MATERIALS = ["涉嫌犯罪案件移送书", "涉嫌犯罪案件情况的调查报告", "涉案物品清单"]


def ago(n):
    return clock.today() - dt.timedelta(days=n)


def transfer(case, head, **kw):
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


def test_limits_are_calendar_days_extended_over_holidays():
    d = dt.date(2026, 9, 30)  # + 3 days = 3 October (国庆节)
    assert limits.days_limit(d, 3) > dt.date(2026, 10, 3)
    assert limits.days_limit(dt.date(2026, 6, 8), 3) == dt.date(2026, 6, 11)  # calendar days
    assert limits.hours_limit(dt.date(2026, 9, 30)) == dt.date(2026, 10, 1)  # 24 hours


def test_record_transfer_with_deadlines(flow, head_a):
    case = flow.in_decision()
    t = transfer(case, head_a)
    assert t.status == TransferStatus.TRANSFERRED
    assert t.approval_deadline == limits.days_limit(ago(9), 3)  # 第五条
    assert t.transfer_deadline == ago(7)  # 24 hours
    assert t.police_deadline == limits.days_limit(ago(8), 3)  # 第八条
    assert not t.approval_late and not t.transfer_late


def test_late_approval_and_late_transfer_are_flagged(flow, head_a):
    case = flow.in_decision()
    t = transfer(case, head_a, reported_on=ago(20), approved_on=ago(10), transferred_on=ago(8))
    assert t.approval_late and t.transfer_late
    texts = services.flags(t)
    assert any("3日" in f for f in texts) and any("24小时" in f for f in texts)


def test_materials_of_article_6_required(flow, head_a):
    case = flow.in_decision()
    with pytest.raises(DomainError) as e:
        transfer(case, head_a, materials=["涉案物品清单"])
    assert "第六条" in str(e.value) and "移送书" in str(e.value)


def test_only_the_head_of_the_agency_approves(flow, handler_a, head_b, supervisor):
    case = flow.in_decision()
    for user in (handler_a, head_b, supervisor):
        with pytest.raises(PermissionDenied):
            transfer(case, user)


def test_dates_in_order(flow, head_a):
    case = flow.in_decision()
    with pytest.raises(DomainError):
        transfer(case, head_a, approved_on=ago(10))  # before the report
    with pytest.raises(DomainError):
        transfer(case, head_a, transferred_on=ago(9))  # before approval
    with pytest.raises(DomainError):
        transfer(case, head_a, transferred_on=clock.today() + dt.timedelta(days=1))


def test_one_open_transfer_per_case(flow, head_a):
    case = flow.in_decision()
    transfer(case, head_a)
    with pytest.raises(DomainError) as e:
        transfer(case, head_a)
    assert e.value.code == ErrorCode.CONFLICT


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


def test_return_of_case_decided_as_transfer_reopens_the_decision(flow, handler_a, head_a):
    case = decided_as_transfer(flow)
    t = transfer(case, head_a)
    t = services.record_reply(
        t, handler_a, decision="not_filed", notified_on=ago(6), reasons="情节显著轻微"
    )
    with pytest.raises(DomainError):
        services.return_case(t, head_a, returned_on=ago(1), note="")
    with pytest.raises(PermissionDenied):
        services.return_case(t, handler_a, returned_on=ago(1), note="依法给予行政处罚")
    t = services.return_case(t, head_a, returned_on=ago(1), note="依法给予行政处罚")
    case.refresh_from_db()
    assert t.status == TransferStatus.RETURNED
    assert case.stage == "decision" and case.decision_at is None
    # after the return the case may be transferred again
    transfer(case, head_a, reported_on=ago(1), approved_on=ago(1), transferred_on=ago(1))


def test_return_of_undecided_case_keeps_its_stage(flow, handler_a, head_a):
    case = flow.in_decision()
    t = transfer(case, head_a)
    t = services.record_reply(t, handler_a, decision="not_filed", notified_on=ago(6), reasons="r")
    services.return_case(t, head_a, returned_on=ago(1), note="继续调查后依法处理")
    case.refresh_from_db()
    assert case.stage == "decision"


def test_other_agency_cannot_act(flow, handler_a, head_a, handler_b, head_b):
    case = flow.in_decision()
    t = transfer(case, head_a)
    with pytest.raises(PermissionDenied):
        services.record_reply(t, handler_b, decision="filed", notified_on=ago(6))
    t = services.record_reply(t, handler_a, decision="not_filed", notified_on=ago(6), reasons="r")
    with pytest.raises(PermissionDenied):
        services.return_case(t, head_b, returned_on=ago(1), note="x")


def test_every_step_is_ledgered(flow, handler_a, head_a):
    case = flow.in_decision()
    before = Leaf.objects.count()
    t = transfer(case, head_a)
    t = services.record_reply(t, handler_a, decision="filed", notified_on=ago(6))
    services.hand_over(t, handler_a, handed_over_on=ago(5))
    types = list(Leaf.objects.order_by("index").values_list("event_type", flat=True)[before:])
    assert types == ["transfers.recorded", "transfers.replied", "transfers.handed_over"]
