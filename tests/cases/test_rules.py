"""Art. 42 (two certified officers), parties' identity codes, simple procedure (art. 51/52),
activity checks, execution and archiving rules."""

import datetime as dt

import pytest
from django.utils import timezone

from sanxiang.cases import gates, services
from sanxiang.cases.models import CasePolicy, EventKind, Stage
from sanxiang.cases.services import effects
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.org import services as org

from .conftest import (
    COMPANY_USCI,
    LATE_REASON,
    PERSON_ID,
    company_party,
    days_ago,
    person_party,
)

# --------------------------------------------------------------------------- art. 42


def test_investigation_needs_two_certified_officers(handler_a, head_a, officer_a1, power_a):
    case = services.open_case(
        agency=handler_a.agency,
        actor=handler_a,
        act_type="penalty_general",
        title="x",
        source="patrol",
        power=power_a,
    )
    services.approve_opening(case, head_a)
    with pytest.raises(DomainError) as exc:
        services.start_investigation(case, handler_a)
    assert exc.value.code == ErrorCode.CERTIFICATE
    assert "第四十二条" in str(exc.value) and "仅 1 人" in str(exc.value)


def test_suspended_certificate_does_not_count(flow, officer_a2, handler_a, admin_user):
    case = flow.opened()
    cert = officer_a2.certificates.first()
    org.change_certificate_status(cert, "suspend", reason="违规执法", actor=admin_user)
    with pytest.raises(DomainError) as exc:
        services.start_investigation(case, handler_a)
    assert "暂扣" in str(exc.value)


def test_certificate_must_cover_field(handler_a, head_a, officer_a1, agency_a, powers_a):
    """An officer certified only for another field does not count."""
    from sanxiang.core.fields import EnforcementField
    from sanxiang.org.models import Role
    from tests.conftest import make_officer, make_user

    other = make_officer(
        make_user("h_env", Role.HANDLER, agency_a, "环保员"),
        EnforcementField.ENVIRONMENT,
        "TEST-A-ENV",
    )
    case = services.open_case(
        agency=agency_a,
        actor=handler_a,
        act_type="inspection",
        title="x",
        source="patrol",
        power=powers_a["inspection"],
        officers=[other],
    )
    services.approve_opening(case, head_a)
    with pytest.raises(DomainError) as exc:
        services.start_investigation(case, handler_a)
    assert "不含" in str(exc.value)


def test_activity_needs_two_officers_present(flow, handler_a, officer_a1):
    case = flow.investigating()
    with pytest.raises(DomainError):
        services.record_event(
            case, handler_a, activity="interview", description="询问当事人", officers=[officer_a1]
        )


def test_officer_of_other_agency_refused(flow, handler_a, officer_a1, officer_b1):
    case = flow.investigating()
    with pytest.raises(PermissionDenied):
        services.record_event(
            case,
            handler_a,
            activity="interview",
            description="询问",
            officers=[officer_a1, officer_b1],
        )
    with pytest.raises(PermissionDenied):
        services.add_handler(case, handler_a, officer_b1)


def test_activity_checks_hook(flow, handler_a, officer_a1, officer_a2):
    case = flow.investigating()

    def needs_video(c, activity, data, actor):
        if activity == "seizure" and not data.get("recording"):
            raise DomainError("查封扣押须全程音像记录，请先上传记录。")
        return ["请于两个工作日内上传音像记录。"] if activity else []

    gates.register_activity_check(needs_video)
    try:
        with pytest.raises(DomainError):
            services.record_event(
                case,
                handler_a,
                activity="seizure",
                description="扣押",
                officers=[officer_a1, officer_a2],
            )
        ev = services.record_event(
            case,
            handler_a,
            activity="sampling",
            description="抽样",
            officers=[officer_a1, officer_a2],
        )
    finally:
        gates.unregister_activity_check(needs_video)
    assert ev.data["warnings"] == ["请于两个工作日内上传音像记录。"]


def test_future_activity_refused(flow, handler_a, officer_a1, officer_a2):
    case = flow.investigating()
    with pytest.raises(DomainError):
        services.record_event(
            case,
            handler_a,
            activity="interview",
            description="x",
            officers=[officer_a1, officer_a2],
            at=timezone.now() + dt.timedelta(days=2),
        )


def test_finish_investigation_needs_activity(flow, handler_a):
    case = flow.opened()
    services.start_investigation(case, handler_a)
    with pytest.raises(DomainError) as exc:
        services.finish_investigation(case, handler_a, report="r")
    assert "调查取证活动" in str(exc.value)


# --------------------------------------------------------------------------- parties


@pytest.mark.parametrize(
    "party, fragment",
    [
        (person_party(id_number="110101199003077775"), "身份证"),
        (person_party(id_number=""), "身份证"),
        (company_party(usci="91110108MA01ABCD0C"), "统一社会信用代码"),
        (company_party(usci=""), "统一社会信用代码"),
        ({"party_type": "alien", "name": "x"}, "类别"),
    ],
)
def test_party_identity_validated(flow, handler_a, party, fragment):
    case = flow.opened()
    with pytest.raises(DomainError) as exc:
        services.add_party(case, handler_a, **party)
    assert fragment in str(exc.value)


def test_valid_parties(flow, handler_a):
    case = flow.opened()
    services.add_party(case, handler_a, **person_party())
    services.add_party(
        case, handler_a, party_type="individual_business", name="老王小吃店", id_number=PERSON_ID
    )
    services.add_party(case, handler_a, **company_party(usci=COMPANY_USCI.lower()))
    assert case.parties.count() == 4


# --------------------------------------------------------------------------- simple procedure


def _spot(handler, officers, power, **over):
    kw = dict(
        agency=handler.agency,
        actor=handler,
        power=power,
        party=person_party(),
        title="占道经营",
        facts="当事人在人行道上摆摊经营。",
        basis="《xx条例》第十条",
        penalty_kinds=["fine"],
        fine="200",
        officers=officers,
        place="城关镇解放路",
    )
    kw.update(over)
    return services.decide_on_the_spot(**kw)


def test_on_the_spot_limits(handler_a, officer_a1, officer_a2, power_a):
    officers = [officer_a1, officer_a2]
    with pytest.raises(DomainError) as exc:
        _spot(handler_a, officers, power_a, fine="201")
    assert "200" in str(exc.value) and "一般程序" in str(exc.value)
    with pytest.raises(DomainError):
        _spot(handler_a, officers, power_a, fine="3001", party=company_party())
    with pytest.raises(DomainError) as exc:
        _spot(handler_a, officers, power_a, penalty_kinds=["revoke_licence"], fine=None)
    assert "警告或者小额罚款" in str(exc.value)
    case = _spot(handler_a, officers, power_a, fine="3000", party=company_party())
    assert case.act_type == "penalty_simple" and case.stage == Stage.EXECUTION
    assert "简〔" in case.number


def test_on_the_spot_two_officers_unless_law_allows_one(handler_a, officer_a1, power_a, agency_a):
    with pytest.raises(DomainError) as exc:
        _spot(handler_a, [officer_a1], power_a)
    assert exc.value.code == ErrorCode.CERTIFICATE
    CasePolicy.objects.create(agency=agency_a, simple_single_officer_basis="某法第X条")
    assert _spot(handler_a, [officer_a1], power_a).pk


def test_on_the_spot_full_flow(handler_a, head_a, officer_a1, officer_a2, power_a):
    case = _spot(
        handler_a, [officer_a1, officer_a2], power_a, paid_on_spot=True, receipt_number="QH0001"
    )
    case.refresh_from_db()
    assert case.stage == Stage.CLOSING and case.paid_amount == 200
    with pytest.raises(DomainError) as exc:
        services.close_case(case, head_a, report="已缴清")
    assert "备案" in str(exc.value)
    services.file_simple_decision(case, handler_a)
    services.close_case(case, head_a, report="已缴清")
    services.archive_case(case, handler_a)
    case.refresh_from_db()
    assert case.stage == Stage.ARCHIVED
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[:3] == [EventKind.CREATED, EventKind.DECISION, EventKind.SERVICE]


def test_on_the_spot_warning_goes_to_closing(handler_a, officer_a1, officer_a2, power_a):
    case = _spot(handler_a, [officer_a1, officer_a2], power_a, penalty_kinds=["warning"], fine=None)
    assert case.stage == Stage.CLOSING


def test_simple_filing_overdue_warning(handler_a, officer_a1, officer_a2, power_a):
    case = _spot(
        handler_a,
        [officer_a1, officer_a2],
        power_a,
        decided_at=days_ago(20),
        late_reason=LATE_REASON,
    )
    warnings = services.deadline_warnings(case)
    assert any(w["code"] == "simple_filing_overdue" for w in warnings)
    services.file_simple_decision(case, handler_a)
    assert "逾期" in case.events.last().summary


def test_on_the_spot_gate_runs(handler_a, officer_a1, officer_a2, power_a, monkeypatch):
    from sanxiang.cases.models import Case

    def gate(c, d, a):
        raise DomainError("拒绝")

    monkeypatch.setattr(effects, "review_gate", gate)
    with pytest.raises(DomainError):
        _spot(handler_a, [officer_a1, officer_a2], power_a)
    assert not Case.objects.exists()


# --------------------------------------------------------------------------- execution


def test_payment_cannot_exceed_due(flow, handler_a):
    case = flow.decided()
    services.serve(case, handler_a, method="direct", recipient="陈某")
    with pytest.raises(DomainError):
        services.record_payment(case, handler_a, amount="6000")
    services.record_payment(case, handler_a, amount="2000", method="installment")
    case.refresh_from_db()
    assert case.stage == Stage.EXECUTION
    with pytest.raises(DomainError):
        services.record_enforcement(
            case, handler_a, kind="performed", description="x", completes=True
        )
    services.record_enforcement(
        case, handler_a, kind="court", description="已申请法院强制执行", completes=True
    )
    case.refresh_from_db()
    assert case.stage == Stage.CLOSING


def test_no_penalty_skips_execution(flow, handler_a, head_a):
    case = flow.in_decision()
    services.decide(case, actor=head_a, outcome="no_penalty_minor", summary="首违不罚")
    services.serve(case, handler_a, method="direct", recipient="陈某")
    case.refresh_from_db()
    assert case.stage == Stage.CLOSING and case.execution_done


def test_archive_needs_closing(flow, handler_a, head_a):
    case = flow.decided()
    services.serve(case, handler_a, method="direct", recipient="陈某")
    services.record_payment(case, handler_a, amount="5000")
    with pytest.raises(DomainError):
        services.archive_case(case, handler_a)
    with pytest.raises(PermissionDenied):
        services.close_case(case, handler_a, report="x")
    services.close_case(case, head_a, report="结案")
    services.archive_case(case, handler_a)


def test_inspection_flow(handler_a, head_a, officer_a1, officer_a2, powers_a):
    case = services.open_case(
        agency=handler_a.agency,
        actor=handler_a,
        act_type="inspection",
        title="食品经营者日常监督检查",
        source="random_inspection",
        power=powers_a["inspection"],
        officers=[officer_a2],
        parties=[company_party()],
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
    services.decide(case, actor=head_a, outcome="compliant")
    case.refresh_from_db()
    assert case.stage == Stage.CLOSING


def test_available_actions(flow, handler_a, head_a, handler_b, reviewer_a):
    case = flow.noticed()
    codes = {a.code for a in services.available_actions(case, head_a)}
    assert "decide" in codes and "approve_opening" not in codes
    codes = {a.code for a in services.available_actions(case, handler_a)}
    assert "record_statement" in codes and "decide" not in codes
    assert services.available_actions(case, handler_b) == []
    assert "require_collective_discussion" in {
        a.code for a in services.available_actions(case, reviewer_a)
    }


def test_supplementary_investigation_in_decision_stage_needs_two(flow, handler_a, officer_a1):
    case = flow.in_decision()
    with pytest.raises(DomainError):
        services.record_event(
            case, handler_a, activity="interview", description="补充询问", officers=[officer_a1]
        )
