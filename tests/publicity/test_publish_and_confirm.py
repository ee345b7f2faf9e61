"""Publishing a decision: the redacted preview, the handler's marks and confirmation, the
agency's policy, input checks."""

import datetime as dt
from decimal import Decimal

import pytest

from sanxiang.core.errors import DomainError
from sanxiang.ledger.models import Leaf
from sanxiang.publicity import services
from sanxiang.publicity.models import Publication, PublicationStatus, SnapshotState
from sanxiang.publicity.search import Filters, search

from .conftest import PERSON_ID, company, person, publish, published, today

pytestmark = pytest.mark.django_db


def test_issue_writes_redacted_preview_not_public(agency_a, handler_a):
    pub = publish(agency_a, parties=[person()], handler_ids=[handler_a.pk])
    assert pub.status == PublicationStatus.PENDING
    snap = pub.snapshots.get()
    assert snap.state == SnapshotState.PREVIEW
    assert snap.target_name == "张某某" and snap.target_usci == ""
    blob = str(snap.__dict__)
    assert PERSON_ID not in blob and "张三丰" not in blob and "13912345678" not in blob
    assert search(Filters(q="保质期"))[1] == 0
    assert Leaf.objects.filter(subject=pub.subject).exists()


def test_confirm_publishes_and_records_ledger(agency_a, handler_a):
    pub = published(agency_a, handler_a)
    assert pub.status == PublicationStatus.PUBLISHED
    snap = pub.snapshots.get()
    assert snap.state == SnapshotState.PUBLISHED and snap.ledger_index is not None
    leaf = Leaf.objects.get(index=snap.ledger_index)
    assert leaf.event_type == "publicity.published"
    assert snap.full_text and snap.details["fine_wan"] == "5"
    assert snap.details["confiscated_wan"] == "0.024"
    rows, total = search(Filters(q="保质期"))
    assert total == 1 and rows[0].pk == snap.pk


def test_confirm_refused_for_other_agency_wrong_role_and_other_handler(
    agency_a, handler_a, handler_a2, handler_b, reviewer_a
):
    pub = publish(agency_a, handler_ids=[handler_a.pk])
    for user in (handler_b, reviewer_a, handler_a2):
        with pytest.raises(DomainError):
            services.confirm_publication(pub, user)
    assert Publication.objects.get(pk=pub.pk).status == PublicationStatus.PENDING


def test_confirm_refuses_a_changed_preview(agency_a, handler_a):
    pub = publish(agency_a, handler_ids=[handler_a.pk])
    seen = pub.snapshots.get().content_sha256
    services.update_marks(pub, [{"text": "牛奶12盒", "reason": "trade_secret"}], handler_a)
    with pytest.raises(DomainError):
        services.confirm_publication(pub, handler_a, expected_sha256=seen)
    fresh = pub.snapshots.get().content_sha256
    services.confirm_publication(pub, handler_a, expected_sha256=fresh)
    snap = pub.snapshots.get()
    assert "牛奶12盒" not in str(snap.full_text) and "[商业秘密已隐去]" in str(snap.full_text)


def test_confirm_twice_refused(agency_a, handler_a):
    pub = published(agency_a, handler_a)
    with pytest.raises(DomainError):
        services.confirm_publication(pub, handler_a)


def test_agency_without_confirmation_publishes_at_issue(agency_a, head_a):
    services.update_policy(agency_a, head_a, require_confirmation=False)
    pub = publish(agency_a, parties=[person()])
    assert pub.status == PublicationStatus.PUBLISHED
    assert pub.snapshots.get().target_name == "张某某"


def test_policy_only_by_head_of_same_agency(agency_a, handler_a, head_b):
    for user in (handler_a, head_b):
        with pytest.raises(DomainError):
            services.update_policy(agency_a, user, require_confirmation=False)


def test_publish_is_idempotent_and_validates(agency_a):
    a = publish(agency_a, source_key="k1")
    assert publish(agency_a, source_key="k1").pk == a.pk
    with pytest.raises(DomainError):
        publish(agency_a, category="nonsense")
    with pytest.raises(DomainError):
        publish(agency_a, parties=[{"party_type": "alien", "name": "x"}])
    with pytest.raises(DomainError):
        publish(agency_a, penalty={"kinds": ["fine"], "fine": "-5"})
    with pytest.raises(DomainError):
        publish(agency_a, decision_date=today() + dt.timedelta(days=30))


def test_to_wan():
    assert services.to_wan("50000") == "5"
    assert services.to_wan(Decimal("1234.5")) == "0.12345"
    assert services.to_wan(None) == ""


def test_legal_person_visible_natural_person_hidden_in_full_text(agency_a, handler_a):
    p = person()
    pub = published(
        agency_a,
        handler_a,
        parties=[p, company()],
        full_text=[
            ("当事人", f"{p['name']}，身份证号码{PERSON_ID}，住{p['address']}，电话{p['phone']}")
        ],
    )
    snap = pub.snapshots.get()
    text = str(snap.full_text)
    for secret in (p["name"], PERSON_ID, p["address"], p["phone"]):
        assert secret not in text
    assert "测试县好味食品有限公司" in snap.target_name and "张某某" in snap.target_name
