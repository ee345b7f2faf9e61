"""Reconciliation of the legal review row itself (issue #11 items 8 and 10): a review taken
through every step — submitted (after a withdrawn first submission), assigned, reassigned,
accepted with a provisional deadline that the holiday import then recomputes, extended,
concluded, disputed and settled by collective discussion — agrees with its leaves replayed
in order; a raw SQL rewrite of a column a leaf recorded (status, outcome, reviewer, the
deadlines …) is named by table, id and field, and a review with no leaf at all is named."""

import datetime as dt
import json

import pytest
from django.db import connection

from sanxiang.ledger import reconcile
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.review import services
from sanxiang.review.models import Review, ReviewStatus
from sanxiang.workdays import services as workdays
from tests.ledger.test_reconcile import drop_triggers
from tests.review.conftest import (  # noqa: F401
    PROBLEM,
    _fast_passwords,
    _today,
    all_ok,
    case_a,
    draft_a,
    power_a,
    reviewer_a2,
    steps,
)

pytestmark = pytest.mark.django_db
LABEL = ["review.Review"]
TABLE = "review_review"
# accepted on 2026-12-28, the 10 working days run into 2027, whose holidays are not entered
# yet in the test database: the deadline is provisional. Test-only 2027 schedule (not the
# real notice), a longer New Year break, so the import moves the deadline later.
ACCEPTED_ON = dt.date(2026, 12, 28)
LONGER = (
    "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦\n"
    "2027-01-05,holiday,元旦\n2027-01-06,holiday,元旦\n"
)


def _found():
    return {(m.table, m.pk, m.field) for m in reconcile.reconcile(LABEL)}


def _whole_workflow(steps, reviewer_a2, head_a, admin_user):  # noqa: F811
    """Every step of a review, each checked clean as it happens."""
    first = steps.submitted()
    services.assign_reviewer(first, steps.reviewer, head_a)
    services.withdraw(first, steps.handler, reason="补充材料后重新送审。")
    assert reconcile.reconcile(LABEL) == []

    review = services.submit_for_review(
        steps.case,
        steps.draft,
        proposal="建议对当事人罚款5000元。",
        materials=[
            {"kind": "proposal", "title": "处罚建议", "reference": "案卷第3页"},
            {"kind": "closure_report", "title": "调查终结报告", "reference": "案卷第5页"},
            {"kind": "basis_evidence", "title": "法律依据和证据清单", "reference": "证据1-12"},
        ],
        actor=steps.handler,
        justification="未对照裁量基准：本机关尚未发布本事项的裁量基准。",
    )
    assert review.previous_id == first.pk and review.version == 2
    services.assign_reviewer(review, reviewer_a2, head_a)
    services.assign_reviewer(review, steps.reviewer, head_a, reason="原审核人员出差。")
    review = services.accept(review, steps.reviewer, today=ACCEPTED_ON)
    assert reconcile.reconcile(LABEL) == []

    provisional = review.deadline
    result = workdays.import_schedule(admin_user, LONGER.encode(), "2027.csv", notice="测试")
    review.refresh_from_db()
    assert review.deadline > provisional  # the holiday recomputation moved it
    assert any(m.kind == "review.deadline" and m.object_id == review.pk for m in result.moved)
    assert reconcile.reconcile(LABEL) == []

    ext = services.request_extension(
        review,
        steps.reviewer,
        new_deadline=review.deadline + dt.timedelta(days=14),
        reason="案情复杂。",
        today=ACCEPTED_ON,
    )
    services.decide_extension(ext, head_a, approve=True, note="同意延长。")
    review = steps.opinion("correct", review=review)
    assert (review.status, review.outcome) == (ReviewStatus.CONCLUDED, "correct")
    assert reconcile.reconcile(LABEL) == []

    dispute = services.dispute_opinion(review, steps.handler, reason="证据已经补强。")
    services.record_collective_discussion(
        dispute,
        head_a,
        held_on=dt.date(2026, 11, 23),
        participants=["钱局长", "副局长甲", "法规科长乙"],
        minutes="经讨论，认为审核意见成立。",
        conclusion="adopt",
        decision="采纳法制审核意见。",
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.SETTLED and review.extended_deadline
    return first, review, provisional


def test_an_untouched_review_reconciles_clean_through_every_step(
    steps,  # noqa: F811
    reviewer_a2,  # noqa: F811
    head_a,
    admin_user,
):
    first, review, _provisional = _whole_workflow(steps, reviewer_a2, head_a, admin_user)
    assert reconcile.reconcile(LABEL) == []
    first.refresh_from_db()
    assert first.status == ReviewStatus.WITHDRAWN


def test_raw_edits_of_a_settled_review_are_named(steps, reviewer_a2, head_a, admin_user):  # noqa: F811
    first, review, provisional = _whole_workflow(steps, reviewer_a2, head_a, admin_user)
    with connection.cursor() as cursor:
        # the opinion turned into 同意, the review back to concluded, another reviewer, the
        # recomputed deadline set back, the extension removed, another draft hash
        cursor.execute(
            "UPDATE review_review SET outcome = 'agree', status = 'concluded', "
            "reviewer_id = %s, deadline = %s, extended_deadline = NULL, draft_hash = %s "
            "WHERE id = %s",
            [reviewer_a2.pk, provisional, "0" * 64, review.pk],
        )
        # the withdrawn first submission made to look never withdrawn, and still open
        cursor.execute(
            "UPDATE review_review SET status = 'submitted', reviewer_id = NULL WHERE id = %s",
            [first.pk],
        )
    assert _found() == {
        *(
            (TABLE, review.pk, field)
            for field in (
                "outcome",
                "status",
                "reviewer",
                "deadline",
                "extended_deadline",
                "draft_hash",
            )
        ),
        (TABLE, first.pk, "status"),
        (TABLE, first.pk, "reviewer"),
    }
    # the deadline is named against the recomputation's leaf, not the acceptance's
    [deadline] = [m for m in reconcile.reconcile(LABEL) if m.field == "deadline"]
    leaf = Leaf.objects.get(index=deadline.leaf_index)
    assert leaf.event_type == EventType.DEADLINE_RECOMPUTED
    assert json.loads(leaf.content)["payload"]["object_id"] == review.pk


def test_a_forged_outcome_on_an_open_review_is_named(steps):  # noqa: F811
    """Columns no leaf has filled yet are compared with their empty start: an 同意 written
    straight into a review still in progress (what the decision gate reads) is found."""
    review = steps.accepted()
    assert reconcile.reconcile(LABEL) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE review_review SET outcome = 'agree', status = 'concluded', "
            "concluded_at = accepted_at, accepted_on = %s WHERE id = %s",
            [dt.date(2026, 11, 2), review.pk],
        )
    assert _found() == {
        (TABLE, review.pk, field) for field in ("outcome", "status", "concluded_at", "accepted_on")
    }


def test_a_review_without_a_leaf_and_a_deleted_review_are_named(steps):  # noqa: F811
    review = steps.submitted()
    forged = Review.objects.create(  # written past the services: no review.submitted leaf
        case=review.case,
        agency_id=review.agency_id,
        version=review.version + 1,
        scope=review.scope,
        document=review.document,
        draft_hash=review.draft_hash,
        proposal="x",
        status="concluded",
        outcome="agree",
    )
    problems = {(m.pk, m.problem) for m in reconcile.reconcile(LABEL)}
    assert problems == {(forged.pk, "no_leaf")}
    drop_triggers("review_reviewmaterial")  # what a rogue DBA does first
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM review_reviewmaterial WHERE review_id = %s", [review.pk])
        cursor.execute("DELETE FROM review_review WHERE id = %s", [review.pk])
    problems = {(m.pk, m.problem) for m in reconcile.reconcile(LABEL)}
    assert problems == {(forged.pk, "no_leaf"), (review.pk, "no_row")}
