"""Fixtures of the alert tests: a frozen clock (2026-11-23 10:00 Beijing time) and small
ORM builders for the records the rules read (the other apps' lifecycles are tested in
their own packages; here only the conditions matter)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from sanxiang.alerts import services
from sanxiang.alerts.models import Alert, AlertStatus
from sanxiang.cases.models import (
    Case,
    CaseEvent,
    CaseHandler,
    CaseSource,
    EventKind,
    HandlerRole,
    OpeningStatus,
    Party,
    Stage,
)
from sanxiang.core.fields import CaseActType, EnforcementField, PartyType
from tests.conftest import REGION

TODAY = dt.date(2026, 11, 23)
BJ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _frozen_clock():
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=BJ), tick=False):
        yield


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEYS_DIR = tmp_path / "keys"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def make_case(agency, n, **fields):
    data = {
        "agency": agency,
        "act_type": CaseActType.PENALTY_GENERAL,
        "number": f"{agency.short_name}立〔2026〕{n}号",
        "title": f"测试案件{n}",
        "stage": Stage.INVESTIGATION,
        "opening_status": OpeningStatus.APPROVED,
        "field": (agency.fields or [EnforcementField.MARKET])[0],
        "region": REGION,
        "source": CaseSource.INSPECTION,
        "opened_at": at(dt.date(2026, 10, 10)),
        "deadline": dt.date(2027, 1, 8),
    }
    data.update(fields)
    return Case.objects.create(**data)


def decided_case(agency, n, fine, **fields):
    data = {
        "stage": Stage.CLOSING,
        "decision_outcome": "penalty",
        "decision_at": at(dt.date(2026, 11, 2)),
        "fine": Decimal(fine),
        "penalty_kinds": ["fine"],
    }
    data.update(fields)
    return make_case(agency, n, **data)


def add_handler(case, officer, role=HandlerRole.MAIN):
    return CaseHandler.objects.create(case=case, officer=officer, role=role)


def add_party(case, name="某某食品有限公司", usci="91339999MA2AAAAA1X"):
    return Party.objects.create(case=case, party_type=PartyType.LEGAL_PERSON, name=name, usci=usci)


def activity(case, officers, day, kind="on_site_inspection", stage=Stage.INVESTIGATION):
    return CaseEvent.objects.create(
        case=case,
        kind=EventKind.ACTIVITY,
        stage=stage,
        activity=kind,
        at=at(day),
        summary="现场检查",
        data={"officers": [{"id": o.pk, "name": o.name} for o in officers]},
    )


def make_review(case, *, version=1, reviewer=None, discretion=None, **fields):
    from sanxiang.documents.models import Document
    from sanxiang.review.models import Review, ReviewScope

    doc = Document.objects.create(
        agency=case.agency, case=case, kind="penalty_decision", title="行政处罚决定书"
    )
    scope = ReviewScope.objects.create(case=case, agency=case.agency, document=doc, required=True)
    data = {
        "status": "concluded",
        "outcome": "agree",
        "deadline": dt.date(2026, 11, 20),
    }
    data.update(fields)
    return Review.objects.create(
        case=case,
        agency=case.agency,
        version=version,
        scope=scope,
        document=doc,
        draft_hash="0" * 64,
        proposal="拟处罚款",
        reviewer=reviewer,
        discretion=discretion or {},
        **data,
    )


def discretion_for(tier, fine=None):
    return {
        "applicable": True,
        "checked": True,
        "within": True,
        "minimum": str(tier.fine_min) if tier.fine_min is not None else None,
        "maximum": str(tier.fine_max) if tier.fine_max is not None else None,
        "fine": str(fine) if fine is not None else None,
        "tier": {"id": tier.pk, "name": tier.name, "standard": tier.standard},
    }


@pytest.fixture
def tiers(sfj, admin_user):
    """A published benchmark of the 司法局 with tiers 一般 (2000–6000) and 较重."""
    from sanxiang.catalog.models import (
        CatalogKind,
        CatalogVersion,
        DiscretionBenchmark,
        DiscretionTier,
        FineBasis,
        VersionStatus,
    )

    version = CatalogVersion.objects.create(
        agency=sfj, kind=CatalogKind.DISCRETION, number=1, created_by=admin_user
    )
    bench = DiscretionBenchmark.objects.create(
        version=version, code="SP-124-1", violation="经营超过保质期的食品"
    )
    out = {}
    for order, name, lo, hi in ((1, "一般", 2000, 6000), (2, "较重", 6000, 10000)):
        out[name] = DiscretionTier.objects.create(
            benchmark=bench,
            order=order,
            name=name,
            standard=f"处{lo}元以上{hi}元以下罚款",
            fine_basis=FineBasis.FIXED,
            fine_min=Decimal(lo),
            fine_max=Decimal(hi),
        )
    CatalogVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, effective_from=dt.date(2024, 1, 1)
    )
    return out


def publication(agency, n, **fields):
    from sanxiang.publicity.models import Publication

    data = {
        "agency": agency,
        "source_key": f"test:{agency.pk}:{n}",
        "category": "penalty",
        "document_number": f"测罚〔2026〕{n}号",
        "decision_date": dt.date(2026, 11, 2),
        "due_date": dt.date(2026, 11, 11),
        "status": "pending",
    }
    data.update(fields)
    return Publication.objects.create(**data)


def run(*codes, user=None):
    return services.run_rules(user, codes=set(codes) if codes else None)


def live(code, agency=None):
    qs = Alert.objects.filter(rule=code, status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED])
    if agency is not None:
        qs = qs.filter(agency=agency)
    return list(qs.order_by("id"))
