"""Fixtures of the case tests: catalogue powers and helpers that drive a case through
the real services."""

import datetime as dt

import pytest
from django.utils import timezone

from sanxiang.cases import services
from sanxiang.cases.models import CaseSource
from sanxiang.catalog.models import CatalogKind, CatalogVersion, Power, VersionStatus
from sanxiang.core.fields import ActType, CaseActType, EnforcementField, PartyType, PenaltyKind
from sanxiang.org.models import Role
from tests.conftest import make_user

# valid test identity numbers (GB 11643 / GB 32100 check characters)
PERSON_ID = "110101199003077774"
COMPANY_USCI = "91110108MA01ABCD0B"


def _publish_powers(agency, head, rows):
    """A published powers catalogue (built on the catalog models directly so these tests do
    not depend on the catalogue's editing workflow)."""
    version = CatalogVersion.objects.create(
        agency=agency, kind=CatalogKind.POWERS, number=1, created_by=head
    )
    for row in rows:
        Power.objects.create(version=version, agency=agency, **row)
    CatalogVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, effective_from=dt.date(2024, 1, 1), published_by=head
    )
    return {p.act_type: p for p in Power.objects.filter(version=version).select_related("version")}


def power_row(code, name, act_type, field):
    return {
        "code": code,
        "name": name,
        "act_type": act_type,
        "field": field,
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
    }


@pytest.fixture(autouse=True)
def _isolated_gates(monkeypatch):
    """These tests exercise the case lifecycle's own rules: the legal-review gate that
    ``decide`` calls (``effects.review_gate``) and the activity checks other apps register
    (A/V requirements) are set aside here and tested in their apps; a test that needs a
    gate patches ``effects.review_gate`` with its own."""
    from sanxiang.cases import gates
    from sanxiang.cases.services import effects

    monkeypatch.setattr(effects, "review_gate", lambda case, document, actor: None)
    saved = list(gates._activity_checks)
    gates._activity_checks.clear()
    yield
    gates._activity_checks[:] = saved


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def steady_calendar(settings):
    """Query-count tests: the working-day calendar re-checks its revision token once a
    second (``WORKDAYS_REVISION_CHECK_SECONDS``), which would add queries to whichever
    request happens to cross that second; keep the loaded snapshot for the test."""
    settings.WORKDAYS_REVISION_CHECK_SECONDS = 3600


@pytest.fixture
def powers_a(agency_a, head_a):
    m = EnforcementField.MARKET
    return _publish_powers(
        agency_a,
        head_a,
        [
            power_row(
                "SJ-CF-001", "对生产经营不符合食品安全标准的食品的行政处罚", ActType.PENALTY, m
            ),
            power_row(
                "SJ-QZ-001", "对有证据证明不符合食品安全标准的食品的查封扣押", ActType.COERCION, m
            ),
            power_row("SJ-JC-001", "对食品生产经营者的监督检查", ActType.INSPECTION, m),
            power_row("SJ-XK-001", "食品经营许可", ActType.LICENSING, m),
        ],
    )


@pytest.fixture
def power_a(powers_a):
    return powers_a[ActType.PENALTY]


@pytest.fixture
def powers_b(agency_b, head_b):
    return _publish_powers(
        agency_b,
        head_b,
        [
            power_row(
                "HB-CF-001",
                "对超标排放大气污染物的行政处罚",
                ActType.PENALTY,
                EnforcementField.ENVIRONMENT,
            )
        ],
    )


@pytest.fixture
def officer_a3(agency_a):
    from tests.conftest import make_officer

    user = make_user("handler_a3", Role.HANDLER, agency_a, "周执法")
    return make_officer(user, EnforcementField.MARKET, "TEST-A-0003")


@pytest.fixture
def chair_user(agency_a):
    """A staff member of agency A who is not an investigator (hearing chair)."""
    return make_user("chair_a", Role.REVIEWER, agency_a, "冯主持")


def company_party(**over):
    data = {
        "party_type": PartyType.LEGAL_PERSON,
        "name": "测试县好味食品有限公司",
        "usci": COMPANY_USCI,
        "legal_representative": "陈某",
        "address": "测试县城关镇兴业路8号",
        "phone": "0571-88880000",
    }
    data.update(over)
    return data


def person_party(**over):
    data = {
        "party_type": PartyType.NATURAL_PERSON,
        "name": "张三",
        "id_number": PERSON_ID,
        "address": "测试县城关镇人民路1号",
    }
    data.update(over)
    return data


def days_ago(n):
    return timezone.now() - dt.timedelta(days=n)


LATE_REASON = "纸质记录事后补录（测试）"


def late(at):
    """The 补录 reason the services need for an act dated ``at`` (empty when on time)."""
    if at is None:
        return ""
    lag = (timezone.localdate() - timezone.localdate(at)).days
    return LATE_REASON if lag > services.dates.late_entry_days() else ""


class Flow:
    """Drives a general-procedure case step by step (each step through the services)."""

    def __init__(self, handler, head, officers, power, party=None):
        self.handler, self.head, self.officers, self.power = handler, head, officers, power
        self.party = party or company_party()

    def opened(self, at=None, act_type=CaseActType.PENALTY_GENERAL, power=None):
        case = services.open_case(
            agency=self.handler.agency,
            actor=self.handler,
            act_type=act_type,
            title="销售超过保质期的食品",
            source=CaseSource.COMPLAINT,
            power=power or self.power,
            place="测试县城关镇农贸市场",
            facts="群众投诉当事人销售过期食品。",
            parties=[self.party],
            officers=self.officers,
        )
        at = at or days_ago(50)
        return services.approve_opening(case, self.head, at=at, late_reason=late(at))

    def investigating(self, **kw):
        case = self.opened(**kw)
        services.start_investigation(
            case, self.handler, at=days_ago(49), late_reason=late(days_ago(49))
        )
        services.record_event(
            case,
            self.handler,
            activity="on_site_inspection",
            description="对经营场所进行现场检查，发现过期食品12袋。",
            at=days_ago(48),
            officers=self.officers,
            evidence=["现场照片6张", "现场检查笔录"],
            late_reason=late(days_ago(48)),
        )
        case.refresh_from_db()
        return case

    def in_decision(self, fine="5000", kinds=(PenaltyKind.FINE,), **kw):
        case = self.investigating(**kw)
        services.finish_investigation(
            case,
            self.handler,
            report="事实清楚，证据确凿，建议罚款。",
            proposed_penalty_kinds=list(kinds),
            proposed_fine=fine,
            at=days_ago(45),
            late_reason=late(days_ago(45)),
        )
        case.refresh_from_db()
        return case

    def noticed(self, fine="5000", kinds=(PenaltyKind.FINE,), at=None, **kw):
        case = self.in_decision(fine=fine, kinds=kinds, **kw)
        services.send_prior_notice(
            case,
            self.handler,
            facts="当事人销售过期食品12袋。",
            reasons="违反食品安全法第三十四条。",
            basis="《中华人民共和国食品安全法》第一百二十四条",
            penalty_kinds=list(kinds),
            fine=fine,
            notice_at=at or days_ago(25),
            late_reason=late(at or days_ago(25)),
        )
        case.refresh_from_db()
        return case

    def decided(self, fine="5000", **kw):
        case = self.noticed(fine=fine, **kw)
        services.decide(
            case,
            actor=self.head,
            outcome="penalty",
            penalty_kinds=["fine"],
            fine=fine,
            summary="罚款",
            decided_at=days_ago(10),
            late_reason=late(days_ago(10)),
        )
        case.refresh_from_db()
        return case


@pytest.fixture
def flow(handler_a, head_a, officer_a1, officer_a2, power_a):
    return Flow(handler_a, head_a, [officer_a1, officer_a2], power_a)
