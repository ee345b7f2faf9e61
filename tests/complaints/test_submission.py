"""Submitting a complaint: what the form must hold, the gap-free 受理编号, the 查询码 kept only as an HMAC."""

import datetime as dt

import pytest

from sanxiang.complaints import services
from sanxiang.complaints.models import (
    Complaint,
    ComplaintKind,
)
from sanxiang.core.errors import DomainError

from .conftest import submit

pytestmark = pytest.mark.django_db


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
