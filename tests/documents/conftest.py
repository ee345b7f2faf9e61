"""Fixtures of the documents tests: a penalty case of agency A built through the case
services, and helpers that fill and issue documents."""

import datetime as dt
from decimal import Decimal

import pytest

from sanxiang.core.fields import ActType, CaseActType, EnforcementField, PartyType, PenaltyKind
from sanxiang.documents import services
from sanxiang.documents.kinds import SPECS

COMPANY_USCI = "91110108MA01ABCD0B"
PARTY_NAME = "测试县好味食品有限公司"
LONG_TEXT = (
    "经查，当事人于2026年9月至10月期间在其经营场所销售超过保质期的“鲜味”牌酱油（规格500毫升/瓶）"
    "共计36瓶，货值金额人民币1,080元，违法所得人民币216元。上述事实有现场检查笔录、询问笔录、"
    "进货凭证、照片等证据证实。〔特殊字符：鑫、淼、犇、麤、龘、喆、镕、堃〕"
)


def publish_powers(agency, head):
    """A published powers catalogue, built on the catalog models directly."""
    from sanxiang.catalog.models import CatalogKind, CatalogVersion, Power, VersionStatus

    version = CatalogVersion.objects.create(
        agency=agency, kind=CatalogKind.POWERS, number=1, created_by=head
    )
    power = Power.objects.create(
        version=version,
        agency=agency,
        code="SJ-CF-001",
        name="对经营超过保质期的食品的行政处罚",
        act_type=ActType.PENALTY,
        field=EnforcementField.MARKET,
        legal_basis="《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
    )
    CatalogVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, effective_from=dt.date(2024, 1, 1), published_by=head
    )
    return power


@pytest.fixture
def case_a(agency_a, handler_a, head_a, officer_a1, officer_a2):
    from sanxiang.cases import services as cases
    from sanxiang.cases.models import Case, CaseSource

    power = publish_powers(agency_a, head_a)
    case = cases.open_case(
        agency=agency_a,
        actor=handler_a,
        act_type=CaseActType.PENALTY_GENERAL,
        title="销售超过保质期的食品案",
        source=CaseSource.INSPECTION,
        power=power,
        place="测试县城关镇兴业路8号",
        facts=LONG_TEXT,
        parties=[
            {
                "party_type": PartyType.LEGAL_PERSON,
                "name": PARTY_NAME,
                "usci": COMPANY_USCI,
                "legal_representative": "陈某",
                "address": "测试县城关镇兴业路8号",
                "phone": "0571-88880000",
            }
        ],
        officers=[officer_a2],
    )
    # test data: the proposed penalty as finish_investigation would record it
    Case.objects.filter(pk=case.pk).update(
        number="市场监管局立〔2026〕7号",
        proposed_penalty_kinds=[PenaltyKind.WARNING, PenaltyKind.FINE],
        proposed_fine=Decimal("5000.00"),
    )
    case.refresh_from_db()
    return case


def complete_content(kind, base=None):
    """Fill every empty mandatory element of ``kind`` with plausible text."""
    content = {}
    base = base or {}
    for f in SPECS[kind].fields:
        if f.auto or (base.get(f.key) or "").strip():
            continue
        if f.widget == "date":
            content[f.key] = "2026-11-20"
        elif f.widget == "datetime":
            when = dt.date.today() + dt.timedelta(days=14)
            content[f.key] = f"{when.isoformat()}T09:30"
        elif f.required:
            content[f.key] = f"{f.label}：{LONG_TEXT[:40]}"
    return content


@pytest.fixture
def make_issued(case_a, handler_a, head_a):
    """make(kind) -> an issued document of case_a (decisions issued by the head)."""

    def make(kind="penalty_decision", case=None, actor=None, extra=None):
        case = case or case_a
        actor = actor or (head_a if SPECS[kind].decision else handler_a)
        doc = services.create_draft(case, kind, {}, actor)
        content = complete_content(kind, doc.content)
        content.update(extra or {})
        doc = services.update_draft(doc, content, actor)
        return services.issue_document(doc, actor)

    return make


@pytest.fixture(autouse=True)
def _without_review_gate(request):
    """``issue_document`` calls the legal-review gate for decisions; these tests exercise
    the documents mechanics, so the gate is set aside unless a test uses the
    ``review_gate`` fixture (see test_services.test_review_gate_*). Its own MonkeyPatch:
    a test's ``monkeypatch.undo()`` must not bring the gate back halfway through."""
    if "review_gate" in request.fixturenames:
        yield
        return
    from sanxiang.review import services as review

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(review, "gate", lambda case, document, actor: None)
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The fixtures create several users; PBKDF2 would dominate these tests' run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def review_gate():
    """Keep the legal-review app's issue guard attached in this test."""
    return True
