"""Discretion consistency: tier bounds, inter-quartile range, comparables' scope, reason
before 送审, reviewer's view, ledger and append-only."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from sanxiang.cases.models import Case
from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.discretion import services
from sanxiang.discretion.models import Assessment, DecidedFine
from sanxiang.ledger import personal
from sanxiang.ledger.models import Leaf
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyKind, AgencyLevel, Role
from tests.conftest import make_user
from tests.discretion.conftest import make_benchmark

pytestmark = pytest.mark.django_db


def propose(case, fine):
    Case.objects.filter(pk=case.pk).update(proposed_fine=Decimal(fine))
    case.refresh_from_db()
    return case


# --------------------------------------------------------------------------- statistics


def test_quartiles_inclusive_interpolation():
    assert services.quartiles([1000, 2000, 3000, 4000, 5000]) == (
        Decimal("2000.00"),
        Decimal("3000.00"),
        Decimal("4000.00"),
    )
    # between order statistics: positions 0.75, 1.5, 2.25 of [10, 20, 30, 40]
    assert services.quartiles([40, 10, 30, 20]) == (
        Decimal("17.50"),
        Decimal("25.00"),
        Decimal("32.50"),
    )
    assert services.quartiles([]) == (None, None, None)


# --------------------------------------------------------------------------- tier bounds


@pytest.mark.parametrize(
    ("fine", "flagged"),
    [("2000", False), ("6000", False), ("1999.99", True), ("6000.01", True), ("4000", False)],
)
def test_tier_bounds_are_inclusive(case_a, tier, fine, flagged):
    result = services.evaluate(propose(case_a, fine), tier)
    assert result["within_tier"] is (not flagged)
    assert result["flagged"] is flagged


def test_tier_of_another_county_is_refused(case_a, tier, admin_user):
    other = org.create_agency(
        name="邻县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339998", "MB1TQ0009"),
        region="邻县",
    )
    foreign = make_benchmark(other, admin_user)["一般"]
    with pytest.raises(DomainError, match="不属于本机关适用"):
        services.evaluate(case_a, foreign)


# --------------------------------------------------------------------------- IQR


@pytest.fixture
def five_own(case_a, comparables):
    # Q1 = 4000, median 5000, Q3 = 5000
    for fine in (3000, 4000, 5000, 5000, 6000):
        comparables.add(case_a.agency, fine)


@pytest.mark.parametrize(
    ("fine", "outside"),
    [("4000", False), ("5000", False), ("3999.99", True), ("5000.01", True)],
)
def test_iqr_boundaries(case_a, tier, five_own, fine, outside):
    result = services.evaluate(propose(case_a, fine), tier)
    assert result["reference_scope"] == "county"
    assert result["distribution"]["county"]["q1"] == "4000.00"
    assert result["distribution"]["county"]["q3"] == "5000.00"
    assert result["within_tier"] is True
    assert result["outside_iqr"] is outside
    assert result["flagged"] is outside


def test_no_iqr_flag_with_too_few_comparables(case_a, tier, comparables):
    for fine in (2000, 2000, 2000, 2000):
        comparables.add(case_a.agency, fine)
    result = services.evaluate(propose(case_a, "5900"), tier)
    assert result["distribution"]["county"]["n"] == 4
    assert result["reference_scope"] == ""
    assert result["outside_iqr"] is None
    assert result["flagged"] is False


def test_min_comparables_is_a_setting(case_a, tier, comparables, settings):
    settings.SANXIANG_DISCRETION_MIN_COMPARABLES = 3
    for fine in (2000, 2000, 2000):
        comparables.add(case_a.agency, fine)
    assert services.evaluate(propose(case_a, "5900"), tier)["outside_iqr"] is True


def test_other_items_and_tiers_are_not_comparables(case_a, tier, comparables):
    comparables.add(case_a.agency, 100, tier_name="较重")
    comparables.add(case_a.agency, 100, power="OTHER-1")
    d = services.evaluate(case_a, tier)["distribution"]
    assert [d[s]["n"] for s in services.SCOPES] == [0, 0, 0]


def test_withdrawn_decisions_are_not_comparables(case_a, tier, comparables):
    c = comparables.add(case_a.agency, 3000)
    DecidedFine.objects.filter(case=c).update(withdrawn=True)
    assert services.evaluate(case_a, tier)["distribution"]["agency"]["n"] == 0


def test_comparables_never_include_other_agencies_unpublished(case_a, tier, comparables, agency_b):
    other_county = org.create_agency(
        name="邻县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339998", "MB1TQ0009"),
        region="邻县",
    )
    far = org.create_agency(
        name="邻县市场监督管理局",
        level=AgencyLevel.COUNTY,
        parent=other_county,
        usci=make_usci("11", "339998", "MB1TQ0010"),
        region="邻县",
    )
    own = case_a.agency
    comparables.add(own, 1000)  # own, unpublished: agency + county
    comparables.add(own, 1100, published=True)  # own, published: all three
    comparables.add(agency_b, 900000)  # same county, unpublished: nowhere
    comparables.add(agency_b, 1200, published=True)  # same county, published: county + all
    comparables.add(far, 800000)  # other county, unpublished: nowhere
    comparables.add(far, 1300, published=True)  # other county, published: all only
    d = services.evaluate(case_a, tier)["distribution"]
    assert (d["agency"]["n"], d["county"]["n"], d["all"]["n"]) == (2, 3, 3)
    assert d["county"]["max"] == "1200.00"
    assert d["all"]["max"] == "1300.00" and d["all"]["min"] == "1100.00"
    for scope in services.SCOPES:
        assert Decimal(d[scope]["max"]) < 10000


def test_the_case_itself_is_not_its_own_comparable(case_a, tier):
    DecidedFine.objects.create(
        case=case_a,
        agency=case_a.agency,
        agency_path=case_a.agency.path,
        power_code="SJ-CF-001",
        benchmark_code="SP-124-1",
        tier_name="一般",
        fine=Decimal(5000),
        decided_on="2026-06-01",
    )
    assert services.evaluate(case_a, tier)["distribution"]["agency"]["n"] == 0


# --------------------------------------------------------------------------- recording


def test_flagged_proposal_needs_a_reason(case_a, tier, handler_a):
    propose(case_a, "7000")
    with pytest.raises(DomainError, match="须书面说明理由"):
        services.record_assessment(case_a, handler_a, tier=tier, reason="  ")
    a = services.record_assessment(case_a, handler_a, tier=tier, reason="当事人拒不改正，从重。")
    assert a.flagged and a.within_tier is False and a.reason == "当事人拒不改正，从重。"
    leaf = Leaf.objects.get(index=a.ledger_index)
    assert leaf.event_type == "discretion.assessed"
    assert leaf.subject == f"case:{case_a.pk}"
    # the typed reason is in the leaf only as a keyed digest (#11.4)
    assert "当事人拒不改正" not in leaf.content
    assert personal.matches(a.reason, leaf.payload["reason"])


def test_assessment_is_append_only(case_a, tier, handler_a):
    a = services.record_assessment(case_a, handler_a, tier=tier)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=a.pk).update(reason="事后改写")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=a.pk).delete()


@pytest.mark.parametrize("who", ["handler_b", "reviewer_a", "supervisor"])
def test_only_the_handling_unit_records(request, case_a, tier, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.record_assessment(case_a, user, tier=tier, reason="x")


def test_handler_not_on_the_case_may_not_record(case_a, tier, agency_a):
    outsider = make_user("handler_a3", Role.HANDLER, agency_a, "赵执法")
    with pytest.raises(PermissionDenied, match="不是本案的办案人员"):
        services.record_assessment(case_a, outsider, tier=tier, reason="x")


# --------------------------------------------------------------------------- 送审


def test_submission_refused_without_reason_then_accepted(steps, case_a, tier, handler_a):
    propose(case_a, "7000")  # above the tier's 6,000
    steps.scoped()
    with pytest.raises(services.ReasonRequired) as exc:
        steps.submitted(tier=tier, justification="")
    assert exc.value.url == reverse("discretion:case", args=[case_a.pk]) + f"?tier={tier.pk}"
    assert any("高于该档次上限" in d for d in exc.value.details)
    services.record_assessment(case_a, handler_a, tier=tier, reason="违法持续时间长，从重处罚。")
    review = steps.submitted(tier=tier, justification="")
    c = review.discretion["consistency"]
    assert c["flagged"] is True and c["reason"] == "违法持续时间长，从重处罚。"
    # the reason also serves as the review's written justification for the out-of-range fine
    assert review.discretion_out_of_range and review.justification == "违法持续时间长，从重处罚。"


def test_reason_for_another_fine_does_not_count(steps, case_a, tier, handler_a):
    propose(case_a, "7000")
    services.record_assessment(case_a, handler_a, tier=tier, reason="理由")
    propose(case_a, "8000")
    steps.scoped()
    with pytest.raises(services.ReasonRequired):
        steps.submitted(tier=tier)


def test_iqr_flag_also_blocks_submission(steps, case_a, tier, five_own):
    propose(case_a, "5500")  # inside the tier, above Q3 = 5,000
    steps.scoped()
    with pytest.raises(services.ReasonRequired):
        steps.submitted(tier=tier)


def test_unflagged_submission_records_the_check(steps, case_a, tier, five_own):
    review = steps.submitted(tier=tier)  # 5,000: inside the tier and the IQR
    c = review.discretion["consistency"]
    assert c["flagged"] is False and c["reference_scope"] == "county"
    assert c["distribution"]["county"]["n"] == 5


def test_submission_without_tier_is_left_to_the_review_rule(steps):
    review = steps.submitted()
    assert "consistency" not in review.discretion


# --------------------------------------------------------------------------- pages


def test_submit_page_links_to_where_the_reason_is_written(
    client_for, steps, case_a, tier, draft_a, handler_a
):
    propose(case_a, "7000")
    steps.scoped()
    client = client_for(handler_a)
    resp = client.post(
        reverse("review:submit", args=[case_a.pk]),
        {
            "document": draft_a.pk,
            "proposal": "建议罚款7000元",
            "tier": tier.pk,
            "ref_proposal": "案卷第3页",
            "ref_closure_report": "案卷第5页",
            "ref_basis_evidence": "证据1-12",
        },
    )
    assert resp.status_code == 200
    url = reverse("discretion:case", args=[case_a.pk]) + f"?tier={tier.pk}"
    assert f'href="{url}"'.encode() in resp.content.replace(b"&amp;", b"&")


def test_reviewer_sees_flag_and_reason(client_for, steps, case_a, tier, handler_a, reviewer_a):
    propose(case_a, "7000")
    services.record_assessment(case_a, handler_a, tier=tier, reason="多次违法，从重处罚。")
    review = steps.submitted(tier=tier, justification="")
    resp = client_for(reviewer_a).get(reverse("review:detail", args=[review.pk]))
    body = resp.content.decode()
    assert "裁量一致性" in body
    assert "多次违法，从重处罚。" in body
    assert "高于该档次上限" in body
    assert "可比决定不足5件" in body and "None" not in body


def test_case_page_shows_distribution_and_keeps_input(client_for, case_a, tier, handler_a):
    propose(case_a, "7000")
    client = client_for(handler_a)
    url = reverse("discretion:case", args=[case_a.pk])
    resp = client.get(url, {"tier": tier.pk})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "须书面说明理由" in body and "可比决定罚款分布" in body
    assert "None" not in body and "True" not in body and "False" not in body
    resp = client.post(url, {"tier": tier.pk, "reason": ""})
    assert resp.status_code == 200 and not Assessment.objects.exists()
    resp = client.post(url, {"tier": tier.pk, "reason": "情节严重"})
    assert resp.status_code == 302
    assert Assessment.objects.get().reason == "情节严重"


def test_case_page_of_another_agency_is_not_found(client_for, case_a, handler_b):
    resp = client_for(handler_b).get(reverse("discretion:case", args=[case_a.pk]))
    assert resp.status_code == 404


# --------------------------------------------------------------------------- index


def test_issued_decision_is_indexed_with_its_tier(steps, case_a, tier, handler_a):
    services.record_assessment(case_a, handler_a, tier=tier)
    steps.opinion("agree", review=steps.accepted(steps.submitted(tier=tier)))
    steps.decide()
    row = DecidedFine.objects.get(case=case_a)
    assert (row.power_code, row.benchmark_code, row.tier_name) == ("SJ-CF-001", "SP-124-1", "一般")
    assert row.fine == Decimal(5000) and not row.withdrawn


# --------------------------------------------------------------------------- demo


def test_demo_records_a_check_for_pending_cases(case_a, tier):
    import io

    from sanxiang.discretion import demo

    out = io.StringIO()
    demo.load({"stdout": out})
    a = Assessment.objects.get(case=case_a)
    assert (a.tier_id, a.flagged, a.reason) == (tier.pk, False, "")
    assert "1 checks recorded" in out.getvalue()
    demo.load({"stdout": out})  # idempotent enough: one more check row, no error
