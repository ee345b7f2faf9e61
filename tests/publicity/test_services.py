"""Publication lifecycle through the real services."""

import datetime as dt
from decimal import Decimal

import pytest

from sanxiang.core.errors import DomainError
from sanxiang.core.fields import ActType, PenaltyKind
from sanxiang.ledger.models import Leaf
from sanxiang.publicity import services
from sanxiang.publicity.models import (
    Publication,
    PublicationStatus,
    Snapshot,
    SnapshotState,
)
from sanxiang.publicity.search import Filters, search
from sanxiang.workdays.calendar import add_workdays

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


def test_deadlines_7_and_20_working_days(agency_a):
    d = dt.date(2026, 6, 1)
    p = publish(agency_a, decision_date=d)
    assert p.due_date == add_workdays(d, 7)
    i = publish(agency_a, decision_date=d, category=ActType.INSPECTION, case_act_type="inspection")
    assert i.due_date == add_workdays(d, 20)


def test_overdue_flag_goes_to_agency_and_supervisor_not_other_agency(
    agency_a, handler_a, supervisor, handler_b
):
    pub = publish(agency_a, decision_date=dt.date(2026, 6, 1), handler_ids=[handler_a.pk])
    assert services.clock_state(pub)["state"] == "overdue"
    assert [f["publication"].pk for f in services.pending_flags(handler_a)] == [pub.pk]
    assert [f["publication"].pk for f in services.pending_flags(supervisor)] == [pub.pk]
    assert services.pending_flags(handler_b) == []
    assert services.notify_overdue() == 1
    assert services.notify_overdue() == 0
    services.confirm_publication(pub, handler_a)
    pub.refresh_from_db()
    assert pub.published_late and services.clock_state(pub)["state"] == "published_late"


def test_due_soon_flag(agency_a, handler_a):
    pub = publish(agency_a, handler_ids=[handler_a.pk])
    day = pub.due_date - dt.timedelta(days=1)
    assert services.clock_state(pub, today=day)["state"] == "due_soon"
    assert services.clock_state(pub, today=pub.decision_date)["state"] == "ok"


def test_withdrawal_replaces_page_and_leaves_search(agency_a, handler_a, head_a):
    pub = published(agency_a, handler_a)
    with pytest.raises(DomainError):
        services.withdraw_publication(pub, kind="revoked", reason="复议撤销", actor=handler_a)
    services.withdraw_publication(pub, kind="revoked", reason="经复议决定撤销", actor=head_a)
    snap = pub.snapshots.get()
    assert snap.state == SnapshotState.WITHDRAWN and snap.withdrawal_reason == "经复议决定撤销"
    assert search(Filters(q="保质期"))[1] == 0
    assert search(Filters())[1] == 0
    with pytest.raises(DomainError):
        services.withdraw_publication(pub, kind="revoked", reason="again", actor=head_a)


def test_withdrawn_before_publication_is_never_public(agency_a, head_a):
    pub = publish(agency_a)
    services.withdraw_publication(pub, kind="ordered_redone", reason="责令重作", actor=head_a)
    assert pub.snapshots.get().state == SnapshotState.DISCARDED
    assert services.public_snapshot_for(pub.pk) is None


def test_correction_keeps_history(agency_a, handler_a, head_a):
    pub = published(agency_a, handler_a)
    with pytest.raises(DomainError):
        services.correct_publication(pub, changes={"conclusion": "x"}, note="n", actor=handler_a)
    with pytest.raises(DomainError):
        services.correct_publication(pub, changes={"agency": 1}, note="n", actor=head_a)
    services.correct_publication(
        pub, changes={"conclusion": "罚款人民币40000元"}, note="罚款金额笔误", actor=head_a
    )
    snaps = list(pub.snapshots.order_by("version"))
    assert [s.state for s in snaps] == [SnapshotState.SUPERSEDED, SnapshotState.PUBLISHED]
    assert snaps[1].conclusion == "罚款人民币40000元" and snaps[1].correction_note == "罚款金额笔误"
    rows, total = search(Filters(q="保质期"))
    assert total == 1 and rows[0].version == 2


def test_windows_expire_and_short_window_for_light_penalties(agency_a, handler_a, head_a):
    pub = published(agency_a, handler_a)
    assert pub.visible_until == today() + dt.timedelta(days=365 * 3)
    services.update_policy(agency_a, head_a, low_fine_threshold="1000")
    light = published(
        agency_a,
        handler_a,
        penalty={"kinds": [PenaltyKind.FINE], "fine": "500", "content": "罚款500元"},
    )
    assert light.visible_until == today() + dt.timedelta(days=90)
    explicit = published(
        agency_a,
        handler_a,
        penalty={"kinds": ["fine"], "fine": "9", "publicity_until": "2027-01-31"},
    )
    assert explicit.visible_until == dt.date(2027, 1, 31)
    later = today() + dt.timedelta(days=100)
    assert search(Filters(), today=later)[1] == 1  # the search hides closed windows at once
    assert services.expire_due(today=later) == 2
    assert Snapshot.objects.get(publication=light).state == SnapshotState.EXPIRED
    assert services.expire_due(today=later) == 0


def test_early_removal_after_credit_repair(agency_a, handler_a, head_a):
    pub = published(agency_a, handler_a)
    with pytest.raises(DomainError):
        services.remove_early(pub, reason="", actor=head_a)
    services.remove_early(pub, reason="已履行处罚决定，信用修复", actor=head_a)
    assert pub.snapshots.get().state == SnapshotState.REMOVED
    severe = published(
        agency_a, handler_a, penalty={"kinds": [PenaltyKind.REVOKE_LICENCE], "content": "吊销"}
    )
    with pytest.raises(DomainError):
        services.remove_early(severe, reason="信用修复", actor=head_a)


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
