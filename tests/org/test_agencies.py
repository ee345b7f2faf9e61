import pytest

from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.org import services
from sanxiang.org.demo import make_usci
from sanxiang.org.models import Agency, AgencyLevel, Role


def test_wrong_check_character_refused(db):
    good = make_usci("11", "339999", "MB1TQ0009")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(DomainError, match="校验位错误"):
        services.create_agency(name="某局", level=AgencyLevel.COUNTY, usci=bad, region="某县")
    assert not Agency.objects.exists()


def test_tree_paths_and_subtree(sfj, agency_a, agency_b):
    assert agency_a.path.startswith(sfj.path) and agency_a.path != sfj.path
    assert set(Agency.objects.subtree_of(sfj)) == {sfj, agency_a, agency_b}
    assert list(agency_a.ancestors()) == [sfj, agency_a]


def test_duplicate_usci_refused(agency_a):
    with pytest.raises(DomainError, match="已被其他机关使用"):
        services.create_agency(
            name="重复", level=AgencyLevel.COUNTY, usci=agency_a.usci, region="x"
        )


def test_unknown_field_refused(db):
    with pytest.raises(DomainError, match="未知的执法领域"):
        services.create_agency(
            name="某局",
            level=AgencyLevel.COUNTY,
            usci=make_usci("11", "339999", "MB1TQ0010"),
            region="某县",
            fields=["astrology"],
        )


def test_only_admin_creates_agencies(handler_a):
    with pytest.raises(PermissionDenied):
        services.create_agency(
            name="某局",
            level=AgencyLevel.COUNTY,
            usci=make_usci("11", "339999", "MB1TQ0011"),
            region="某县",
            actor=handler_a,
        )


def test_supervisor_must_belong_to_supervisor_agency(agency_a):
    with pytest.raises(DomainError, match="司法行政部门"):
        services.create_user(
            username="x", password="Abc-12345-x", role=Role.SUPERVISOR, agency=agency_a
        )
