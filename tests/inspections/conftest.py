"""Fixtures of the inspections tests: a published random-inspection item for agency A
(and one for agency B), a third certified officer of A, and helpers for targets and plans."""

import datetime as dt

import pytest

from sanxiang.catalog.models import CatalogKind, CatalogVersion, InspectionItem, VersionStatus
from sanxiang.core.fields import EnforcementField
from sanxiang.inspections import services
from sanxiang.org.demo import make_usci
from sanxiang.org.models import Role
from tests.conftest import make_officer, make_user


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEYS_DIR = tmp_path / "keys"


def publish_item(agency, head, code):
    version = CatalogVersion.objects.create(
        agency=agency, kind=CatalogKind.INSPECTION, number=1, created_by=head
    )
    item = InspectionItem.objects.create(
        version=version,
        agency=agency,
        code=code,
        name="食品经营者监督检查",
        field=EnforcementField.MARKET,
        basis="《中华人民共和国食品安全法》第一百一十条",
        targets="辖区内持证食品经营者",
        ratio="不低于5%",
        method="双随机抽查，现场检查",
        frequency="每年1次",
    )
    CatalogVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, effective_from=dt.date(2024, 1, 1), published_by=head
    )
    return item


@pytest.fixture
def item_a(agency_a, head_a):
    return publish_item(agency_a, head_a, "SCJ-SC01")


@pytest.fixture
def item_b(agency_b, head_b):
    return publish_item(agency_b, head_b, "STHJ-SC01")


@pytest.fixture
def handler_a3(agency_a):
    return make_user("handler_a3", Role.HANDLER, agency_a, "张执法")


@pytest.fixture
def officer_a3(handler_a3):
    return make_officer(handler_a3, EnforcementField.MARKET, "TEST-A-0003")


@pytest.fixture
def inspectors_a(officer_a1, officer_a2, officer_a3):
    return [officer_a1, officer_a2, officer_a3]


def usci(n, prefix="91"):
    return make_usci(prefix, "339999", f"MA3QN{n:04d}")


def add_targets(agency, actor, counts, start=1):
    """counts: {"A": 3, "B": 11, ...} → that many active targets per class."""
    made, n = [], start
    for cls, count in counts.items():
        for _ in range(count):
            made.append(
                services.add_target(
                    agency, actor, name=f"测试对象{n}号", usci=usci(n), risk_class=cls
                )
            )
            n += 1
    return made


def plan_data(item, **over):
    data = {
        "item": item,
        "title": "2026年食品经营者双随机抽查",
        "start_date": dt.date(2026, 10, 1),
        "end_date": dt.date(2026, 12, 31),
        "ratio_a": 3,
        "ratio_b": 5,
        "ratio_c": 10,
        "ratio_d": 20,
        "inspectors_per_task": 2,
    }
    data.update(over)
    return data


@pytest.fixture
def plan_a(agency_a, handler_a, item_a):
    return services.create_plan(agency_a, handler_a, **plan_data(item_a))


@pytest.fixture
def drawn_plan(plan_a, handler_a, inspectors_a):
    """Agency A's plan drawn over 1 A, 2 B, 1 C, 1 D target (every class gets one task)."""
    add_targets(plan_a.agency, handler_a, {"A": 1, "B": 2, "C": 1, "D": 1})
    return services.draw(plan_a, handler_a)
