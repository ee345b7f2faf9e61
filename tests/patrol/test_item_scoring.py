"""Scoring a sampled publication once: 100 − automatic − manual deductions, validation,
immutability."""

import pytest

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.patrol import services

from .conftest import first, publish_leaky_version


def test_score_is_100_minus_auto_and_manual(sampled, supervisor):
    item = first(sampled)
    publish_leaky_version(item.publication, "电话13912345678")
    item = services.recheck(item, supervisor)
    assert item.auto_deduction == 20
    item = services.submit_item(
        item, supervisor, deductions={"accuracy": (5, "罚款数额与决定书不一致")}, comment="须更正"
    )
    assert item.score == 75 and item.grade == "pass"
    assert services.finding_kinds(item) == ["redaction", "manual"]
    leaf = Leaf.objects.filter(event_type=EventType.PATROL_ITEM_SCORED).get()
    assert leaf.payload["score"] == 75 and leaf.payload["auto_deduction"] == 20


@pytest.mark.parametrize(
    ("deductions", "needle"),
    [
        ({"accuracy": (16, "x")}, "0至15"),
        ({"standard": (-1, "x")}, "0至10"),
        ({"privacy": ("abc", "x")}, "0至5"),
        ({"accuracy": (3, "  ")}, "须写明扣分理由"),
        ({"redaction": (0, "")}, "自动检查项目"),
        ({"bogus": (1, "x")}, "未知巡查项目"),
    ],
)
def test_scoring_validation(sampled, supervisor, deductions, needle):
    item = first(sampled)
    with pytest.raises(DomainError) as exc:
        services.submit_item(item, supervisor, deductions=deductions)
    assert needle in str(exc.value)
    item.refresh_from_db()
    assert item.submitted_at is None


def test_submitted_item_is_immutable(sampled, supervisor):
    item = services.submit_item(first(sampled), supervisor, deductions={})
    with pytest.raises(DomainError) as exc:
        services.submit_item(item, supervisor, deductions={})
    assert exc.value.code == ErrorCode.IMMUTABLE
    with pytest.raises(DomainError):
        services.recheck(item, supervisor)
