"""Query budgets (issue #17 item 5): every list page and list endpoint answers in a number of
queries that does not grow with its rows, so an N+1 fails here.

Each covered route is requested with 3 rows of the listed thing and again with 12 rows; the
query count at 12 may exceed the count at 3 by at most ``slack`` (0 unless the entry says why).
A guard test enumerates the URL conf and fails when a list route appears that is neither
covered here nor named in ``EXCLUDED`` / ``NOT_YET_COVERED`` with a reason. The guard's rule
for "list route" is: a DRF list action or ``ListModelMixin`` view, or any named route without
URL arguments (the workbench and portal index pages). List pages that take an argument (a
case's recordings) are covered where they matter but not found by the rule.

Pages render the header's to-do and unread counts (``notifications.inbox``) too, so a budget
here also holds the to-do providers to a per-kind, not per-row, cost.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from sanxiang.core.fields import EnforcementField
from sanxiang.records.models import Recording
from tests.complaints.conftest import submit
from tests.conftest import make_officer, make_user
from tests.evaluation.conftest import closed_case, make_round
from tests.inspections.conftest import add_targets, plan_data, publish_item
from tests.publicity.conftest import published

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SMALL, LARGE = 3, 12


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path, monkeypatch):
    # the session's last-activity stamp is rewritten once a minute (core.sessions): on a
    # loaded machine growing the rows can take that long, and the write is not the list's
    monkeypatch.setattr("sanxiang.core.sessions.TOUCH_EVERY", 10**9)
    # nor the calendar's revision re-check (once a second by default, workdays.calendar),
    # which lands in whichever request comes after it is due
    settings.WORKDAYS_REVISION_CHECK_SECONDS = 3600
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEYS_DIR = tmp_path / "keys"
    with time_machine.travel(NOW, tick=False):
        yield


class World:
    """The org fixtures plus a running counter so every grown row is unique."""

    def __init__(self, **kw):
        self.__dict__.update(kw)
        self.n = 0
        self.cache = {}

    def next(self):
        self.n += 1
        return self.n


# --- growers: grow(world, count) adds ``count`` rows of the listed thing ---------------------


def grow_cases(w, count):
    for _ in range(count):
        closed_case(w.agency_a, w.next(), closed_on=dt.date(2026, 5, 10))


def grow_publications(w, count):
    for _ in range(count):
        w.next()
        published(w.agency_a, w.handler_a)


def grow_complaints(w, count):
    for _ in range(count):
        w.next()
        submit(w.agency_a)


def grow_recordings(w, count):
    if "case" not in w.cache:
        w.cache["case"] = closed_case(w.agency_a, 900, closed_on=dt.date(2026, 5, 10))
    case = w.cache["case"]
    for _ in range(count):
        n = w.next()
        start = timezone.make_aware(dt.datetime(2026, 6, 1, 9, 0)) + dt.timedelta(hours=n)
        Recording.objects.create(
            agency=case.agency,
            case=case,
            case_number=case.number,
            activity="inspection",
            recorded_start=start,
            recorded_end=start + dt.timedelta(minutes=20),
            place="测试县城关镇",
            collector=w.officer_a1,
            proves="现场检查过程",
            kind="video",
            content_type="video/mp4",
            original_name=f"r{n}.mp4",
            size=1000,
            sha256=f"{n:064x}",
            storage_key=f"test/{n}",
            uploaded_by=w.handler_a,
        )


def grow_officers(w, count):
    from sanxiang.org.models import Role

    for _ in range(count):
        n = w.next()
        user = make_user(f"qb_officer_{n}", Role.HANDLER, w.agency_a, full_name=f"执法员{n}")
        make_officer(user, EnforcementField.MARKET, f"TEST-Q-{n:04d}")


def grow_agencies(w, count):
    from sanxiang.org import services as org
    from sanxiang.org.demo import make_usci
    from sanxiang.org.models import AgencyLevel

    for _ in range(count):
        n = w.next()
        org.create_agency(
            name=f"测试县第{n}执法局",
            short_name=f"执法{n}局",
            level=AgencyLevel.COUNTY,
            parent=w.sfj,
            usci=make_usci("11", "339999", f"MB1TQ{n + 100:04d}"),
            region=w.agency_a.region,
            fields=[EnforcementField.MARKET],
        )


def grow_plans(w, count):
    from sanxiang.inspections import services as inspections

    if "item" not in w.cache:
        w.cache["item"] = publish_item(w.agency_a, w.head_a, "Q1")
    item = w.cache["item"]
    for _ in range(count):
        n = w.next()
        inspections.create_plan(w.agency_a, w.handler_a, **plan_data(item, title=f"抽查计划{n}"))


def grow_targets(w, count):
    add_targets(w.agency_a, w.handler_a, {"A": count}, start=w.n + 1)
    w.n += count


def grow_rounds(w, count):
    for _ in range(count):
        n = w.next()
        make_round(w.supervisor, [w.agency_a, w.agency_b], title=f"评查活动{n}")


def grow_notifications(w, count):
    from sanxiang.notifications import services as notifications

    for _ in range(count):
        n = w.next()
        notifications.notify([w.head_a], f"通知{n}", "正文", "/cases/")


def grow_tokens(w, count):
    from sanxiang.apitokens import services as tokens

    for _ in range(count):
        n = w.next()
        tokens.create_token(w.handler_a, name=f"令牌{n}")


def grow_users(w, count):
    from sanxiang.org.models import Role

    for _ in range(count):
        n = w.next()
        make_user(f"qb_user_{n}", Role.HANDLER, w.agency_a, full_name=f"用户{n}")


def grow_catalog_versions(w, count):
    from sanxiang.catalog.models import CatalogKind, CatalogVersion

    for _ in range(count):
        n = w.next()
        CatalogVersion.objects.create(
            agency=w.agency_a, kind=CatalogKind.POWERS, number=n, created_by=w.head_a
        )


def _catalog_items(w, kind, count, make):
    """``count`` more rows in agency A's current catalogue of ``kind``. A published version
    is frozen by trigger (#11 item 10), so each growth publishes a new version holding the
    earlier rows and the new ones and closes the previous one (only ``effective_to`` may
    change on a published version)."""
    from sanxiang.catalog.models import CatalogVersion, VersionStatus

    rows = w.cache.setdefault(f"rows:{kind}", [])
    rows.extend(w.next() for _ in range(count))
    number = w.next()
    starts = dt.date(2024, 1, 1) + dt.timedelta(days=number)
    previous = w.cache.get(f"version:{kind}")
    if previous is not None:
        CatalogVersion.objects.filter(pk=previous.pk).update(
            effective_to=starts - dt.timedelta(days=1)
        )
    version = CatalogVersion.objects.create(
        agency=w.agency_a, kind=kind, number=number, created_by=w.head_a
    )
    for n in rows:
        make(version, n)
    CatalogVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, effective_from=starts, published_by=w.head_a
    )
    w.cache[f"version:{kind}"] = version


def grow_powers(w, count):
    from sanxiang.catalog.models import CatalogKind, Power
    from sanxiang.core.fields import ActType

    def make(version, n):
        Power.objects.create(
            version=version,
            agency=w.agency_a,
            code=f"330{n:04d}",
            name=f"对第{n}类违法行为的行政处罚",
            act_type=ActType.PENALTY,
            field=EnforcementField.MARKET,
            legal_basis="《中华人民共和国食品安全法》第一百二十四条",
        )

    _catalog_items(w, CatalogKind.POWERS, count, make)


def grow_benchmarks(w, count):
    from decimal import Decimal

    from sanxiang.catalog.models import (
        CatalogKind,
        DiscretionBenchmark,
        DiscretionTier,
        FineBasis,
    )

    def make(version, n):
        bench = DiscretionBenchmark.objects.create(
            version=version,
            agency=w.agency_a,
            code=f"SP-{n}",
            violation=f"违法行为{n}",
            legal_basis="《中华人民共和国食品安全法》第一百二十四条",
        )
        for order, name in ((1, "一般"), (2, "较重")):
            DiscretionTier.objects.create(
                benchmark=bench,
                order=order,
                name=name,
                standard="处2000元以上6000元以下罚款",
                fine_basis=FineBasis.FIXED,
                fine_min=Decimal(2000),
                fine_max=Decimal(6000),
                penalty_kinds=[],
            )

    _catalog_items(w, CatalogKind.DISCRETION, count, make)


def grow_major_rules(w, count):
    from sanxiang.catalog.models import CatalogKind, MajorCondition, MajorDecisionRule

    def make(version, n):
        MajorDecisionRule.objects.create(
            version=version,
            agency=w.agency_a,
            code=f"ZD-{n}",
            condition=MajorCondition.values[0],
            description=f"重大执法决定条目{n}",
        )

    _catalog_items(w, CatalogKind.MAJOR, count, make)


def grow_withdrawn(w, count):
    from sanxiang.core.fields import WithdrawalKind
    from sanxiang.publicity import services as publicity

    for _ in range(count):
        w.next()
        pub = published(w.agency_a, w.handler_a)
        publicity.withdraw_publication(
            pub, kind=WithdrawalKind.REVOKED, reason="复议决定撤销", actor=w.head_a
        )


def grow_alerts(w, count):
    from sanxiang.alerts.models import Alert

    for _ in range(count):
        n = w.next()
        Alert.objects.create(
            agency=w.agency_a,
            rule="overdue_review",
            severity="high",
            record_key=f"case:{n}",
            record_label=f"测试案件{n}",
            record_url="/cases/",
            detail="法制审核超期",
            raised_at=NOW,
            raised_on=NOW.date(),
            last_seen_at=NOW,
        )


def grow_devices(w, count):
    from sanxiang.field.models import Device

    for _ in range(count):
        n = w.next()
        Device.objects.create(
            device_id=f"dev-{n}",
            agency=w.agency_a,
            user=w.handler_a,
            label=f"执法终端{n}",
            registered_at=NOW,
            last_seen_at=NOW,
        )


def grow_access_requests(w, count):
    from sanxiang.records.models import AccessRequest

    grow_recordings(w, 1)
    recording = Recording.objects.order_by("-pk").first()
    for _ in range(count):
        n = w.next()
        AccessRequest.objects.create(
            agency=w.agency_a,
            case=recording.case,
            recording=recording,
            requester=w.reviewer_a,
            reason=f"复核证据{n}",
        )


def grow_documents(w, count):
    from sanxiang.documents import services as documents
    from sanxiang.documents.models import DocumentKind

    for _ in range(count):
        n = w.next()
        documents.create_draft(None, DocumentKind.OTHER, {"title": f"文书{n}"}, w.handler_a)


def grow_appeals(w, count):
    from tests.alerts.conftest import make_case
    from tests.appeals.test_lists import _appeal

    for _ in range(count):
        n = w.next()
        _appeal(make_case(w.agency_a, 500 + n), w.head_a, n)


def grow_transfers(w, count):
    from tests.alerts.conftest import make_case
    from tests.appeals.test_lists import _transfer

    for _ in range(count):
        n = w.next()
        _transfer(make_case(w.agency_a, 500 + n), w.head_a, n)


def _reviews(w, count, **fields):
    from tests.alerts.conftest import make_case, make_review

    for _ in range(count):
        n = w.next()
        make_review(make_case(w.agency_a, 500 + n), reviewer=w.reviewer_a, **fields)


def grow_reviews(w, count):
    _reviews(w, count)


def grow_assigned_reviews(w, count):
    _reviews(w, count, status="assigned", outcome="")


def grow_patrol_rounds(w, count):
    from sanxiang.patrol import services as patrol

    for _ in range(count):
        n = w.next()
        patrol.create_round(
            w.supervisor.agency,
            w.supervisor,
            year=2000 + n,
            quarter=1,
            agencies=[w.agency_a, w.agency_b],
            sample_size=2,
        )


def grow_tasks(w, count):
    """Each call draws a new plan over every target (ratios 100%): 3 tasks, then 3 + 12."""
    from sanxiang.inspections import services as inspections
    from sanxiang.org.models import Role

    if "inspectors" not in w.cache:
        w.cache["item"] = publish_item(w.agency_a, w.head_a, "T1")
        for n in (1, 2):
            user = make_user(f"qb_inspector_{n}", Role.HANDLER, w.agency_a, f"检查员{n}")
            make_officer(user, EnforcementField.MARKET, f"TEST-I-{n:04d}")
        w.cache["inspectors"] = True
    add_targets(w.agency_a, w.handler_a, {"D": count}, start=w.n + 1)
    w.n += count
    ratios = {"ratio_a": 100, "ratio_b": 100, "ratio_c": 100, "ratio_d": 100}
    plan = inspections.create_plan(
        w.agency_a, w.handler_a, **plan_data(w.cache["item"], title=f"计划{w.n}", **ratios)
    )
    inspections.draw(plan, w.handler_a)


def grow_public_plans(w, count):
    from sanxiang.core.fields import ActType
    from sanxiang.inspections.public_views import PUBLICATION_PREFIX

    for _ in range(count):
        n = w.next()
        published(
            w.agency_a,
            w.handler_a,
            category=ActType.INSPECTION,
            source_key=f"{PUBLICATION_PREFIX}{n}",
        )


def grow_sheets(w, count):
    """Each call samples a new round at 100 % over every closed file: 3 sheets, then 3 + 12."""
    from sanxiang.evaluation import services as evaluation

    for _ in range(count):
        closed_case(w.agency_a, w.next())
    rnd = make_round(w.supervisor, [w.agency_a], ratio=100, title=f"评查{w.n}")
    evaluation.sample(rnd, w.supervisor, seed_hex="ab" * 32)


def grow_extensions(w, count):
    from sanxiang.review.models import DeadlineExtension
    from tests.alerts.conftest import make_case, make_review

    for _ in range(count):
        n = w.next()
        review = make_review(
            make_case(w.agency_a, 500 + n), reviewer=w.reviewer_a, status="in_review", outcome=""
        )
        DeadlineExtension.objects.create(
            review=review,
            requested_by=w.reviewer_a,
            requested_by_name=w.reviewer_a.full_name,
            reason="案情复杂",
            current_deadline=dt.date(2026, 11, 20),
            new_deadline=dt.date(2026, 11, 30),
        )


def grow_disputes(w, count):
    from sanxiang.review.models import Dispute, Opinion
    from tests.alerts.conftest import make_case, make_review

    for _ in range(count):
        n = w.next()
        review = make_review(make_case(w.agency_a, 500 + n), reviewer=w.reviewer_a)
        opinion = Opinion.objects.create(
            review=review,
            kind="correct",
            reasoning="裁量过重",
            draft_hash="0" * 64,
            given_by=w.reviewer_a,
            given_by_name=w.reviewer_a.full_name,
        )
        Dispute.objects.create(
            review=review,
            opinion=opinion,
            reason="不同意",
            raised_by=w.handler_a,
            raised_by_name=w.handler_a.full_name,
        )


def grow_fixity_alerts(w, count):
    from sanxiang.records.models import FixityAlert, FixityRun

    if "run" not in w.cache:
        w.cache["run"] = FixityRun.objects.create(started_at=NOW, finished_at=NOW)
    grow_recordings(w, count)
    for recording in Recording.objects.order_by("-pk")[:count]:
        FixityAlert.objects.create(
            run=w.cache["run"],
            agency=w.agency_a,
            recording=recording,
            problem="mismatch",
            expected_sha256=recording.sha256,
            actual_sha256="f" * 64,
        )


def grow_field_cases(w, count):
    from tests.alerts.conftest import add_handler, add_party, make_case

    for _ in range(count):
        n = w.next()
        case = make_case(w.agency_a, 500 + n)
        add_handler(case, w.officer_a1)
        add_party(case)


def grow_pages(w, count):
    from sanxiang.publicity import portal

    for _ in range(count):
        w.next()
        portal.prepare_page(w.agency_a, w.handler_a)


def grow_public_agencies(w, count):
    """Agencies with an approved portal page (the only ones /gs/jg/ lists)."""
    from sanxiang.org.models import Agency, Role
    from sanxiang.publicity import portal

    grow_agencies(w, count)
    for agency in Agency.objects.order_by("-pk")[:count]:
        head = make_user(f"qb_head_{agency.pk}", Role.HEAD, agency, f"负责人{agency.pk}")
        portal.approve_page(portal.prepare_page(agency, head), head)


def grow_reports(w, count):
    from sanxiang.publicity.models import AnnualReport

    for _ in range(count):
        n = w.next()
        AnnualReport.objects.create(
            agency=w.agency_a,
            year=2000 + n,
            title=f"{2000 + n}年度行政执法工作报告",
            data={},
            published_at=NOW,
        )


def grow_deliveries(w, count):
    from sanxiang.publicity.models import WebhookDelivery, WebhookEndpoint

    if "endpoint" not in w.cache:
        w.cache["endpoint"] = WebhookEndpoint.objects.create(
            name="省平台", url="https://example.invalid/hook", secret="s" * 32, agency=w.agency_a
        )
    for _ in range(count):
        n = w.next()
        WebhookDelivery.objects.create(
            endpoint=w.cache["endpoint"], agency=w.agency_a, event="published", body=f"{{{n}}}"
        )


def grow_rectifications(w, count):
    """Sheets as in ``grow_sheets``; every new sheet scored with a deduction and sent a
    rectification notice."""
    from sanxiang.evaluation import services as evaluation
    from sanxiang.evaluation.models import Sheet
    from tests.evaluation.conftest import full

    grow_sheets(w, count)
    for sheet in Sheet.objects.filter(submitted_at__isnull=True):
        sheet = evaluation.submit_sheet(sheet, w.supervisor, deductions=full(law=3))
        evaluation.issue_rectification(sheet, w.supervisor, requirements="补正法律依据")


def grow_patrol_items(w, count):
    """A patrol round sampling ``count`` new publications: the first call in 2026 Q2 (today's
    quarter), the second in Q1 (one round per quarter), its publications dated in Q1."""
    from sanxiang.patrol import services as patrol
    from tests.patrol.conftest import publish as patrol_publish

    quarter = 1 if w.cache.get("patrol") else 2
    w.cache["patrol"] = True
    day = NOW if quarter == 2 else NOW - dt.timedelta(days=100)
    with time_machine.travel(day, tick=False):
        for _ in range(count):
            w.next()
            patrol_publish(w.agency_a, w.handler_a, decision_date=day.date())
    rnd = patrol.create_round(
        w.supervisor.agency,
        w.supervisor,
        year=2026,
        quarter=quarter,
        agencies=[w.agency_a],
        sample_size=count,
    )
    patrol.sample(rnd, w.supervisor, seed_hex="ab" * 32)


def grow_patrol_notices(w, count):
    """``count`` new agencies, each with one publication, patrolled in one round (2026 Q2,
    then Q1: one round per quarter), each item scored with a finding and sent a notice."""
    from sanxiang.org.models import Agency, Role
    from sanxiang.patrol import services as patrol
    from tests.patrol.conftest import publish as patrol_publish

    quarter = 1 if w.cache.get("notices") else 2
    w.cache["notices"] = True
    day = NOW if quarter == 2 else NOW - dt.timedelta(days=100)
    grow_agencies(w, count)
    agencies = list(Agency.objects.order_by("-pk")[:count])
    with time_machine.travel(day, tick=False):
        for agency in agencies:
            handler = make_user(f"qb_pub_{agency.pk}", Role.HANDLER, agency, f"承办{agency.pk}")
            patrol_publish(agency, handler, decision_date=day.date())
    rnd = patrol.create_round(
        w.supervisor.agency,
        w.supervisor,
        year=2026,
        quarter=quarter,
        agencies=agencies,
        sample_size=1,
    )
    patrol.sample(rnd, w.supervisor, seed_hex="ab" * 32)
    for item in rnd.items.all():
        patrol.submit_item(item, w.supervisor, deductions={"standard": (4, "标题不明确")})
    for agency in agencies:
        patrol.issue_notice(rnd, agency, w.supervisor, requirements="规范标题")


@dataclass
class Route:
    grow: object
    user: str | None  # World attribute name; None = anonymous
    api: bool = False
    slack: int = 0
    kwargs: object = field(default_factory=dict)  # or world -> kwargs (after the first grow)
    params: dict = field(default_factory=dict)
    uncached: bool = False  # public pages: measure the cache miss (the cache hides an N+1)


COVERED = {
    # workbench pages
    "cases:list": Route(grow_cases, "head_a"),
    "publicity:index": Route(grow_publications, "head_a"),
    "complaints:index": Route(grow_complaints, "head_a"),
    "records:list": Route(grow_recordings, "head_a"),
    "org:agencies": Route(grow_agencies, "supervisor"),
    "inspections:index": Route(grow_plans, "head_a"),
    "inspections:targets": Route(grow_targets, "head_a"),
    "evaluation:index": Route(grow_rounds, "supervisor"),
    "notifications:index": Route(grow_notifications, "head_a"),
    # the to-do list's complaint items as a handler (who may not handle complaints naming an
    # officer of the agency: the agency's officers are read once, not once per complaint)
    "notifications:todos": Route(grow_complaints, "handler_a"),
    "core:tokens": Route(grow_tokens, "handler_a"),
    "twofactor:users": Route(grow_users, "admin_user"),
    "catalog:index": Route(grow_catalog_versions, "head_a"),
    "alerts:index": Route(grow_alerts, "head_a"),
    "alerts:overview": Route(grow_alerts, "supervisor"),
    "field:devices": Route(grow_devices, "head_a"),
    "records:requests": Route(grow_access_requests, "head_a"),
    "documents:index": Route(grow_documents, "handler_a"),
    "appeals:index": Route(grow_appeals, "head_a"),
    "transfers:index": Route(grow_transfers, "head_a"),
    "review:list": Route(grow_reviews, "reviewer_a"),
    "review:queue": Route(grow_assigned_reviews, "reviewer_a"),
    "patrol:index": Route(grow_patrol_rounds, "supervisor"),
    # slack 1: the second round's publications (dated in Q1) are past their confirmation
    # deadline, so the header's to-do list reads one more deadline kind (one query per kind)
    "patrol:notices": Route(grow_patrol_notices, "supervisor", slack=1),
    "evaluation:rectifications": Route(grow_rectifications, "supervisor"),
    "publicity:pages": Route(grow_pages, "head_a"),
    "publicity:reports": Route(grow_reports, "supervisor"),
    "publicity:deliveries": Route(grow_deliveries, "admin_user"),
    "records:alerts": Route(grow_fixity_alerts, "head_a"),
    # a case's recordings (a list page with an argument: not found by the guard's rule)
    "records:case": Route(
        grow_recordings, "head_a", kwargs=lambda w: {"case_id": w.cache["case"].pk}
    ),
    "review:extensions": Route(grow_extensions, "head_a"),
    # API list endpoints
    "cases_api:list": Route(grow_cases, "head_a", api=True),
    "publicity_api:decisions": Route(grow_publications, None, api=True),
    "complaints_api:complaint-list": Route(grow_complaints, "head_a", api=True),
    "records_api:recording-list": Route(grow_recordings, "head_a", api=True),
    "org_api:agency-list": Route(grow_agencies, "supervisor", api=True),
    "org_api:officer-list": Route(grow_officers, "head_a", api=True),
    "org_api:certificate-list": Route(grow_officers, "head_a", api=True),
    "inspections_api:plan-list": Route(grow_plans, "head_a", api=True),
    "inspections_api:task-list": Route(grow_tasks, "head_a", api=True),
    "evaluation_api:round-list": Route(grow_rounds, "supervisor", api=True),
    "evaluation_api:sheet-list": Route(grow_sheets, "supervisor", api=True),
    "evaluation_api:rectification-list": Route(grow_rectifications, "supervisor", api=True),
    "auth_api:tokens": Route(grow_tokens, "handler_a", api=True),
    "catalog_api:version-list": Route(grow_catalog_versions, "head_a", api=True),
    "catalog_api:power-list": Route(grow_powers, "head_a", api=True),
    "catalog_api:benchmark-list": Route(grow_benchmarks, "head_a", api=True),
    "catalog_api:major-rule-list": Route(grow_major_rules, "head_a", api=True),
    "publicity_api:withdrawn": Route(grow_withdrawn, None, api=True),
    "alerts_api:alert-list": Route(grow_alerts, "head_a", api=True),
    "records_api:access-request-list": Route(grow_access_requests, "head_a", api=True),
    "documents_api:document-list": Route(grow_documents, "handler_a", api=True),
    "appeals_api:appeal-list": Route(grow_appeals, "head_a", api=True),
    "transfers_api:transfer-list": Route(grow_transfers, "head_a", api=True),
    "review_api:review-list": Route(grow_reviews, "reviewer_a", api=True),
    "field_api:tasks": Route(grow_field_cases, "handler_a", api=True),
    "review_api:extension-list": Route(grow_extensions, "head_a", api=True),
    "review_api:dispute-list": Route(grow_disputes, "head_a", api=True),
    "patrol_api:patrol-round-list": Route(grow_patrol_rounds, "supervisor", api=True),
    "patrol_api:patrol-item-list": Route(grow_patrol_items, "supervisor", api=True),
    "patrol_api:patrol-notice-list": Route(grow_patrol_notices, "supervisor", api=True),
    # public portal
    "gs:decisions": Route(grow_publications, None, uncached=True),
    "gs:feed": Route(grow_publications, None, uncached=True),
    "gs_sj:plans": Route(grow_public_plans, None, uncached=True),
    "gs:agencies": Route(grow_public_agencies, None, uncached=True),
    "gs:reports": Route(grow_reports, None, uncached=True),
}


@pytest.fixture
def world(
    sfj,
    agency_a,
    agency_b,
    handler_a,
    head_a,
    reviewer_a,
    handler_b,
    head_b,
    supervisor,
    officer_a1,
    admin_user,
):
    return World(
        sfj=sfj,
        agency_a=agency_a,
        agency_b=agency_b,
        handler_a=handler_a,
        head_a=head_a,
        reviewer_a=reviewer_a,
        handler_b=handler_b,
        head_b=head_b,
        supervisor=supervisor,
        officer_a1=officer_a1,
        admin_user=admin_user,
    )


def _client(route, world, client_for, api_for):
    from django.test import Client
    from rest_framework.test import APIClient

    user = getattr(world, route.user) if route.user else None
    if route.api:
        return api_for(user) if user else APIClient()
    return client_for(user) if user else Client()


def _count(client, url, params, uncached=False):
    if uncached:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(ctx), len(response.content)


@pytest.mark.parametrize("name", sorted(COVERED))
def test_list_queries_do_not_grow_with_rows(name, world, client_for, api_for):
    route = COVERED[name]
    client = _client(route, world, client_for, api_for)
    route.grow(world, SMALL)
    kwargs = route.kwargs(world) if callable(route.kwargs) else route.kwargs
    url = reverse(name, kwargs=kwargs)
    _count(client, url, route.params, route.uncached)  # warm process caches (calendar, types)
    small, small_size = _count(client, url, route.params, route.uncached)
    route.grow(world, LARGE - SMALL)
    large, large_size = _count(client, url, route.params, route.uncached)
    # the grown rows are listed (else the budget would prove nothing)
    assert large_size > small_size, f"{name}: the {LARGE - SMALL} new rows are not listed"
    assert large - small <= route.slack, (
        f"{name}: {small} queries for {SMALL} rows but {large} for {LARGE} (N+1)"
    )


# --- the guard: every list route is covered or excluded with a reason -------------------------

# Routes without URL arguments that are not lists (forms, actions, single objects, files).
EXCLUDED = {
    "root": "redirect",
    "core:home": "workbench home (counts, no rows)",
    "core:dashboard": "dashboard of counts; budget in tests/core/test_dashboard_supervision.py",
    "login": "form",
    "logout": "action",
    "password_change": "form",
    "twofactor:manage": "form",
    "twofactor:verify": "form",
    "twofactor:enrol": "form",
    "api-schema": "generated schema",
    "api-docs": "schema viewer",
    "auth_api:token": "action (obtain a token)",
    "org:enforce_check": "form (one check)",
    "org_api:may-enforce": "one check",
    "workdays:index": "one year's calendar (fixed 365 days)",
    "workdays:import": "form",
    "workdays_api:is": "one answer",
    "workdays_api:add": "one answer",
    "workdays_api:between": "one answer",
    "workdays_api:years": "a handful of year rows from one query",
    "ledger:heads-feed": "feed of signed heads read from the log file, not the ORM",
    "ledger_api:head-latest": "one object",
    "ledger_api:head-sign": "action",
    "ledger_api:public-key": "one object",
    "ledger_api:proof-inclusion": "one proof",
    "ledger_api:proof-consistency": "one proof",
    "ledger_api:bundle": "one bundle",
    "cases:new": "form",
    "cases:on_the_spot": "form",
    "cases_api:on_the_spot": "action",
    "documents:new": "form",
    "documents_api:kinds": "static list of document kinds (no ORM rows)",
    "records_api:upload-create": "action",
    "review:stats": "aggregates (GROUP BY), no per-row queries",
    "review_api:flags": "one answer",
    "review_api:stats": "aggregates",
    "publicity:policy": "form",
    "publicity:prepare": "action",
    "inspections:plan_create": "form",
    "inspections:target_add": "form",
    "inspections:target_import": "form",
    "inspections:target_template": "static CSV",
    "gs_ts:submit": "public form",
    "gs_ts:status": "public lookup of one complaint",
    "evaluation:round_create": "form",
    "notifications:read": "action",
    "assist_api:articles": "search answer from the in-memory corpus",
    "assist_api:similar": "search answer",
    "alerts:run": "action",
    "patrol:round_create": "form",
    "witness:add-checkpoint": "action",
    "witness:key": "one key",
    "witness:verifier": "static file",
    "witness_api:checkpoint": "one checkpoint",
    "witness_api:consistency": "one proof",
    "field:index": "app shell (rows load through field_api:tasks)",
    "field:sw": "static script",
    "field:manifest": "static manifest",
    "field_api:session": "one session",
    "field_api:acts": "action",
    "gs:home": "portal home (counts and a fixed number of latest rows)",
    "gs:credential_search": "search form answering one certificate",
    "gs:seal_check": "form",
    "gs:seal_ca": "static file",
    "gs:ledger": "ledger head page (one head)",
}

# List routes still without a budget here (issue #17 item 5 follow-up); each needs a grower.
# Some have budgets elsewhere, named in the reason.
NOT_YET_COVERED: dict[str, str] = {}


def _walk(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            if ns == "admin":
                continue
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, full)
        elif isinstance(p, URLPattern) and p.name:
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield name, p


def _is_list_route(pattern):
    """A list route: a DRF list action, a ListAPIView/ListModelMixin view, or any GET page
    without URL arguments (those are the workbench and portal index pages)."""
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return actions.get("get") == "list"
    cls = getattr(callback, "cls", None)
    if cls is not None:
        from rest_framework.mixins import ListModelMixin

        if issubclass(cls, ListModelMixin):
            return True
    return not pattern.pattern.regex.groups


def test_every_list_route_has_a_budget_or_a_reason():
    routes = {name for name, p in _walk(get_resolver().url_patterns) if _is_list_route(p)}
    known = set(COVERED) | set(EXCLUDED) | set(NOT_YET_COVERED)
    missing = sorted(routes - known)
    assert not missing, f"list routes without a query budget here: {missing}"
    stale = sorted((set(EXCLUDED) | set(NOT_YET_COVERED)) - routes)
    assert not stale, f"entries for routes that are gone or not list routes: {stale}"
    names = {name for name, _p in _walk(get_resolver().url_patterns)}
    assert set(COVERED) <= names, sorted(set(COVERED) - names)
    assert not set(COVERED) & (set(EXCLUDED) | set(NOT_YET_COVERED))


# --- the batch helpers the fixes above added answer what the per-row calls answered ----------


def test_preloaded_retention_labels_match_the_per_row_ones(world, django_assert_num_queries):
    from sanxiang.records import retention
    from sanxiang.records.models import LongTermReason

    world.cache["case"] = closed_case(world.agency_a, 901, closed_on=dt.date(2026, 5, 10))
    grow_recordings(world, 1)  # a recording of another case
    del world.cache["case"]
    grow_recordings(world, 3)
    first, second = Recording.objects.filter(case=world.cache["case"]).order_by("pk")[:2]
    retention.mark_long_term(first, LongTermReason.COMPLAINT, world.head_a)
    retention.mark_long_term(world.cache["case"], LongTermReason.LITIGATION, world.head_a)
    retention.mark_long_term(second, LongTermReason.OBSTRUCTION, world.head_a)
    recordings = list(Recording.objects.select_related("case").order_by("pk"))
    expected = [str(retention.retention_label(r)) for r in recordings]
    assert len(set(expected)) == 4  # another case, a case mark, two recording marks
    retention.preload_marks(recordings)
    with django_assert_num_queries(0):
        assert [str(retention.retention_label(r)) for r in recordings] == expected


def test_handleable_is_can_handle_over_a_list(world, django_assert_max_num_queries):
    from sanxiang.complaints import services as complaints
    from sanxiang.complaints.models import Complaint

    submit(world.agency_a)
    submit(world.agency_a, content=f"执法人员{world.officer_a1.name}态度粗暴。")
    submit(world.agency_b)
    everything = list(Complaint.objects.order_by("pk"))
    for user in (world.handler_a, world.head_a, world.handler_b, world.supervisor):
        expected = [c for c in everything if complaints.can_handle(user, c)]
        with django_assert_max_num_queries(4):
            assert complaints.handleable(user, everything) == expected
    # the naming complaint is the head's alone; the other one either may handle
    assert len(complaints.handleable(world.handler_a, everything)) == 1
    assert len(complaints.handleable(world.head_a, everything)) == 2
