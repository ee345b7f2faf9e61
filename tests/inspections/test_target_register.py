"""The target register (检查对象名录库): USCI checks, duplicates, one register per
agency, who may (de)activate a target. The CSV import: test_imports.py."""

import pytest

from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.inspections import services
from sanxiang.inspections.models import Target

from .conftest import add_targets, usci


def test_add_target_validates_usci_and_duplicates(agency_a, handler_a):
    bad = usci(1)[:-1] + ("0" if usci(1)[-1] != "0" else "1")
    with pytest.raises(DomainError) as err:
        services.add_target(agency_a, handler_a, name="甲公司", usci=bad, risk_class="A")
    assert "校验位" in str(err.value)
    services.add_target(agency_a, handler_a, name="甲公司", usci=usci(1).lower(), risk_class="A")
    assert Target.objects.get().usci == usci(1)
    with pytest.raises(DomainError) as err:
        services.add_target(agency_a, handler_a, name="甲公司", usci=usci(1), risk_class="A")
    assert "已在名录库中" in str(err.value)
    with pytest.raises(DomainError):
        services.add_target(agency_a, handler_a, name="乙公司", usci=usci(2), risk_class="E")


def test_same_usci_in_two_agencies(agency_a, agency_b, handler_a, handler_b):
    services.add_target(agency_a, handler_a, name="甲公司", usci=usci(1), risk_class="A")
    services.add_target(agency_b, handler_b, name="甲公司", usci=usci(1), risk_class="D")
    with pytest.raises(PermissionDenied):
        services.add_target(agency_a, handler_b, name="乙公司", usci=usci(2), risk_class="B")


def test_set_target_active_needs_permission(agency_a, handler_a, handler_b, reviewer_a):
    (target,) = add_targets(agency_a, handler_a, {"A": 1})
    for user in (handler_b, reviewer_a):
        with pytest.raises(PermissionDenied):
            services.set_target_active(target, user, False)
    target.refresh_from_db()
    assert target.is_active
