"""Fixtures of the evaluation tests: closed/archived case files and rounds.

Case files are written with the ORM directly (a case driven through every step of the real
services takes seconds; the case lifecycle is tested in tests/cases). ``test_demo`` checks
the flow on cases closed and archived through the real services."""

import datetime as dt

import pytest
from django.utils import timezone

from sanxiang.cases.models import Case, CaseSource, OpeningStatus, Stage
from sanxiang.core.fields import CaseActType, EnforcementField
from sanxiang.evaluation import services
from tests.conftest import REGION

PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEYS_DIR = tmp_path / "keys"


def at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def closed_case(agency, n, closed_on=dt.date(2026, 3, 10), stage=Stage.ARCHIVED):
    return Case.objects.create(
        agency=agency,
        act_type=CaseActType.PENALTY_GENERAL,
        number=f"{agency.short_name}立〔2026〕{n}号",
        title=f"测试案件{n}",
        stage=stage,
        opening_status=OpeningStatus.APPROVED,
        field=(agency.fields or [EnforcementField.MARKET])[0],
        region=REGION,
        source=CaseSource.COMPLAINT,
        closed_at=at(closed_on) if closed_on else None,
        archived_at=at(closed_on) if stage == Stage.ARCHIVED else None,
    )


def closed_cases(agency, count, start=1, **kw):
    return [closed_case(agency, n, **kw) for n in range(start, start + count)]


def make_round(supervisor, agencies, **over):
    data = {
        "title": "2026年上半年行政执法案卷评查",
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "agencies": agencies,
        "ratio": 10,
        "min_per_agency": 1,
    }
    data.update(over)
    return services.create_round(supervisor.agency, supervisor, **data)


@pytest.fixture
def round_ab(supervisor, agency_a, agency_b):
    return make_round(supervisor, [agency_a, agency_b])


@pytest.fixture
def sampled(round_ab, supervisor, agency_a, agency_b):
    """12 closed files of A, 3 of B: 10 % → 2 of A, 1 of B."""
    closed_cases(agency_a, 12)
    closed_cases(agency_b, 3)
    return services.sample(round_ab, supervisor, seed_hex="ab" * 32)


def full(**over):
    """Deductions dict with notes for every deduction."""
    return {code: (value, f"{code}扣分理由") for code, value in over.items()}


def first_sheet(rnd):
    return rnd.sheets.order_by("order").first()


def sheet_post(**over):
    """The scoring form's fields, nothing deducted, confirmed (提交评分 asks first)."""
    data = {f"d_{i.code}": "0" for i in services.checklist.items()}
    data.update({f"n_{i.code}": "" for i in services.checklist.items()})
    data["confirm"] = "1"
    data.update(over)
    return data


@pytest.fixture
def rect(sampled, supervisor, agency_a):
    """A 整改通知 for agency A's first sheet (70 分, 基本合格)."""
    sheet = sampled.sheets.filter(agency=agency_a).order_by("order").first()
    sheet = services.submit_sheet(
        sheet, supervisor, deductions=full(facts=15, procedure=15), comment="问题较多"
    )
    assert sheet.grade == "basic"
    return services.issue_rectification(sheet, supervisor, requirements="补正送达回证。")
