"""Issue #11 item 4: a review leaf commits to the text people typed (reasons, notes, the
participants of a collective discussion, the transfer's authority and materials) by
keyed digest only. The review rows keep the text; ``personal.matches`` checks a row's
text against its leaf."""

import datetime as dt
import json

import pytest

from sanxiang.ledger.models import Leaf
from sanxiang.ledger.personal import PREFIX, matches
from sanxiang.review import services
from sanxiang.review.models import ReviewAssignment

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _leaf(event_type):
    leaf = Leaf.objects.filter(event_type=event_type).order_by("index").last()
    assert leaf is not None, event_type
    return json.loads(leaf.content)["payload"]


def _absent(texts, event_prefix=""):
    """None of ``texts`` appears in the content of any leaf (of ``event_prefix``)."""
    leaves = Leaf.objects.filter(event_type__startswith=event_prefix)
    for content in leaves.values_list("content", flat=True):
        for text in texts:
            assert text not in content, text


def test_extension_dispute_and_discussion_leaves_hold_digests(steps, handler_a, head_a):
    review = steps.accepted()
    ext = services.request_extension(
        review,
        steps.reviewer,
        new_deadline=review.deadline + dt.timedelta(days=7),
        reason="需向当事人赵小红核实现场情况",
    )
    ext = services.decide_extension(ext, head_a, approve=False, note="理由不足，赵小红已到案说明")
    review = steps.opinion("correct", review=review)
    dispute = services.dispute_opinion(review, handler_a, reason="证人孙大伟的证言足以证明事实")
    names = ["局长郑国强", "副局长周明", "法规科长吴芳"]
    discussion = services.record_collective_discussion(
        dispute,
        head_a,
        held_on=TODAY,
        participants=names,
        minutes="经讨论，认为事实清楚。",
        conclusion="overrule",
        decision="按代拟稿作出处罚决定。",
    )

    requested = _leaf("review.extension_requested")
    assert requested["reason"].startswith(PREFIX) and matches(ext.reason, requested["reason"])
    assert requested["new_deadline"] == ext.new_deadline.isoformat()  # dates stay readable
    refused = _leaf("review.extension_rejected")
    assert matches(ext.decision_note, refused["note"]) and refused["note"].startswith(PREFIX)
    disputed = _leaf("review.disputed")
    assert matches(dispute.reason, disputed["reason"]) and disputed["dispute"] == dispute.pk
    held = _leaf("review.collective_discussion")
    assert held["conclusion"] == "overrule"  # a choice stays readable
    assert len(held["participants"]) == 3
    assert all(
        matches(n, d) for n, d in zip(discussion.participants, held["participants"], strict=True)
    )
    assert not matches("另一个人", held["participants"][0])
    _absent(["赵小红", "孙大伟", "理由不足"])
    # the review leaves name no participant (the case's own collective-discussion leaf is
    # written by cases.services, see its protect())
    _absent(names, "review.")


def test_reassignment_withdrawal_and_transfer_leaves_hold_digests(steps, head_a, reviewer_a2):
    review = steps.submitted()
    services.assign_reviewer(review, steps.reviewer, head_a)
    services.assign_reviewer(review, reviewer_a2, head_a, reason="原审核人员李四与当事人系亲属")
    assigned = _leaf("review.assigned")
    row = ReviewAssignment.objects.filter(review=review).order_by("id").last()
    assert matches(row.reason, assigned["reason"]) and assigned["reviewer"] == reviewer_a2.pk
    services.withdraw(review, steps.handler, reason="当事人王五补充提交了新证据")
    assert matches("当事人王五补充提交了新证据", _leaf("review.withdrawn")["reason"])

    second = steps.opinion("transfer", review=steps.accepted(steps.submitted()))
    transfer = services.record_transfer(
        second,
        head_a,
        receiving_authority="测试县公安局经侦大队",
        transferred_on=TODAY,
        materials=[*services.TRANSFER_MATERIALS[:3], "证人陈六询问笔录"],
        case_summary="涉嫌销售伪劣产品，货值金额20万元。",
    )
    moved = _leaf("review.transferred")
    assert moved["transferred_on"] == TODAY.isoformat()
    assert matches(transfer.receiving_authority, moved["receiving_authority"])
    assert [matches(m, d) for m, d in zip(transfer.materials, moved["materials"], strict=True)] == [
        True
    ] * 4
    _absent(["李四", "王五", "陈六", "经侦大队", "亲属"])
