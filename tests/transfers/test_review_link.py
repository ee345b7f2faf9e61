"""A transfer the legal review recorded (opinion 移送) is linked and supplies its details."""

import pytest

from sanxiang.cases import services as cases
from sanxiang.review import services as review
from sanxiang.transfers import services
from sanxiang.transfers.models import TransferStatus
from tests.review.conftest import (  # noqa: F401  (fixtures)
    TODAY,
    _fast_passwords,
    _today,
    case_a,
    days_ago,
    draft_a,
    power_a,
    steps,
)

pytestmark = pytest.mark.django_db


def test_review_transfer_is_linked_and_return_reopens_decision(steps, head_a, handler_a):  # noqa: F811
    rv = steps.opinion("transfer")
    rt = review.record_transfer(
        rv,
        head_a,
        receiving_authority="测试县公安局",
        transferred_on=TODAY,
        materials=review.TRANSFER_MATERIALS[:3],
        case_summary="涉嫌销售伪劣产品，货值金额20万元。",
    )
    cases.decide(steps.case, actor=head_a, outcome="transfer", decided_at=days_ago(0))
    t = services.record_transfer(steps.case, head_a, reported_on=TODAY, approved_on=TODAY)
    assert t.review_transfer == rt and t.police_authority == "测试县公安局"
    assert t.materials == review.TRANSFER_MATERIALS[:3] and t.transferred_on == TODAY
    t = services.record_reply(
        t, handler_a, decision="not_filed", notified_on=TODAY, reasons="未达追诉标准"
    )
    t = services.return_case(t, head_a, returned_on=TODAY, note="依法给予行政处罚")
    steps.case.refresh_from_db()
    assert t.status == TransferStatus.RETURNED and steps.case.stage == "decision"
