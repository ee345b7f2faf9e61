"""Fixtures of the patrol tests: publications built through the real publicity services,
time frozen at Wednesday 2026-05-20 10:00 Beijing time (second quarter)."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from sanxiang.core.fields import ActType, CaseActType, PartyType, PenaltyKind
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyKind, AgencyLevel, Role
from sanxiang.patrol import services
from sanxiang.publicity import services as publicity
from tests.conftest import REGION, make_user

NOW = dt.datetime(2026, 5, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()
SEED = "ab" * 32
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _fast_and_clean(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def company():
    return {
        "party_type": PartyType.LEGAL_PERSON,
        "name": "测试县好味食品有限公司",
        "usci": "91110108MA01ABCD0B",
        "legal_representative": "陈大勇",
        "address": "测试县城关镇兴业路8号",
        "phone": "0571-88880000",
    }


FULL_TEXT = [
    ("当事人", "测试县好味食品有限公司，法定代表人陈大勇"),
    ("违法事实", "当事人于2026年4月销售超过保质期的牛奶12盒，货值金额240元。"),
    ("处罚依据", "《中华人民共和国食品安全法》第一百二十四条"),
]


def penalty(**over):
    data = {
        "kinds": [PenaltyKind.FINE],
        "fine": "5000",
        "violation_type": "销售超过保质期的食品",
        "facts": "当事人销售超过保质期的牛奶12盒。",
        "basis": "《中华人民共和国食品安全法》第一百二十四条",
        "content": "罚款人民币5000元",
    }
    data.update(over)
    return data


def publish(agency, handler, *, decision_date=dt.date(2026, 5, 18), confirm=True, **over):
    n = next(_counter)
    kwargs = {
        "agency": agency,
        "source_key": f"patrol-test:{n}",
        "category": ActType.PENALTY,
        "case_act_type": CaseActType.PENALTY_GENERAL,
        "decision_date": decision_date,
        "document_number": f"测罚决〔2026〕{n}号",
        "parties": [company()],
        "title": "销售超过保质期的食品",
        "full_text": FULL_TEXT,
        "penalty": penalty(),
        "handler_ids": [handler.pk],
    }
    kwargs.update(over)
    pub = publicity.publish_decision(**kwargs)
    if confirm:
        pub = publicity.confirm_publication(pub, handler)
    return pub


def make_round(supervisor, agencies, **over):
    data = {"year": 2026, "quarter": 2, "agencies": agencies, "sample_size": 2}
    data.update(over)
    return services.create_round(supervisor.agency, supervisor, **data)


@pytest.fixture
def pubs(agency_a, agency_b, handler_a, handler_b):
    """Three publications of agency A and one of B, all correct and on time."""
    return [publish(agency_a, handler_a) for _ in range(3)] + [publish(agency_b, handler_b)]


@pytest.fixture
def sampled(supervisor, agency_a, agency_b, pubs):
    rnd = make_round(supervisor, [agency_a, agency_b], sample_size=5)
    return services.sample(rnd, supervisor, seed_hex=SEED)


@pytest.fixture
def other_sfj(db):
    return org.create_agency(
        name="邻县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339998", "MB1TQ0009"),
        region=REGION,
    )


@pytest.fixture
def other_supervisor(other_sfj):
    return make_user("other_sup", Role.SUPERVISOR, other_sfj, "冯监督")


def score_all(rnd, supervisor, deductions=None):
    for item in rnd.items.order_by("order"):
        services.submit_item(item, supervisor, deductions=deductions or {})


def publish_leaky_version(publication, conclusion):
    """A new public version of ``publication`` whose ``conclusion`` carries what redaction
    missed — the row written already leaky, as a faulty 更正 would leave it. A published
    snapshot's content is frozen by trigger (issue #11 item 10), so the leak cannot be
    planted by rewriting the row; the old version is superseded (a state change, allowed)
    and the new one inserted, as ``publicity.services.correct_publication`` does."""
    from sanxiang.publicity.models import Snapshot, SnapshotState

    old = publication.snapshots.get(state=SnapshotState.PUBLISHED)
    old.state = SnapshotState.SUPERSEDED
    old.save(update_fields=["state", "updated_at"])
    new = Snapshot.objects.get(pk=old.pk)
    new.pk = new.id = None
    new._state.adding = True
    new.version = old.version + 1
    new.state = SnapshotState.PUBLISHED
    new.conclusion = conclusion
    new.ledger_index = None
    new.save()
    return new


def first(rnd, agency=None):
    """The round's first item (of ``agency``)."""
    qs = rnd.items.order_by("order")
    return (qs.filter(agency=agency) if agency else qs).first()


def with_finding(sampled, supervisor, agency):
    """Score ``agency``'s first item with a manual deduction (a finding)."""
    item = first(sampled, agency)
    return services.submit_item(item, supervisor, deductions={"standard": (4, "标题不明确")})
