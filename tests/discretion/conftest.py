"""Fixtures of the discretion tests: the review tests' penalty case of agency A (proposed
fine 5,000 yuan, power SJ-CF-001) in the 审查决定 stage, a published benchmark of the
county's 司法局 with tiers, and helpers to add comparable decided fines."""

import datetime as dt
from decimal import Decimal

import pytest

from sanxiang.cases.models import Case, CaseSource
from sanxiang.catalog.models import (
    CatalogKind,
    CatalogVersion,
    DiscretionBenchmark,
    DiscretionTier,
    FineBasis,
    VersionStatus,
)
from sanxiang.core.fields import CaseActType, EnforcementField
from sanxiang.discretion.models import DecidedFine
from sanxiang.publicity.models import Publication, PublicationStatus
from tests.review.conftest import (  # noqa: F401  (fixtures re-used)
    LATE,
    Steps,
    _fast_passwords,
    _today,
    case_a,
    complete_content,
    days_ago,
    draft_a,
    materials,
    power_a,
    steps,
)

POWER = "SJ-CF-001"


@pytest.fixture
def benchmark(sfj, admin_user):
    """A published benchmark of the 司法局 (applies to every agency below it)."""
    return make_benchmark(sfj, admin_user)


def make_benchmark(agency, admin_user):
    """A published discretion benchmark of ``agency``: its tiers by name. Published rows are
    frozen by trigger (#11 item 10), so the version is made as published, not edited later."""
    version = CatalogVersion.objects.create(
        agency=agency, kind=CatalogKind.DISCRETION, number=1, created_by=admin_user
    )
    bench = DiscretionBenchmark.objects.create(
        version=version,
        code="SP-124-1",
        violation="经营超过保质期的食品",
        law_title="中华人民共和国食品安全法",
        legal_basis="《中华人民共和国食品安全法》第一百二十四条",
        power_code=POWER,
    )
    tiers = {}
    for order, name, lo, hi in ((1, "一般", 2000, 6000), (2, "较重", 6000, 10000)):
        tiers[name] = DiscretionTier.objects.create(
            benchmark=bench,
            order=order,
            name=name,
            standard=f"处{lo}元以上{hi}元以下罚款",
            fine_basis=FineBasis.FIXED,
            fine_min=Decimal(lo),
            fine_max=Decimal(hi),
            penalty_kinds=[],
        )
    CatalogVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, effective_from=dt.date(2024, 1, 1)
    )
    return tiers


@pytest.fixture
def tier(benchmark):
    return DiscretionTier.objects.select_related("benchmark__version__agency").get(
        pk=benchmark["一般"].pk
    )


class Comparables:
    """Adds decided fines (a bare decided case + its index row, optionally published)."""

    def __init__(self):
        self.n = 0

    def add(self, agency, fine, *, published=False, tier_name="一般", power=POWER):
        self.n += 1
        case = Case.objects.create(
            agency=agency,
            act_type=CaseActType.PENALTY_GENERAL,
            title=f"可比案件{self.n}",
            field=EnforcementField.MARKET,
            region="测试县",
            source=CaseSource.INSPECTION,
            stage="closing",
            decision_outcome="penalty",
            fine=Decimal(fine),
        )
        DecidedFine.objects.create(
            case=case,
            agency=agency,
            agency_path=agency.path,
            power_code=power,
            benchmark_code="SP-124-1",
            tier_name=tier_name,
            fine=Decimal(fine),
            decided_on=dt.date(2026, 6, 1),
        )
        if published:
            Publication.objects.create(
                agency=agency,
                source_key=f"test:{case.pk}",
                case_id=case.pk,
                category="penalty",
                decision_date=dt.date(2026, 6, 1),
                status=PublicationStatus.PUBLISHED,
            )
        return case


@pytest.fixture
def comparables(db):
    return Comparables()
