"""Prior notice, statement and hearing windows, hearing rules, collective discussion,
decision gates and signals, withdrawal, the 90-day limit."""

import datetime as dt

import pytest
from django.utils import timezone

from sanxiang.cases import services, signals
from sanxiang.cases.models import CasePolicy, Stage
from sanxiang.cases.services import effects
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.workdays.calendar import add_workdays

from .conftest import days_ago, late, person_party


def test_decision_without_prior_notice_refused(flow, head_a):
    case = flow.in_decision()
    with pytest.raises(DomainError) as exc:
        services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="5000")
    assert "告知" in str(exc.value)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_no_penalty_decision_needs_no_notice(flow, head_a):
    case = flow.in_decision()
    services.decide(case, actor=head_a, outcome="no_penalty_unfounded", summary="事实不成立")
    case.refresh_from_db()
    assert case.stage == Stage.SERVICE


def test_notice_content_required(flow, handler_a):
    case = flow.in_decision()
    with pytest.raises(DomainError) as exc:
        services.send_prior_notice(
            case, handler_a, facts="", reasons="r", basis="", penalty_kinds=[]
        )
    assert "违法事实" in str(exc.value) and "依据" in str(exc.value)


def test_decision_before_statement_window_refused(flow, handler_a, head_a):
    case = flow.noticed(at=timezone.now())
    assert case.statement_deadline == add_workdays(timezone.localdate(), 3)
    with pytest.raises(DomainError) as exc:
        services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="5000")
    assert "陈述申辩期限" in str(exc.value)
    # a written waiver lets the decision be made at once
    with pytest.raises(DomainError):
        services.waive(case, handler_a, what="statement")  # no written evidence
    services.waive(case, handler_a, what="statement", note="本人放弃陈述申辩权利。张三")
    services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="5000")
    case.refresh_from_db()
    assert case.decision_at is not None


def test_statement_window_is_agency_configurable(flow, agency_a):
    CasePolicy.objects.create(agency=agency_a, statement_window_workdays=5)
    case = flow.noticed(at=timezone.now())
    assert case.statement_deadline == add_workdays(timezone.localdate(), 5)


def test_heavier_penalty_than_notified_refused(flow, head_a):
    case = flow.noticed()
    with pytest.raises(DomainError) as exc:
        services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="8000")
    assert "重新告知" in str(exc.value)
    with pytest.raises(DomainError):
        services.decide(
            case,
            actor=head_a,
            outcome="penalty",
            penalty_kinds=["fine", "revoke_licence"],
            fine="5000",
        )
    services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="4000")


def test_only_head_decides(flow, handler_a, reviewer_a, head_b):
    case = flow.noticed()
    for user in (handler_a, reviewer_a):
        with pytest.raises(PermissionDenied):
            services.decide(case, actor=user, outcome="penalty", penalty_kinds=["fine"], fine="1")
    with pytest.raises(PermissionDenied):
        services.decide(case, actor=head_b, outcome="penalty", penalty_kinds=["fine"], fine="1")


# --------------------------------------------------------------------------- hearing


def test_small_fine_gives_no_hearing_right(flow, handler_a):
    case = flow.noticed(fine="5000")
    assert not case.hearing_eligible
    with pytest.raises(DomainError) as exc:
        services.request_hearing(case, handler_a)
    assert "第六十三条" in str(exc.value)


def test_hearing_thresholds(flow, handler_a, head_a, officer_a1, officer_a2, power_a, agency_a):
    from tests.cases.conftest import Flow

    # organisation: 100,000 yuan default
    assert not flow.noticed(fine="99999").hearing_eligible
    assert flow.noticed(fine="100000").hearing_eligible
    # natural person: 10,000 yuan
    person = Flow(handler_a, head_a, [officer_a1, officer_a2], power_a, party=person_party())
    assert person.noticed(fine="10000").hearing_eligible
    # heavy kinds
    assert flow.noticed(fine=None, kinds=("revoke_licence",)).hearing_eligible
    # agency-configurable threshold
    CasePolicy.objects.create(agency=agency_a, hearing_fine_org=50000)
    assert flow.noticed(fine="60000").hearing_eligible


def test_hearing_request_window(flow, handler_a):
    notice = timezone.now() - dt.timedelta(days=30)
    case = flow.noticed(fine="200000", at=notice)
    assert case.hearing_eligible
    late = timezone.make_aware(
        dt.datetime.combine(case.hearing_request_deadline + dt.timedelta(days=1), dt.time(10))
    )
    with pytest.raises(DomainError) as exc:
        services.request_hearing(case, handler_a, requested_at=late)
    assert exc.value.code == ErrorCode.DEADLINE


def _hearing_case(flow, handler_a):
    case = flow.noticed(fine="200000", at=timezone.now() - dt.timedelta(days=40))
    requested = timezone.now() - dt.timedelta(days=39)
    services.request_hearing(case, handler_a, requested_at=requested, late_reason=late(requested))
    case.refresh_from_db()
    return case


def test_decision_waits_for_requested_hearing(flow, handler_a, head_a, chair_user):
    case = _hearing_case(flow, handler_a)
    with pytest.raises(DomainError) as exc:
        services.decide(
            case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="200000"
        )
    assert "听证" in str(exc.value)


def test_hearing_notice_seven_workdays(flow, handler_a, chair_user):
    case = _hearing_case(flow, handler_a)
    notified = timezone.now() - dt.timedelta(days=38)
    too_soon = notified + dt.timedelta(days=5)
    with pytest.raises(DomainError) as exc:
        services.schedule_hearing(
            case,
            handler_a,
            hearing_at=too_soon,
            place="听证室",
            chair=chair_user,
            notified_at=notified,
            late_reason=late(notified),
        )
    assert "七个工作日" in str(exc.value)
    ok = timezone.make_aware(
        dt.datetime.combine(add_workdays(timezone.localdate(notified), 7), dt.time(9, 30))
    )
    services.schedule_hearing(
        case,
        handler_a,
        hearing_at=ok,
        place="听证室",
        chair=chair_user,
        notified_at=notified,
        late_reason=late(notified),
    )


def test_hearing_chair_must_not_be_investigator(flow, handler_a, head_a, chair_user):
    case = _hearing_case(flow, handler_a)
    notified = timezone.now() - dt.timedelta(days=38)
    when = timezone.make_aware(
        dt.datetime.combine(add_workdays(timezone.localdate(notified), 8), dt.time(9, 30))
    )
    with pytest.raises(DomainError) as exc:
        services.schedule_hearing(
            case, handler_a, hearing_at=when, place="听证室", chair=handler_a, notified_at=notified
        )
    assert "调查人员" in str(exc.value)
    services.schedule_hearing(
        case,
        handler_a,
        hearing_at=when,
        place="听证室",
        chair=chair_user,
        notified_at=notified,
        late_reason=late(notified),
    )
    services.hold_hearing(
        case,
        handler_a,
        transcript_summary="当事人对罚款金额提出异议。",
        held_at=when,
        late_reason=late(when),
    )
    case.refresh_from_db()
    assert case.hearing_held
    services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="150000")


def test_absent_party_deemed_waived(flow, handler_a, head_a, chair_user):
    case = _hearing_case(flow, handler_a)
    notified = timezone.now() - dt.timedelta(days=38)
    when = timezone.make_aware(
        dt.datetime.combine(add_workdays(timezone.localdate(notified), 8), dt.time(9, 30))
    )
    services.schedule_hearing(
        case,
        handler_a,
        hearing_at=when,
        place="听证室",
        chair=chair_user,
        notified_at=notified,
        late_reason=late(notified),
    )
    services.hold_hearing(
        case,
        handler_a,
        transcript_summary="当事人未到场。",
        held_at=when,
        party_attended=False,
        late_reason=late(when),
    )
    case.refresh_from_db()
    assert case.hearing_waived and not case.hearing_held
    services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="200000")


# --------------------------------------------------------------------------- discussion


def test_collective_discussion_required(flow, handler_a, head_a, reviewer_a):
    case = flow.noticed()
    services.require_collective_discussion(case, reviewer_a, reason="案情复杂，涉及多个法律关系")
    with pytest.raises(DomainError) as exc:
        services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="5000")
    assert "集体讨论" in str(exc.value)
    with pytest.raises(DomainError):
        services.collective_discussion(
            case,
            head_a,
            held_at=days_ago(2),
            chair="钱局长",
            participants=["钱局长", "孙副局长"],
            minutes="m",
            conclusion="c",
        )
    services.collective_discussion(
        case,
        head_a,
        held_at=days_ago(2),
        chair="钱局长",
        participants=["钱局长", "孙副局长", "李副局长"],
        minutes="讨论记录：证人孙志强陈述……",
        conclusion="同意罚款五千元。",
    )
    # the minutes and the conclusion are typed text: in the leaf only as keyed digests (#11.4)
    from sanxiang.ledger import personal
    from sanxiang.ledger.models import Leaf

    leaf = Leaf.objects.filter(subject=case.subject).order_by("-index").first()
    data = leaf.payload["data"]
    assert "孙志强" not in leaf.content and "五千元" not in leaf.content
    assert personal.matches("讨论记录：证人孙志强陈述……", data["minutes"])
    assert personal.matches("同意罚款五千元。", data["conclusion"])
    services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="5000")


# --------------------------------------------------------------------------- gates and signals


def test_decision_gate_refuses_before_anything_is_written(flow, head_a, monkeypatch):
    case = flow.noticed()
    events_before = case.events.count()
    calls = []

    def gate(c, document, actor):
        calls.append((c.pk, document, actor))
        raise DomainError("未经法制审核，不得作出决定。", ErrorCode.REVIEW_REQUIRED)

    monkeypatch.setattr(effects, "review_gate", gate)
    with pytest.raises(DomainError) as exc:
        services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="5000")
    assert exc.value.code == ErrorCode.REVIEW_REQUIRED
    assert calls == [(case.pk, None, head_a)]
    case.refresh_from_db()
    assert case.decision_at is None and case.events.count() == events_before


def test_decision_issued_signal(flow, head_a):
    case = flow.noticed()
    got = []

    def receiver(sender, case, document, actor, **kw):
        got.append((case.pk, case.decision_outcome, actor))

    signals.decision_issued.connect(receiver)
    try:
        services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="5000")
    finally:
        signals.decision_issued.disconnect(receiver)
    assert got == [(case.pk, "penalty", head_a)]


def test_withdraw_decision(flow, head_a, handler_a):
    case = flow.decided()
    got = []

    def receiver(sender, case, reason, kind, actor, **kw):
        got.append(kind)

    signals.decision_withdrawn.connect(receiver)
    try:
        with pytest.raises(PermissionDenied):
            services.withdraw_decision(case, "revoked", "复议撤销", handler_a)
        services.withdraw_decision(
            case, "ordered_redone", "复议机关责令重新作出（云复决字〔2026〕3号）", head_a
        )
    finally:
        signals.decision_withdrawn.disconnect(receiver)
    assert got == ["ordered_redone"]
    case.refresh_from_db()
    assert case.stage == Stage.DECISION and case.decision_at is None


# --------------------------------------------------------------------------- time limits


def test_ninety_day_limit_and_extension(flow, head_a, handler_a):
    case = flow.noticed()
    case.deadline = timezone.localdate() - dt.timedelta(days=1)
    type(case).objects.filter(pk=case.pk).update(deadline=case.deadline)
    warnings = services.deadline_warnings(case)
    assert any(w["code"] == "deadline_overdue" for w in warnings)
    with pytest.raises(DomainError) as exc:
        services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="5000")
    assert "办案期限" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.extend_deadline(case, 30, "案情复杂", handler_a)
    services.extend_deadline(case, 30, "案情复杂，需要补充鉴定", head_a)
    case.refresh_from_db()
    assert case.extension_days == 30
    services.decide(case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="5000")


def test_deadline_is_90_days_and_warns(flow):
    case = flow.opened(at=timezone.now())
    assert case.deadline == timezone.localdate() + dt.timedelta(days=90)
    assert not any(w["code"].startswith("deadline") for w in services.deadline_warnings(case))
    soon = services.deadline_warnings(case, today=case.deadline - dt.timedelta(days=10))
    assert any(w["code"] == "deadline_soon" for w in soon)


def test_service_deadline_and_late_service(flow, handler_a, head_a):
    case = flow.noticed(at=days_ago(30))
    services.decide(
        case,
        actor=head_a,
        outcome="penalty",
        penalty_kinds=["fine"],
        fine="5000",
        decided_at=days_ago(20),
        late_reason=late(days_ago(20)),
    )
    case.refresh_from_db()
    assert case.service_deadline == add_workdays(timezone.localdate(days_ago(20)), 7)
    warnings = services.deadline_warnings(case, today=case.service_deadline + dt.timedelta(days=1))
    assert any(w["code"] == "service_overdue" for w in warnings)
    late_at = timezone.make_aware(
        dt.datetime.combine(case.service_deadline + dt.timedelta(days=1), dt.time(10))
    )
    services.serve(
        case,
        handler_a,
        method="direct",
        recipient="陈某",
        served_at=late_at,
        late_reason=late(late_at),
    )
    case.refresh_from_db()
    assert case.served_late and case.stage == Stage.EXECUTION
    assert "逾期" in case.events.last().summary


def test_electronic_service_needs_consent(flow, handler_a):
    case = flow.decided()
    with pytest.raises(DomainError) as exc:
        services.serve(case, handler_a, method="electronic", recipient="陈某")
    assert "确认书" in str(exc.value)
    services.serve(
        case, handler_a, method="electronic", recipient="chen@example.com", consent_confirmed=True
    )


def test_revoked_decision_case_can_be_terminated(flow, head_a, handler_a):
    case = flow.decided()
    services.serve(case, handler_a, method="direct", recipient="陈某")
    with pytest.raises(DomainError):
        services.terminate_case(case, head_a, reason="x")
    services.withdraw_decision(case, "revoked", "行政复议决定撤销（云复决字〔2026〕5号）", head_a)
    case.refresh_from_db()
    assert "terminate_case" in {a.code for a in services.available_actions(case, head_a)}
    services.terminate_case(case, head_a, reason="原决定已被撤销，终止执行。")
    case.refresh_from_db()
    assert case.stage == Stage.TERMINATED


def test_decision_needs_a_party(handler_a, head_a, officer_a1, officer_a2, powers_a):
    case = services.open_case(
        agency=handler_a.agency,
        actor=handler_a,
        act_type="inspection",
        title="检查",
        source="patrol",
        power=powers_a["inspection"],
        officers=[officer_a2],
    )
    services.approve_opening(case, head_a)
    services.start_investigation(case, handler_a)
    services.record_event(
        case,
        handler_a,
        activity="on_site_inspection",
        description="检查",
        officers=[officer_a1, officer_a2],
    )
    services.finish_investigation(case, handler_a, report="未发现问题")
    with pytest.raises(DomainError) as exc:
        services.decide(case, actor=head_a, outcome="compliant")
    assert "当事人" in str(exc.value)
