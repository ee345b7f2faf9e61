import datetime as dt

import pytest
from django.db import transaction

from sanxiang.complaints import services
from sanxiang.complaints.models import (
    Complaint,
    ComplaintKind,
    ComplaintResult,
    ComplaintStatus,
)
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.ledger.models import Leaf

from .conftest import submit

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- submission


def test_content_required(agency_a):
    with pytest.raises(DomainError, match="请填写投诉举报内容"):
        submit(agency_a, content="   ")


def test_content_at_most_2000(agency_a):
    submit(agency_a, content="字" * 2000)
    with pytest.raises(DomainError, match="不能超过2000个字"):
        submit(agency_a, content="字" * 2001)


def test_complaint_needs_name_and_phone_report_may_be_anonymous(agency_a):
    with pytest.raises(DomainError, match="投诉须留下联系电话"):
        submit(agency_a, phone="")
    with pytest.raises(DomainError, match="投诉须留下姓名"):
        submit(agency_a, name="")
    complaint, _ = submit(agency_a, kind=ComplaintKind.REPORT, name="", phone="")
    assert complaint.name == "" and complaint.phone == ""


@pytest.mark.parametrize("phone", ["12345", "1380057123", "23800571234", "0571-12", "abc"])
def test_bad_phone_refused(agency_a, phone):
    with pytest.raises(DomainError, match="联系电话格式不正确"):
        submit(agency_a, phone=phone)


@pytest.mark.parametrize("phone", ["13800571234", "0571-87654321", "057187654321", "010 6512 3456"])
def test_good_phones(agency_a, phone):
    complaint, _ = submit(agency_a, phone=phone)
    assert complaint.phone.replace("-", "").isdigit()


def test_only_enforcement_agencies(sfj):
    with pytest.raises(DomainError, match="请选择被投诉举报的执法机关"):
        submit(sfj)


# --------------------------------------------------------------------------- numbering, code


def test_numbers_gap_free_per_day(agency_a, agency_b, clock):
    clock(dt.date(2026, 11, 23))
    numbers = [submit(a)[0].number for a in (agency_a, agency_b, agency_a)]
    assert numbers == ["TS2026112300001", "TS2026112300002", "TS2026112300003"]
    # a refused submission takes no number
    with pytest.raises(DomainError):
        submit(agency_a, content="")
    assert submit(agency_a)[0].number == "TS2026112300004"
    clock(dt.date(2026, 11, 24))
    assert submit(agency_a)[0].number == "TS2026112400001"


def test_code_stored_only_as_hmac(with_code_a):
    complaint, code = with_code_a
    assert len(code) == services.CODE_LENGTH
    row = Complaint.objects.get(pk=complaint.pk)
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert services.lookup(complaint.number, code).pk == complaint.pk
    assert services.lookup(complaint.number, code.lower()).pk == complaint.pk
    assert services.lookup(complaint.number, "WRONGCODE1") is None
    assert services.lookup("TS2000010100001", code) is None


def test_code_survives_a_secret_key_rotation(with_code_a, settings):
    """The 查询码 digest uses the platform's complaints key under KEYS_DIR, not SECRET_KEY:
    rotating Django's secret must not lock complainants out of their answer."""
    complaint, code = with_code_a
    settings.SECRET_KEY = "rotated-" + "x" * 50
    assert services.lookup(complaint.number, code).pk == complaint.pk
    key_file = settings.KEYS_DIR / services.HMAC_KEY_FILE
    assert len(key_file.read_bytes().strip()) == 64
    assert oct(key_file.stat().st_mode)[-3:] == "600"


# --------------------------------------------------------------------------- state machine


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


# --------------------------------------------------------------------------- roles


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


# --------------------------------------------------------------------------- deadlines


def test_accept_deadline_counts_working_days_over_holidays(agency_a, clock):
    # Thu 2026-09-24; 25–27 中秋, 10-01..07 国庆 → the 5th working day is Fri 10-09
    clock(dt.date(2026, 9, 24))
    complaint, _ = submit(agency_a)
    d = services.deadline(complaint, today=dt.date(2026, 9, 24))
    assert d.due == dt.date(2026, 10, 9) and d.remaining == 5 and not d.overdue
    late = services.deadline(complaint, today=dt.date(2026, 10, 12))
    assert late.overdue and late.overdue_days == 2  # Sat 10-10 is a make-up working day


def test_conclude_deadline_30_working_days_from_acceptance(complaint_a, handler_a, clock):
    clock(dt.date(2026, 9, 30))
    services.accept(complaint_a, handler_a)
    complaint_a.refresh_from_db()
    d = services.deadline(complaint_a, today=dt.date(2026, 9, 30))
    assert d.label == "办结期限"
    assert d.due == dt.date(2026, 11, 17)  # not 11-11: 国庆 off, 10-10 make-up day counts


def test_weekend_after_due_date_is_overdue(agency_a, clock):
    clock(dt.date(2026, 11, 16))  # Monday → due Monday 11-23
    complaint, _ = submit(agency_a)
    assert services.deadline(complaint, today=dt.date(2026, 11, 23)).remaining == 0
    assert services.deadline(complaint, today=dt.date(2026, 11, 23)).overdue is False
    assert services.deadline(complaint, today=dt.date(2026, 11, 28)).overdue  # Saturday after


def test_transfer_restarts_acceptance_clock(agency_a, agency_b, head_a, clock):
    clock(dt.date(2026, 11, 2))
    complaint, _ = submit(agency_a)
    clock(dt.date(2026, 11, 16))
    c = services.transfer(complaint, head_a, agency_b)
    assert services.deadline(c, today=dt.date(2026, 11, 16)).due == dt.date(2026, 11, 23)


def test_no_deadline_once_answered(complaint_a, handler_a):
    services.reject(complaint_a, handler_a, "重复投诉。")
    assert services.deadline(complaint_a) is None


# --------------------------------------------------------------------------- ledger


def test_every_change_in_ledger_without_personal_data(agency_a, agency_b, handler_a, head_a):
    complaint, code = submit(agency_a, name="陈秀英", phone="13912345678", content="秘密内容甲乙丙")
    services.accept(complaint, handler_a)
    services.transfer(complaint, head_a, agency_b, "转生态环境分局")
    leaves = list(Leaf.objects.filter(subject=f"complaint:{complaint.number}").order_by("index"))
    assert [leaf.event_type for leaf in leaves] == [
        "complaints.submitted",
        "complaints.accepted",
        "complaints.transferred",
    ]
    text = " ".join(leaf.content for leaf in leaves)
    for secret in ("陈秀英", "13912345678", "秘密内容甲乙丙", code, "转生态环境分局"):
        assert secret not in text
    assert leaves[0].payload["complainant_hmac"] == services._digest("陈秀英", "13912345678")


def test_concluded_row_cannot_be_saved_by_any_path(complaint_a, handler_a):
    services.accept(complaint_a, handler_a)
    services.conclude(complaint_a, handler_a, result="partly", reply="部分属实。")
    complaint_a.reply = "改写的答复"
    with pytest.raises(DomainError, match="不可更改"), transaction.atomic():
        complaint_a.save()
    complaint_a.refresh_from_db()
    assert complaint_a.reply == "部分属实。"
