"""Handling a complaint: accept, reject, conclude and transfer, by whom, in which order; never deleted."""

import pytest
from django.db import transaction

from sanxiang.complaints import services
from sanxiang.complaints.models import (
    Complaint,
    ComplaintResult,
    ComplaintStatus,
)
from sanxiang.core.errors import DomainError, ErrorCode

pytestmark = pytest.mark.django_db


def test_accept_then_conclude(complaint_a, handler_a):
    services.accept(complaint_a, handler_a)
    c = services.conclude(
        complaint_a, handler_a, result=ComplaintResult.PARTLY, reply="部分属实，已责令改正。"
    )
    assert c.status == ComplaintStatus.CONCLUDED and c.reply


def _code(fn):
    with pytest.raises(DomainError) as exc:
        fn()
    return exc.value.code


def test_illegal_transitions(complaint_a, handler_a, head_a, agency_b):
    # conclude before acceptance
    assert (
        _code(lambda: services.conclude(complaint_a, handler_a, result="partly", reply="x"))
        == ErrorCode.ILLEGAL_TRANSITION
    )
    services.accept(complaint_a, handler_a)
    assert _code(lambda: services.accept(complaint_a, handler_a)) == ErrorCode.ILLEGAL_TRANSITION
    assert (
        _code(lambda: services.reject(complaint_a, handler_a, "理由"))
        == ErrorCode.ILLEGAL_TRANSITION
    )
    services.conclude(complaint_a, handler_a, result="unfounded", reply="经核查不属实。")
    # a concluded complaint is immutable
    for fn in (
        lambda: services.conclude(complaint_a, handler_a, result="partly", reply="改"),
        lambda: services.transfer(complaint_a, head_a, agency_b),
        lambda: services.accept(complaint_a, handler_a),
    ):
        assert _code(fn) == ErrorCode.ILLEGAL_TRANSITION
    complaint_a.refresh_from_db()
    assert complaint_a.reply == "经核查不属实。"


def test_rejected_is_final(complaint_a, handler_a, head_a, agency_b):
    services.reject(complaint_a, handler_a, "不属于本机关职责。")
    assert _code(lambda: services.accept(complaint_a, handler_a)) == ErrorCode.ILLEGAL_TRANSITION
    assert (
        _code(lambda: services.transfer(complaint_a, head_a, agency_b))
        == ErrorCode.ILLEGAL_TRANSITION
    )


def test_reject_needs_reason_conclude_needs_reply(complaint_a, handler_a):
    with pytest.raises(DomainError, match="须说明理由"):
        services.reject(complaint_a, handler_a, "  ")
    services.accept(complaint_a, handler_a)
    with pytest.raises(DomainError, match="须填写答复内容"):
        services.conclude(complaint_a, handler_a, result="partly", reply="")
    with pytest.raises(DomainError, match="请选择办理结果"):
        services.conclude(complaint_a, handler_a, result="maybe", reply="答复")


def test_never_deleted(complaint_a):
    with pytest.raises(DomainError, match="不能删除"), transaction.atomic():
        complaint_a.delete()
    with pytest.raises(DomainError), transaction.atomic():
        Complaint.objects.all().delete()
    assert Complaint.objects.filter(pk=complaint_a.pk).exists()


def test_roles_accept(complaint_a, reviewer_a, handler_b, supervisor, head_a):
    for user in (reviewer_a, handler_b, supervisor):
        assert _code(lambda u=user: services.accept(complaint_a, u)) == ErrorCode.PERMISSION_DENIED
    assert services.accept(complaint_a, head_a).status == ComplaintStatus.ACCEPTED


def test_transfer_head_or_supervisor_only(complaint_a, handler_a, head_a, supervisor, agency_b):
    assert (
        _code(lambda: services.transfer(complaint_a, handler_a, agency_b))
        == ErrorCode.PERMISSION_DENIED
    )
    services.accept(complaint_a, handler_a)
    c = services.transfer(complaint_a, head_a, agency_b, "属生态环境部门职责。")
    assert c.agency_id == agency_b.pk and c.status == ComplaintStatus.SUBMITTED
    assert c.original_agency_id != agency_b.pk
    # the supervisor (scope covers B) may transfer it back
    c = services.transfer(c, supervisor, complaint_a.original_agency)
    assert c.agency_id == complaint_a.original_agency_id and c.transfers == 2


def test_transfer_head_of_other_agency_refused(complaint_a, head_b, agency_b):
    assert (
        _code(lambda: services.transfer(complaint_a, head_b, agency_b))
        == ErrorCode.PERMISSION_DENIED
    )


def test_transfer_to_same_or_supervisor_agency_refused(complaint_a, head_a, agency_a, sfj):
    for target in (agency_a, sfj):
        with pytest.raises(DomainError, match="另一个有效的执法机关"):
            services.transfer(complaint_a, head_a, target)


def test_concluded_row_cannot_be_saved_by_any_path(complaint_a, handler_a):
    services.accept(complaint_a, handler_a)
    services.conclude(complaint_a, handler_a, result="partly", reply="部分属实。")
    complaint_a.reply = "改写的答复"
    with pytest.raises(DomainError, match="不可更改"), transaction.atomic():
        complaint_a.save()
    complaint_a.refresh_from_db()
    assert complaint_a.reply == "部分属实。"
