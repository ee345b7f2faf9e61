"""Certificates: issue, suspend, reinstate, revoke, and 'may this officer enforce'."""

import datetime as dt

import pytest

from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.core.fields import EnforcementField
from sanxiang.ledger.models import Leaf
from sanxiang.org import services
from sanxiang.org.models import CertificateEvent, CertificateStatus, Officer

from ..conftest import REGION


def test_valid_certificate_allows_field_region_and_date(officer_a1):
    check = services.may_enforce(officer_a1, EnforcementField.MARKET, REGION, dt.date(2026, 5, 1))
    assert check.allowed and check.certificate.number == "TEST-A-0001"


def test_sub_region_is_covered(officer_a1):
    assert services.may_enforce(
        officer_a1, EnforcementField.MARKET, REGION + "城关镇", dt.date(2026, 5, 1)
    )


def test_other_field_refused_with_reason(officer_a1):
    check = services.may_enforce(
        officer_a1, EnforcementField.ENVIRONMENT, REGION, dt.date(2026, 5, 1)
    )
    assert not check and "不含“生态环境”执法类别" in check.reason


def test_other_region_refused(officer_a1):
    check = services.may_enforce(officer_a1, EnforcementField.MARKET, "别的县", dt.date(2026, 5, 1))
    assert not check and "执法区域" in check.reason


def test_expired_and_not_yet_valid(officer_a1):
    assert (
        "过期"
        in services.may_enforce(
            officer_a1, EnforcementField.MARKET, REGION, dt.date(2030, 1, 1)
        ).reason
    )
    assert (
        "才生效"
        in services.may_enforce(
            officer_a1, EnforcementField.MARKET, REGION, dt.date(2023, 1, 1)
        ).reason
    )


def test_no_certificate(handler_a):
    officer = Officer.objects.create(agency=handler_a.agency, name="无证人员")
    assert "未取得执法证" in services.may_enforce(officer, EnforcementField.MARKET, REGION).reason


def test_suspend_reinstate_revoke_history_and_ledger(officer_a1, supervisor):
    cert = officer_a1.certificates.get()
    before = Leaf.objects.count()
    services.change_certificate_status(cert, "suspend", reason="年度考核不合格", actor=supervisor)
    check = services.may_enforce(officer_a1, EnforcementField.MARKET, REGION, dt.date(2026, 5, 1))
    assert not check and "暂扣" in check.reason
    services.change_certificate_status(cert, "reinstate", reason="培训合格", actor=supervisor)
    assert services.may_enforce(officer_a1, EnforcementField.MARKET, REGION, dt.date(2026, 5, 1))
    services.change_certificate_status(cert, "revoke", reason="调离执法岗位", actor=supervisor)
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.REVOKED
    assert list(
        CertificateEvent.objects.filter(certificate=cert).values_list("action", flat=True)
    ) == [
        "issue",
        "suspend",
        "reinstate",
        "revoke",
    ]
    assert Leaf.objects.count() == before + 3
    with pytest.raises(DomainError, match="已吊销"):
        services.change_certificate_status(cert, "reinstate", reason="x", actor=supervisor)


def test_reason_required_and_illegal_transition(officer_a1, supervisor):
    cert = officer_a1.certificates.get()
    with pytest.raises(DomainError, match="必须填写原因"):
        services.change_certificate_status(cert, "suspend", reason=" ", actor=supervisor)
    with pytest.raises(DomainError, match="不能恢复"):
        services.change_certificate_status(cert, "reinstate", reason="无", actor=supervisor)


def test_handler_may_not_change_certificates(officer_a1, handler_a):
    with pytest.raises(PermissionDenied):
        services.change_certificate_status(
            officer_a1.certificates.get(), "revoke", reason="x", actor=handler_a
        )


def test_duplicate_number_refused(officer_a1, officer_a2):
    with pytest.raises(DomainError, match="已存在"):
        services.issue_certificate(
            officer=officer_a2,
            number="TEST-A-0001",
            fields=["market"],
            region=REGION,
            issued_on=dt.date(2024, 1, 1),
            expires_on=dt.date(2026, 1, 1),
        )


def test_issue_is_a_ledger_event(handler_a2):
    before = Leaf.objects.count()
    officer = Officer.objects.create(agency=handler_a2.agency, name="新证人员")
    services.issue_certificate(
        officer=officer,
        number="NEW-1",
        fields=["market"],
        region=REGION,
        issued_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2028, 1, 1),
    )
    leaf = Leaf.objects.order_by("-index").first()
    assert Leaf.objects.count() == before + 1
    assert "NEW-1" in leaf.subject


def test_certificate_page_shows_field_names_in_chinese(client_for, supervisor, officer_a1):
    page = client_for(supervisor).get("/org/certificates/TEST-A-0001/").content.decode()
    assert "市场监管" in page and "暂扣" in page
