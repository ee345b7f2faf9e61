"""A case the police did not file comes back and is handled administratively (第十条)."""

import pytest

from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.transfers import services
from sanxiang.transfers.models import TransferStatus
from tests.transfers.conftest import ago, decided_as_transfer, transfer

pytestmark = pytest.mark.django_db


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
