"""A public decision leaves or changes: withdrawal, correction with history, expiry at the
window's end, early removal after credit repair."""

import datetime as dt
import json

import pytest

from sanxiang.core.errors import DomainError
from sanxiang.core.fields import PenaltyKind
from sanxiang.publicity import services
from sanxiang.publicity.models import Snapshot, SnapshotState
from sanxiang.publicity.search import Filters, search

from .conftest import publish, published, today

pytestmark = pytest.mark.django_db


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


def test_typed_reasons_reach_the_ledger_only_as_digests(agency_a, handler_a, head_a):
    """A withdrawal may quote the 复议机关's text, which names persons (#11.4)."""
    from sanxiang.ledger import personal
    from sanxiang.ledger.models import Leaf

    first = Leaf.objects.count()
    withdrawn = published(agency_a, handler_a)
    services.withdraw_publication(
        withdrawn, kind="revoked", reason="复议决定撤销，证人孙志强证言不实", actor=head_a
    )
    corrected = published(agency_a, handler_a)
    services.correct_publication(
        corrected, changes={"conclusion": "罚款人民币40000元"}, note="经办人李明笔误", actor=head_a
    )
    removed = published(agency_a, handler_a)
    services.remove_early(removed, reason="当事人王小红已履行，信用修复", actor=head_a)
    leaves = list(Leaf.objects.filter(index__gte=first).order_by("index"))
    text = "".join(json.dumps(leaf.payload, ensure_ascii=False) for leaf in leaves)
    for typed in ("孙志强", "李明", "王小红"):
        assert typed not in text
    by_type = {leaf.event_type: leaf.payload for leaf in leaves}
    assert personal.matches(
        "复议决定撤销，证人孙志强证言不实", by_type["publicity.withdrawn"]["reason"]
    )
    assert personal.matches("经办人李明笔误", by_type["publicity.corrected"]["note"])
