"""Every path of the review gate, through the services (cases.decide and the documents
app's own issue_document)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from sanxiang.cases import services as cases
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.documents import services as documents
from sanxiang.ledger.models import Leaf
from sanxiang.review import services
from sanxiang.review.models import Opinion, ReviewStatus

from .conftest import PROBLEM, TODAY, all_ok, days_ago, materials

pytestmark = pytest.mark.django_db


def refused(fn, *args, code=None, **kw):
    with pytest.raises(DomainError) as exc:
        fn(*args, **kw)
    if code is not None:
        assert exc.value.code == code, exc.value.message
    return str(exc.value.message)


def test_no_scope_assessment_refuses_decision(steps):
    msg = refused(steps.decide, code=ErrorCode.REVIEW_REQUIRED)
    assert "范围评估" in msg


def test_scope_required_by_policy_without_submission_refuses(steps):
    scope = steps.scoped()
    assert scope.required and scope.policy_applies
    assert any("一律进行法制审核" in r for r in scope.reasons)
    assert "尚未提交" in refused(steps.decide, code=ErrorCode.REVIEW_REQUIRED)


def test_policy_switched_off_needs_no_review(steps, agency_a):
    agency_a.review_all_general_penalties = False
    agency_a.save()
    steps.case.agency.refresh_from_db()
    scope = steps.scoped()
    assert not scope.required
    steps.decide()  # passes the gate
    steps.case.refresh_from_db()
    assert steps.case.decision_at is not None


def test_statutory_criterion_requires_review_even_with_policy_off(steps, agency_a):
    agency_a.review_all_general_penalties = False
    agency_a.save()
    scope = steps.scoped({"public_interest": True})
    assert scope.required
    assert any("重大公共利益" in r for r in scope.reasons)
    refused(steps.decide, code=ErrorCode.REVIEW_REQUIRED)


def test_agree_lets_the_decision_through(steps):
    review = steps.opinion("agree")
    assert review.status == ReviewStatus.CONCLUDED and review.outcome == "agree"
    opinion = review.opinion
    assert opinion.document.is_issued and opinion.document.kind == "review_opinion"
    assert services.verify_opinion(opinion)
    steps.decide()
    steps.case.refresh_from_db()
    assert steps.case.decision_at is not None
    assert Leaf.objects.filter(event_type="review.opinion").count() == 1


def test_review_in_progress_refuses(steps):
    steps.accepted()
    assert "尚未完成" in refused(steps.decide, code=ErrorCode.REVIEW_REQUIRED)


def test_draft_changed_after_approval_voids_it(steps, handler_a):
    steps.opinion("agree")
    content = dict(steps.draft.content)
    content["facts"] = content.get("facts", "") + "（补充）"
    documents.update_draft(steps.draft, content, handler_a)
    steps.draft.refresh_from_db()
    assert "已被修改" in refused(steps.decide, code=ErrorCode.REVIEW_REQUIRED)


def test_direct_issue_through_documents_service_is_refused(steps, head_a):
    """A service call that bypasses cases.decide still meets the gate (pre_save guard)."""
    steps.scoped()
    refused(documents.issue_document, steps.draft, head_a, code=ErrorCode.REVIEW_REQUIRED)
    steps.draft.refresh_from_db()
    assert steps.draft.is_draft


def test_direct_issue_after_agree_is_allowed(steps, head_a):
    steps.opinion("agree")
    doc = documents.issue_document(steps.draft, head_a)
    assert doc.is_issued


def test_correct_then_resubmit_new_version_with_diff(steps, handler_a):
    first = steps.opinion("correct")
    assert "纠正" in refused(steps.decide, code=ErrorCode.REVIEW_REQUIRED)
    content = dict(steps.draft.content)
    content["facts"] = "经查，当事人销售超过保质期的食品15袋，货值金额300元。"
    draft = documents.update_draft(steps.draft, content, handler_a)
    second = services.submit_for_review(
        steps.case,
        draft,
        proposal="已按审核意见补充事实。",
        materials=materials(),
        actor=handler_a,
        justification="未对照裁量基准：尚无基准。",
    )
    assert second.version == 2 and second.previous_id == first.pk
    diff = {d["key"]: d for d in services.draft_diff(second)}
    assert diff["facts"]["changed"]
    ops = {s["op"] for s in diff["facts"]["segments"]}
    assert {"insert", "delete"} & ops
    steps.opinion("agree", review=steps.accepted(second))
    steps.decide(draft)
    steps.case.refresh_from_db()
    assert steps.case.decision_at is not None


def test_refuse_blocks_decision_and_resubmission_and_ends_case(steps, head_a, handler_a):
    review = steps.opinion("refuse")
    assert "不予作出" in refused(steps.decide, code=ErrorCode.REVIEW_REQUIRED)
    refused(
        services.submit_for_review,
        steps.case,
        steps.draft,
        proposal="再次送审",
        materials=materials(),
        actor=handler_a,
        justification="x",
        code=ErrorCode.ILLEGAL_TRANSITION,
    )
    refused(services.end_case_after_refusal, review, handler_a, code=ErrorCode.PERMISSION_DENIED)
    services.end_case_after_refusal(review, head_a)
    steps.case.refresh_from_db()
    assert steps.case.stage == "terminated"


def test_transfer_records_the_transfer_and_blocks_decision(steps, head_a):
    review = steps.opinion("transfer")
    refused(steps.decide, code=ErrorCode.REVIEW_REQUIRED)
    assert "移送书" in refused(
        services.record_transfer,
        review,
        head_a,
        receiving_authority="测试县公安局",
        transferred_on=TODAY,
        materials=["涉案物品清单"],
        case_summary="涉嫌销售伪劣产品。",
    )
    transfer = services.record_transfer(
        review,
        head_a,
        receiving_authority="测试县公安局",
        transferred_on=TODAY,
        materials=services.TRANSFER_MATERIALS[:3],
        case_summary="涉嫌销售伪劣产品，货值金额20万元。",
    )
    assert transfer.receiving_authority == "测试县公安局"
    assert Leaf.objects.filter(event_type="review.transferred").count() == 1
    refused(steps.decide, code=ErrorCode.REVIEW_REQUIRED)
    # the case's own decision "移送" (no decision document) follows the recorded transfer
    cases.decide(steps.case, actor=steps.head, outcome="transfer", decided_at=days_ago(0))
    steps.case.refresh_from_db()
    assert steps.case.decision_outcome == "transfer"


def test_decision_without_document_before_transfer_is_recorded_is_refused(steps):
    steps.opinion("transfer")
    refused(
        cases.decide,
        steps.case,
        actor=steps.head,
        outcome="transfer",
        decided_at=days_ago(0),
        code=ErrorCode.REVIEW_REQUIRED,
    )


def test_dispute_and_collective_discussion_overrule(steps, handler_a, head_a):
    review = steps.opinion("correct")
    dispute = services.dispute_opinion(review, handler_a, reason="事实已经查清，证据充分。")
    assert "异议" in refused(steps.decide, code=ErrorCode.REVIEW_REQUIRED)
    refused(
        services.record_collective_discussion,
        dispute,
        handler_a,
        held_on=TODAY,
        participants=["甲", "乙", "丙"],
        minutes="讨论",
        conclusion="overrule",
        decision="作出",
        code=ErrorCode.PERMISSION_DENIED,
    )
    assert "三人" in refused(
        services.record_collective_discussion,
        dispute,
        head_a,
        held_on=TODAY,
        participants=["甲", "乙"],
        minutes="讨论",
        conclusion="overrule",
        decision="作出",
    )
    services.record_collective_discussion(
        dispute,
        head_a,
        held_on=TODAY,
        participants=["钱局长", "副局长甲", "法规科长乙"],
        minutes="经讨论，认为事实清楚。",
        conclusion="overrule",
        decision="按代拟稿作出处罚决定。",
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.SETTLED
    steps.case.refresh_from_db()
    assert steps.case.discussion_held
    steps.decide()
    steps.case.refresh_from_db()
    assert steps.case.decision_at is not None


def test_collective_discussion_date_is_checked_on_the_case_timeline(steps, handler_a, head_a):
    """A discussion cannot be held tomorrow; one held 10 days ago is a 补录 with a reason,
    and the case timeline entry carries it."""
    from sanxiang.cases.models import EventKind

    review = steps.opinion("correct")
    dispute = services.dispute_opinion(review, handler_a, reason="事实已经查清。")
    body = dict(
        participants=["钱局长", "副局长甲", "法规科长乙"],
        minutes="经讨论，认为事实清楚。",
        conclusion="overrule",
        decision="按代拟稿作出处罚决定。",
    )
    assert "晚于今天" in refused(
        services.record_collective_discussion,
        dispute,
        head_a,
        held_on=TODAY + dt.timedelta(days=1),
        **body,
    )
    earlier = TODAY - dt.timedelta(days=10)
    assert "补录原因" in refused(
        services.record_collective_discussion, dispute, head_a, held_on=earlier, **body
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.DISPUTED  # nothing half-written
    services.record_collective_discussion(
        dispute, head_a, held_on=earlier, late_reason="纸质会议记录事后录入", **body
    )
    event = steps.case.events.get(kind=EventKind.COLLECTIVE_DISCUSSION)
    assert event.late_entry and event.late_reason == "纸质会议记录事后录入"


def test_collective_discussion_adopting_the_opinion_keeps_refusing(steps, handler_a, head_a):
    review = steps.opinion("refuse")
    dispute = services.dispute_opinion(review, handler_a, reason="不同意。")
    services.record_collective_discussion(
        dispute,
        head_a,
        held_on=TODAY,
        participants=["甲", "乙", "丙"],
        minutes="讨论记录",
        conclusion="adopt",
        decision="采纳审核意见。",
    )
    refused(steps.decide, code=ErrorCode.REVIEW_REQUIRED)


def test_overrule_then_draft_changed_is_void(steps, handler_a, head_a):
    review = steps.opinion("correct")
    dispute = services.dispute_opinion(review, handler_a, reason="不同意。")
    services.record_collective_discussion(
        dispute,
        head_a,
        held_on=TODAY,
        participants=["甲", "乙", "丙"],
        minutes="讨论记录",
        conclusion="overrule",
        decision="作出。",
    )
    content = dict(steps.draft.content)
    content["facts"] = "改动后的事实"
    documents.update_draft(steps.draft, content, handler_a)
    steps.draft.refresh_from_db()
    assert "已被修改" in refused(steps.decide, code=ErrorCode.REVIEW_REQUIRED)


def test_agree_cannot_be_disputed(steps, handler_a):
    review = steps.opinion("agree")
    refused(
        services.dispute_opinion, review, handler_a, reason="x", code=ErrorCode.ILLEGAL_TRANSITION
    )


def test_reviewer_who_handled_the_case_is_refused(steps, agency_a, head_a):
    from sanxiang.cases import services as cases
    from sanxiang.core.fields import EnforcementField
    from sanxiang.org.models import Role
    from tests.conftest import make_officer, make_user

    insider = make_user("reviewer_insider", Role.REVIEWER, agency_a, "冯审核")
    officer = make_officer(insider, EnforcementField.MARKET, "TEST-A-0099")
    cases.add_handler(steps.case, head_a, officer=officer, role="investigator")
    review = steps.submitted()
    assert insider not in services.eligible_reviewers(review)
    msg = refused(
        services.assign_reviewer, review, insider, head_a, code=ErrorCode.PERMISSION_DENIED
    )
    assert "办、审分离" in msg


def test_reviewer_of_other_agency_and_wrong_roles_refused(steps, reviewer_b, handler_a, head_b):
    review = steps.submitted()
    refused(
        services.assign_reviewer, review, reviewer_b, steps.head, code=ErrorCode.PERMISSION_DENIED
    )
    refused(
        services.assign_reviewer,
        review,
        steps.reviewer,
        handler_a,
        code=ErrorCode.PERMISSION_DENIED,
    )
    refused(
        services.assign_reviewer, review, steps.reviewer, head_b, code=ErrorCode.PERMISSION_DENIED
    )
    services.assign_reviewer(review, steps.reviewer, steps.head)
    with pytest.raises(PermissionDenied):
        services.accept(review, head_b, today=TODAY)


def test_reassignment_needs_a_reason_and_is_logged(steps, reviewer_a2):
    review = steps.submitted()
    services.assign_reviewer(review, steps.reviewer, steps.head)
    assert "理由" in refused(services.assign_reviewer, review, reviewer_a2, steps.head)
    services.assign_reviewer(review, reviewer_a2, steps.head, reason="原审核人员出差。")
    rows = list(review.assignments.order_by("id"))
    assert [r.reviewer_name for r in rows] == ["赵审核", "孔审核"]
    assert rows[1].previous_reviewer_id == steps.reviewer.pk
    with pytest.raises(PermissionDenied):
        services.accept(review, steps.reviewer, today=TODAY)


def test_missing_materials_refuse_submission(steps, handler_a):
    steps.scoped()
    msg = refused(
        services.submit_for_review,
        steps.case,
        steps.draft,
        proposal="建议罚款",
        materials=materials("closure_report"),
        actor=handler_a,
        justification="x",
    )
    assert "调查（审查）终结报告" in msg
    assert "送审说明" in refused(
        services.submit_for_review,
        steps.case,
        steps.draft,
        proposal="",
        materials=materials(),
        actor=handler_a,
        justification="x",
    )


def test_hearing_needs_transcript(steps, handler_a):
    from sanxiang.cases.models import Case

    Case.objects.filter(pk=steps.case.pk).update(hearing_held=True)
    steps.case.refresh_from_db()
    steps.scoped()
    assert "听证笔录" in refused(
        services.submit_for_review,
        steps.case,
        steps.draft,
        proposal="建议罚款",
        materials=materials(),
        actor=handler_a,
        justification="x",
    )


def test_unchecked_discretion_needs_written_justification(steps, handler_a):
    steps.scoped()
    msg = refused(
        services.submit_for_review,
        steps.case,
        steps.draft,
        proposal="建议罚款",
        materials=materials(),
        actor=handler_a,
        justification="",
    )
    assert "书面说明" in msg


def test_second_open_submission_refused(steps):
    steps.submitted()
    refused(steps.submitted, code=ErrorCode.CONFLICT)


def test_deadline_ten_workdays_and_extension(steps, head_a, handler_a):
    review = steps.accepted(today=dt.date(2026, 9, 28))
    # National Day 10-01..10-07 off, 10-10 make-up Saturday (State Council 2026 schedule)
    assert review.deadline == services.add_workdays(dt.date(2026, 9, 28), 10)
    assert review.deadline > dt.date(2026, 10, 10)
    assert services.deadline_state(review, today=dt.date(2026, 10, 8))[0] == ""
    flags = services.deadline_flags(steps.reviewer, today=review.deadline)
    assert flags and flags[0]["state"] == "nearing"
    after = review.deadline + dt.timedelta(days=1)
    assert services.deadline_flags(head_a, today=after)[0]["state"] == "overdue"
    assert services.deadline_flags(handler_a, today=after) == []
    refused(
        services.request_extension,
        review,
        steps.reviewer,
        new_deadline=review.deadline,
        reason="复杂",
        code=ErrorCode.DEADLINE,
    )
    new = review.deadline + dt.timedelta(days=14)
    ext = services.request_extension(review, steps.reviewer, new_deadline=new, reason="案情复杂。")
    refused(
        services.decide_extension,
        ext,
        steps.reviewer,
        approve=True,
        code=ErrorCode.PERMISSION_DENIED,
    )
    services.decide_extension(ext, head_a, approve=True, note="同意")
    review.refresh_from_db()
    assert review.effective_deadline == new
    assert services.deadline_flags(head_a, today=after) == []


def test_extension_rejected_needs_reason(steps, head_a):
    review = steps.accepted()
    ext = services.request_extension(
        review, steps.reviewer, new_deadline=review.deadline + dt.timedelta(days=7), reason="复杂"
    )
    refused(services.decide_extension, ext, head_a, approve=False, note="")
    services.decide_extension(ext, head_a, approve=False, note="不属于特殊情况。")
    review.refresh_from_db()
    assert review.extended_deadline is None


def test_opinion_consistency_and_checklist(steps):
    review = steps.accepted()
    findings = all_ok()
    del findings["crime"]
    refused(
        services.give_opinion,
        review,
        steps.reviewer,
        kind="agree",
        reasoning="x",
        findings=findings,
    )
    refused(
        services.give_opinion,
        review,
        steps.reviewer,
        kind="agree",
        reasoning="x",
        findings=all_ok(facts=PROBLEM),
    )
    refused(
        services.give_opinion,
        review,
        steps.reviewer,
        kind="correct",
        reasoning="x",
        findings=all_ok(),
    )
    refused(
        services.give_opinion,
        review,
        steps.reviewer,
        kind="transfer",
        reasoning="x",
        findings=all_ok(facts=PROBLEM),
    )
    refused(
        services.give_opinion, review, steps.reviewer, kind="agree", reasoning="", findings=all_ok()
    )


def test_opinion_is_append_only_and_signature_detects_tampering(steps):
    review = steps.opinion("agree")
    opinion = review.opinion
    with pytest.raises(IntegrityError), transaction.atomic():
        Opinion.objects.filter(pk=opinion.pk).update(kind="refuse")
    with pytest.raises(IntegrityError), transaction.atomic():
        Opinion.objects.filter(pk=opinion.pk).delete()
    opinion.signature = opinion.signature[:-4] + "AAA="
    assert not services.verify_opinion(opinion)


def test_withdraw_before_acceptance(steps, handler_a):
    review = steps.submitted()
    services.withdraw(review, handler_a, reason="补充材料后再送审。")
    again = steps.submitted()
    assert again.version == 2


def test_reviewer_ratio_warning(agency_a, reviewer_a, officer_a1, officer_a2):
    from sanxiang.org.models import Officer

    assert services.reviewer_ratio(agency_a)["ok"]
    Officer.objects.bulk_create(
        [Officer(agency=agency_a, name=f"执法{i}") for i in range(19)]
    )  # 21 officers → at least 2 reviewers
    ratio = services.reviewer_ratio(agency_a)
    assert not ratio["ok"] and ratio["needed"] == 2 and "5%" in ratio["warning"]


def test_stats_scoped_to_supervisor_subtree(steps, supervisor, head_b):
    steps.opinion("agree")
    rows = {r["agency"].pk: r for r in services.stats(supervisor)}
    assert rows[steps.case.agency_id]["agreed"] == 1
    assert len(rows) == 2
    own = services.stats(head_b)
    assert [r["agency"].pk for r in own] == [head_b.agency_id]
    assert own[0]["reviewed"] == 0


def test_every_step_is_in_the_ledger(steps, handler_a, head_a):
    review = steps.accepted()
    ext = services.request_extension(
        review, steps.reviewer, new_deadline=review.deadline + dt.timedelta(days=7), reason="复杂"
    )
    services.decide_extension(ext, head_a, approve=True)
    steps.opinion("correct", review=review)
    services.dispute_opinion(review, handler_a, reason="不同意")
    types = list(
        Leaf.objects.filter(subject=f"case:{steps.case.pk}", event_type__startswith="review.")
        .order_by("index")
        .values_list("event_type", flat=True)
    )
    assert types == [
        "review.scope_assessed",
        "review.submitted",
        "review.assigned",
        "review.accepted",
        "review.extension_requested",
        "review.extended",
        "review.opinion",
        "review.disputed",
    ]
