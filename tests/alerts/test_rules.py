"""Each rule: one test that creates the condition (alert raised) and one that does not."""

import datetime as dt
from decimal import Decimal

import pytest

from sanxiang.alerts.rules import RULES, get_rule
from sanxiang.cases.models import OpeningStatus, Stage
from sanxiang.org.models import Officer, Role

from .conftest import (
    TODAY,
    activity,
    add_handler,
    add_party,
    at,
    decided_case,
    discretion_for,
    live,
    make_case,
    make_review,
    publication,
    run,
)

pytestmark = pytest.mark.django_db


def test_catalogue_of_rules_is_complete_and_documented():
    numbers = [r.number for r in RULES]
    assert numbers == sorted(numbers)
    assert set(numbers) >= {1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
    assert len({r.code for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.title and rule.basis and rule.description
        assert rule.severity in ("high", "medium", "low")
        assert get_rule(rule.code) is rule


# 1 ------------------------------------------------------------------ publication overdue


def test_publication_overdue_raises(agency_a):
    pub = publication(agency_a, 1)
    run("publication_overdue")
    [alert] = live("publication_overdue")
    assert alert.record_key == f"publication:{pub.pk}" and alert.agency == agency_a
    assert "2026-11-11" in alert.detail


def test_publication_within_deadline_or_on_time_no_alert(agency_a):
    publication(agency_a, 1, due_date=dt.date(2026, 11, 30))
    publication(
        agency_a, 2, status="published", published_at=at(dt.date(2026, 11, 5)), published_late=False
    )
    run("publication_overdue")
    assert live("publication_overdue") == []


def test_publication_published_late_raises(agency_a):
    publication(
        agency_a, 3, status="published", published_at=at(dt.date(2026, 11, 16)), published_late=True
    )
    run("publication_overdue")
    assert "逾期" in live("publication_overdue")[0].detail


# 2 ------------------------------------------------------------------------ review overdue


def test_review_overdue_raises(agency_a):
    review = make_review(make_case(agency_a, 1), status="in_review", outcome="")
    run("review_overdue")
    [alert] = live("review_overdue")
    assert alert.record_key == f"review:{review.pk}" and "2026-11-20" in alert.detail


def test_review_within_deadline_no_alert(agency_a):
    make_review(make_case(agency_a, 1), status="in_review", outcome="", deadline=TODAY)
    make_review(make_case(agency_a, 2))  # concluded, past its deadline: not overdue
    run("review_overdue")
    assert live("review_overdue") == []


def test_review_extended_twice_raises(agency_a):
    from sanxiang.review.models import DeadlineExtension

    review = make_review(make_case(agency_a, 1))
    for n in (1, 2):
        DeadlineExtension.objects.create(
            review=review,
            reason="材料复杂",
            current_deadline=dt.date(2026, 11, n),
            new_deadline=dt.date(2026, 11, n + 5),
            status="approved",
        )
    run("review_overdue")
    assert "延长 2 次" in live("review_overdue")[0].detail


# 3 / 4 ------------------------------------------------------------------------- A/V


@pytest.fixture
def requires_inspection(monkeypatch):
    def fake(agency, case_act_type, activity, on_date=None):
        return object() if activity == "on_site_inspection" else None

    monkeypatch.setattr("sanxiang.catalog.services.recording_required", fake)


def test_av_upload_overdue_raises(agency_a, officer_a1, officer_a2, requires_inspection):
    case = make_case(agency_a, 1)
    activity(case, [officer_a1, officer_a2], dt.date(2026, 11, 2))
    run("av_upload_overdue")
    [alert] = live("av_upload_overdue")
    assert alert.record_key == f"case:{case.pk}:av:on_site_inspection:2026-11-02"


def test_av_within_two_workdays_no_alert(agency_a, officer_a1, officer_a2, requires_inspection):
    case = make_case(agency_a, 1)
    activity(case, [officer_a1, officer_a2], dt.date(2026, 11, 20))  # due 2026-11-24
    run("av_upload_overdue")
    assert live("av_upload_overdue") == []


def test_av_overdue_with_pending_waiver_no_alert(
    agency_a, officer_a1, officer_a2, handler_a, requires_inspection
):
    from sanxiang.records.models import RecordingWaiver

    case = make_case(agency_a, 1)
    activity(case, [officer_a1, officer_a2], dt.date(2026, 11, 2))
    RecordingWaiver.objects.create(
        agency=agency_a,
        case=case,
        activity="on_site_inspection",
        activity_date=dt.date(2026, 11, 2),
        reason="执法记录仪故障",
        requested_by=handler_a,
    )
    run("av_upload_overdue")
    assert live("av_upload_overdue") == []


def test_listed_act_without_av_on_decided_case_raises(
    agency_a, officer_a1, officer_a2, requires_inspection
):
    case = decided_case(agency_a, 1, 3000)
    activity(case, [officer_a1, officer_a2], dt.date(2026, 10, 20))
    run("listed_act_without_av")
    [alert] = live("listed_act_without_av")
    assert "已作出决定" in alert.detail


def test_listed_act_without_av_undecided_or_unlisted_no_alert(
    agency_a, officer_a1, officer_a2, requires_inspection
):
    activity(make_case(agency_a, 1), [officer_a1, officer_a2], dt.date(2026, 10, 20))
    decided = decided_case(agency_a, 2, 3000)
    activity(decided, [officer_a1, officer_a2], dt.date(2026, 10, 20), kind="interview")
    run("listed_act_without_av")
    assert live("listed_act_without_av") == []


# 6 ------------------------------------------------------------------ fine outside tier


def test_fine_outside_tier_raises(agency_a, tiers):
    case = decided_case(agency_a, 1, 9000)
    make_review(case, discretion=discretion_for(tiers["一般"], 9000))
    run("fine_outside_tier")
    [alert] = live("fine_outside_tier")
    assert "高于该档次上限" in alert.detail


def test_fine_inside_tier_no_alert(agency_a, tiers):
    case = decided_case(agency_a, 1, 5000)
    make_review(case, discretion=discretion_for(tiers["一般"], 5000))
    decided_case(agency_a, 2, 90000)  # no tier recorded: nothing to compare
    run("fine_outside_tier")
    assert live("fine_outside_tier") == []


# 7 ------------------------------------------------------------- same handler and party


def _same_party_cases(agency, officer, count):
    for n in range(1, count + 1):
        case = make_case(agency, n)
        add_handler(case, officer)
        add_party(case)


def test_same_handler_and_party_more_than_n_raises(agency_a, officer_a1):
    _same_party_cases(agency_a, officer_a1, 4)
    run("same_handler_party")
    [alert] = live("same_handler_party")
    assert "4 件" in alert.detail and len(alert.links) == 4
    assert "91339999" not in alert.record_key  # no identifying data in the ledgered key


def test_same_handler_and_party_at_limit_no_alert(agency_a, officer_a1, settings):
    _same_party_cases(agency_a, officer_a1, 3)
    run("same_handler_party")
    assert live("same_handler_party") == []
    settings.SANXIANG_ALERT_SAME_PARTY_MAX = 2
    run("same_handler_party")
    assert len(live("same_handler_party")) == 1


# 8 ------------------------------------------------------------ repeated minimum fines


def _minimum_fines(agency, officer, tier, count, fine=2000):
    for n in range(1, count + 1):
        case = decided_case(agency, n, fine)
        add_handler(case, officer)
        make_review(case, discretion=discretion_for(tier, fine))


def test_repeated_minimum_fines_raises(agency_a, officer_a1, tiers):
    _minimum_fines(agency_a, officer_a1, tiers["一般"], 5)
    run("repeated_minimum_fines")
    [alert] = live("repeated_minimum_fines")
    assert alert.record_key == f"officer:{officer_a1.pk}:minimum-fines"


def test_fewer_minimum_fines_no_alert(agency_a, officer_a1, tiers):
    _minimum_fines(agency_a, officer_a1, tiers["一般"], 4)
    _minimum_fines(agency_a, officer_a1, tiers["一般"], 0)
    case = decided_case(agency_a, 9, 2500)  # above the minimum
    add_handler(case, officer_a1)
    make_review(case, discretion=discretion_for(tiers["一般"], 2500))
    run("repeated_minimum_fines")
    assert live("repeated_minimum_fines") == []


# 9 --------------------------------------------------------------------- case stalled


def test_case_past_its_time_limit_raises(agency_a):
    case = make_case(agency_a, 1, deadline=dt.date(2026, 11, 1))
    run("case_stalled")
    [alert] = live("case_stalled")
    assert alert.record_key == f"case:{case.pk}:deadline_overdue"


def test_pending_opening_past_15_workdays_raises(agency_a):
    from sanxiang.cases.models import Case

    case = make_case(
        agency_a, 1, stage=Stage.OPENING, opening_status=OpeningStatus.PENDING, deadline=None
    )
    Case.objects.filter(pk=case.pk).update(created_at=at(dt.date(2026, 10, 9)))
    run("case_stalled")
    assert live("case_stalled")[0].record_key == f"case:{case.pk}:opening"


def test_case_within_limits_no_alert(agency_a):
    make_case(agency_a, 1)  # deadline 2027-01-08
    make_case(agency_a, 2, stage=Stage.OPENING, opening_status=OpeningStatus.PENDING)
    make_case(agency_a, 3, stage=Stage.ARCHIVED, deadline=dt.date(2026, 1, 1))
    run("case_stalled")
    assert live("case_stalled") == []


# 10 / 11 ---------------------------------------------------------------- certificates


def test_expired_certificate_on_act_raises(agency_a, officer_a1, handler_a2):
    from tests.conftest import make_officer

    expired = make_officer(
        handler_a2,
        "market",
        "TEST-A-0099",
        issued=dt.date(2020, 1, 1),
        expires=dt.date(2026, 6, 30),
    )
    case = make_case(agency_a, 1)
    activity(case, [officer_a1, expired], dt.date(2026, 10, 20))
    run("certificate_problem")
    [alert] = live("certificate_problem")
    assert "过期" in alert.detail and expired.name in alert.detail


def test_out_of_field_certificate_on_act_raises(agency_a, officer_a1, officer_b1):
    case = make_case(agency_a, 1)
    activity(case, [officer_a1, officer_b1], dt.date(2026, 10, 20))
    run("certificate_problem")
    assert "不含该执法类别" in live("certificate_problem")[0].detail


def test_valid_certificates_or_revoked_after_the_act_no_alert(agency_a, officer_a1, officer_a2):
    from sanxiang.org import services as org

    case = make_case(agency_a, 1)
    activity(case, [officer_a1, officer_a2], dt.date(2026, 10, 20))
    org.change_certificate_status(
        officer_a2.certificates.get(), "revoke", reason="调离执法岗位"
    )  # revoked today, after the act
    run("certificate_problem")
    assert live("certificate_problem") == []


def test_one_certified_officer_on_investigation_raises(agency_a, officer_a1):
    case = make_case(agency_a, 1)
    activity(case, [officer_a1], dt.date(2026, 10, 20))
    run("too_few_officers")
    [alert] = live("too_few_officers")
    assert "持有效执法证 1 人" in alert.detail


def test_two_certified_officers_no_alert(agency_a, officer_a1, officer_a2):
    case = make_case(agency_a, 1)
    activity(case, [officer_a1, officer_a2], dt.date(2026, 10, 20))
    licence = make_case(agency_a, 2, act_type="licensing")  # one officer is allowed
    activity(licence, [officer_a1], dt.date(2026, 10, 20))
    run("too_few_officers")
    assert live("too_few_officers") == []


# 12 / 13 ---------------------------------------------------------------------- reviewers


def test_reviewer_on_case_team_raises(agency_a, reviewer_a, officer_a1):
    case = make_case(agency_a, 1)
    add_handler(case, officer_a1)
    add_handler(case, Officer.objects.create(agency=agency_a, user=reviewer_a, name="赵审核"))
    review = make_review(case, reviewer=reviewer_a)
    run("reviewer_on_team")
    [alert] = live("reviewer_on_team")
    assert alert.record_key == f"review:{review.pk}"


def test_reviewer_not_on_team_no_alert(agency_a, reviewer_a, officer_a1):
    case = make_case(agency_a, 1)
    add_handler(case, officer_a1)
    make_review(case, reviewer=reviewer_a)
    run("reviewer_on_team")
    assert live("reviewer_on_team") == []


def test_reviewers_below_five_percent_raises(agency_a, officer_a1, officer_a2):
    run("few_reviewers")
    [alert] = live("few_reviewers")
    assert alert.record_key == f"agency:{agency_a.pk}" and "法制审核人员 0 人" in alert.detail


def test_enough_reviewers_no_alert(agency_a, officer_a1, officer_a2, reviewer_a, agency_b):
    run("few_reviewers")  # agency_b has no officers: no ratio to check
    assert live("few_reviewers") == []


def test_reviewer_ratio_counts_only_active(agency_a, officer_a1, reviewer_a):
    from tests.conftest import make_user

    for n in range(20):
        Officer.objects.create(agency=agency_a, name=f"执法{n}")
    make_user("rev2", Role.REVIEWER, agency_a)
    run("few_reviewers")  # 2 reviewers for 21 officers: 9.5 %
    assert live("few_reviewers") == []
    for n in range(20, 40):
        Officer.objects.create(agency=agency_a, name=f"执法{n}")
    run("few_reviewers")  # 2 for 41: 4.9 %
    assert len(live("few_reviewers")) == 1


# 14 ------------------------------------------------------------------------- complaints


def _complaint(agency, number, clock_start, status="submitted"):
    from sanxiang.complaints.models import Complaint

    return Complaint.objects.create(
        number=number,
        kind="complaint",
        agency=agency,
        original_agency=agency,
        content="执法人员态度粗暴",
        code_hash="0" * 64,
        status=status,
        submitted_at=at(clock_start),
        clock_start=clock_start,
    )


def test_complaint_overdue_raises(agency_a):
    _complaint(agency_a, "TS20261101001", dt.date(2026, 11, 2))
    run("complaint_overdue")
    [alert] = live("complaint_overdue")
    assert alert.record_key == "complaint:TS20261101001" and "受理期限" in alert.detail


def test_complaint_in_time_or_concluded_no_alert(agency_a):
    _complaint(agency_a, "TS20261120001", dt.date(2026, 11, 20))
    _complaint(agency_a, "TS20261001001", dt.date(2026, 10, 1), status="concluded")
    run("complaint_overdue")
    assert live("complaint_overdue") == []


# 15 ------------------------------------------------------------------ decision corrected


def test_withdrawn_after_review_raises(agency_a):
    pub = publication(
        agency_a,
        1,
        status="withdrawn",
        withdrawal_kind="revoked",
        withdrawal_reason="行政复议决定撤销",
        withdrawn_at=at(dt.date(2026, 11, 18)),
    )
    run("decision_corrected")
    [alert] = live("decision_corrected")
    assert alert.record_key == f"publication:{pub.pk}" and "撤销" in alert.detail


def test_removed_early_is_not_a_correction(agency_a):
    publication(agency_a, 1, status="removed", removed_reason="信用修复")
    publication(agency_a, 2, status="published", published_at=at(dt.date(2026, 11, 5)))
    run("decision_corrected")
    assert live("decision_corrected") == []


# 16 -------------------------------------------------------------------------- integrity


def test_document_fixity_alert_raises(agency_a):
    from sanxiang.documents.models import Document, DocumentFixityAlert

    case = make_case(agency_a, 1)
    doc = Document.objects.create(
        agency=agency_a, case=case, kind="penalty_decision", title="决定书"
    )
    DocumentFixityAlert.objects.create(
        agency=agency_a,
        document=doc,
        file_format="pdf",
        problem="mismatch",
        expected_sha256="a" * 64,
        actual_sha256="b" * 64,
        at=at(TODAY),
    )
    run("integrity_failure")
    [alert] = live("integrity_failure")
    assert alert.agency == agency_a and "完整性校验失败" in alert.detail


def test_reconciliation_mismatch_raises(agency_a, monkeypatch):
    from sanxiang.ledger.reconcile import Mismatch

    case = make_case(agency_a, 1)
    monkeypatch.setattr(
        "sanxiang.ledger.reconcile.reconcile",
        lambda labels=None: [Mismatch("cases_case", case.pk, "fine", "1", "2", 7)],
    )
    run("integrity_failure")
    [alert] = live("integrity_failure")
    assert alert.agency == agency_a and alert.record_key == f"reconcile:cases_case:{case.pk}:fine"


def test_clean_platform_no_integrity_alert(agency_a):
    make_case(agency_a, 1)
    run("integrity_failure")
    assert live("integrity_failure") == []


def test_fine_decimal_comparison_is_exact(agency_a, officer_a1, tiers):
    """2000.00 equals the minimum 2000 (Decimal, not string)."""
    _minimum_fines(agency_a, officer_a1, tiers["一般"], 5, fine=Decimal("2000.00"))
    run("repeated_minimum_fines")
    assert len(live("repeated_minimum_fines")) == 1
