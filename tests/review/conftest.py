"""Fixtures of the review tests: a general-procedure penalty case of agency A in the
审查决定 stage, built through the case services, with a complete draft decision."""

import datetime as dt

import pytest
from django.utils import timezone

from sanxiang.cases import services as cases
from sanxiang.cases.models import CaseSource
from sanxiang.catalog.models import CatalogKind, CatalogVersion, Power, VersionStatus
from sanxiang.core.fields import ActType, CaseActType, EnforcementField, PartyType, PenaltyKind
from sanxiang.documents import services as documents
from sanxiang.documents.kinds import SPECS
from sanxiang.org.models import Role
from sanxiang.review import services
from sanxiang.review.models import CheckPoint, MaterialKind
from tests.conftest import make_user

COMPANY_USCI = "91110108MA01ABCD0B"
TODAY = dt.date(2026, 11, 23)  # a Monday


@pytest.fixture(autouse=True)
def _today():
    """The review tests run on TODAY (10:00 Beijing time), so that a discussion "held today"
    is today for the case timeline too, on whatever date the suite runs."""
    import time_machine

    with time_machine.travel(
        dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=True
    ):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEYS_DIR = tmp_path / "keys"


def days_ago(n):
    return timezone.now() - dt.timedelta(days=n)


# the case acts below are dated weeks back: paper records entered late (补录) need a reason
LATE = {"late_reason": "纸质记录事后补录（测试）"}


def publish_powers(agency, head):
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
        legal_basis="《中华人民共和国食品安全法》第一百二十四条",
    )
    CatalogVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, effective_from=dt.date(2024, 1, 1), published_by=head
    )
    return power


def complete_content(kind, base):
    content = {}
    for f in SPECS[kind].fields:
        if f.auto or (base.get(f.key) or "").strip():
            continue
        if f.widget == "date":
            content[f.key] = "2026-11-20"
        elif f.widget == "datetime":
            content[f.key] = "2026-12-20T09:30"
        elif f.required:
            content[f.key] = f"{f.label}：经查，当事人销售超过保质期的食品12袋。"
    return content


@pytest.fixture
def power_a(agency_a, head_a):
    return publish_powers(agency_a, head_a)


@pytest.fixture
def case_a(handler_a, head_a, officer_a1, officer_a2, power_a):
    """A general-procedure penalty case, notice sent, in the 审查决定 stage."""
    case = cases.open_case(
        agency=handler_a.agency,
        actor=handler_a,
        act_type=CaseActType.PENALTY_GENERAL,
        title="销售超过保质期的食品",
        source=CaseSource.COMPLAINT,
        power=power_a,
        place="测试县城关镇农贸市场",
        facts="群众投诉当事人销售过期食品。",
        parties=[
            {
                "party_type": PartyType.LEGAL_PERSON,
                "name": "测试县好味食品有限公司",
                "usci": COMPANY_USCI,
                "legal_representative": "陈某",
                "address": "测试县城关镇兴业路8号",
            }
        ],
        officers=[officer_a1, officer_a2],
    )
    cases.approve_opening(case, head_a, at=days_ago(40), **LATE)
    cases.start_investigation(case, handler_a, at=days_ago(39), **LATE)
    cases.record_event(
        case,
        handler_a,
        activity="on_site_inspection",
        description="对经营场所进行现场检查，发现过期食品12袋。",
        at=days_ago(38),
        officers=[officer_a1, officer_a2],
        evidence=["现场照片6张", "现场检查笔录"],
        **LATE,
    )
    case.refresh_from_db()
    cases.finish_investigation(
        case,
        handler_a,
        report="事实清楚，证据确凿，建议罚款。",
        proposed_penalty_kinds=[PenaltyKind.FINE],
        proposed_fine="5000",
        at=days_ago(30),
        **LATE,
    )
    case.refresh_from_db()
    cases.send_prior_notice(
        case,
        handler_a,
        facts="当事人销售过期食品12袋。",
        reasons="违反食品安全法第三十四条。",
        basis="《中华人民共和国食品安全法》第一百二十四条",
        penalty_kinds=[PenaltyKind.FINE],
        fine="5000",
        notice_at=days_ago(25),
        **LATE,
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def draft_a(case_a, handler_a):
    doc = documents.create_draft(case_a, "penalty_decision", {}, handler_a)
    return documents.update_draft(doc, complete_content("penalty_decision", doc.content), handler_a)


def materials(*skip):
    items = [
        {"kind": MaterialKind.PROPOSAL, "title": "处罚建议", "reference": "案卷第3页"},
        {
            "kind": MaterialKind.CLOSURE_REPORT,
            "title": "调查终结报告",
            "file": ("报告.txt", b"report"),
        },
        {
            "kind": MaterialKind.BASIS_EVIDENCE,
            "title": "法律依据和证据清单",
            "reference": "证据1-12",
        },
    ]
    return [m for m in items if m["kind"] not in skip]


def all_ok(**override):
    out = {p: {"result": "ok", "note": ""} for p in CheckPoint.values}
    for key, value in override.items():
        out[key] = value
    return out


PROBLEM = {"result": "problem", "note": "证据不足"}


@pytest.fixture
def reviewer_a2(agency_a):
    return make_user("reviewer_a2", Role.REVIEWER, agency_a, "孔审核")


class Steps:
    """Drive a review through the services."""

    def __init__(self, case, draft, handler, reviewer, head):
        self.case, self.draft, self.handler, self.reviewer, self.head = (
            case,
            draft,
            handler,
            reviewer,
            head,
        )

    def scoped(self, answers=None):
        return services.assess_scope(self.case, answers or {}, self.handler, document=self.draft)

    def submitted(self, draft=None, **kw):
        self.scoped()
        kw.setdefault("justification", "未对照裁量基准：本机关尚未发布本事项的裁量基准。")
        return services.submit_for_review(
            self.case,
            draft or self.draft,
            proposal="建议对当事人罚款5000元。",
            materials=materials(),
            actor=self.handler,
            **kw,
        )

    def accepted(self, review=None, today=TODAY):
        review = review or self.submitted()
        services.assign_reviewer(review, self.reviewer, self.head)
        return services.accept(review, self.reviewer, today=today)

    def opinion(self, kind="agree", review=None, findings=None):
        review = review or self.accepted()
        if findings is None:
            findings = all_ok() if kind == "agree" else all_ok(facts=PROBLEM)
            if kind == "transfer":
                findings = all_ok(crime={"result": "problem", "note": "涉嫌生产销售伪劣产品罪"})
        services.give_opinion(
            review, self.reviewer, kind=kind, reasoning="理由充分。", findings=findings
        )
        review.refresh_from_db()
        return review

    def decide(self, draft=None):
        return cases.decide(
            self.case,
            actor=self.head,
            outcome="penalty",
            document=draft or self.draft,
            penalty_kinds=["fine"],
            fine="5000",
            summary="罚款5000元",
            decided_at=timezone.now(),
        )


@pytest.fixture
def steps(case_a, draft_a, handler_a, reviewer_a, head_a):
    return Steps(case_a, draft_a, handler_a, reviewer_a, head_a)
