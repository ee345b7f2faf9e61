"""Versioning: publication, effective dates, immutability, permissions, ledger."""

import datetime as dt
import json

import pytest

from sanxiang.catalog import imports, services
from sanxiang.catalog.models import CatalogKind, CatalogVersion, Power, VersionStatus
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import CaseActType, RecordedActivity
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf

from .conftest import csv_bytes, power_row

JAN, JUN = dt.date(2026, 1, 1), dt.date(2026, 6, 1)


def draft(user, rows, kind=CatalogKind.POWERS, agency=None):
    return imports.import_catalog(agency or user.agency, kind, csv_bytes(kind, rows), "x.csv", user)


def test_publish_sets_dates_hash_and_ledger(head_a, reviewer_a):
    v1 = draft(reviewer_a, [power_row("P-1")])
    v1 = services.publish_version(v1, head_a, effective_from=JAN)
    assert (
        v1.status == VersionStatus.PUBLISHED
        and v1.effective_from == JAN
        and v1.effective_to is None
    )
    assert v1.published_by == head_a and len(v1.content_hash) == 64
    assert v1.content_hash == services.content_hash(v1)
    leaf = Leaf.objects.filter(event_type=EventType.CATALOG_VERSION_PUBLISHED).get()
    assert leaf.subject == f"catalog_version:{v1.pk}"
    assert v1.content_hash in leaf.content

    v2 = services.create_draft(head_a.agency, CatalogKind.POWERS, reviewer_a)
    assert v2.based_on == v1 and Power.objects.filter(version=v2).count() == 1
    Power(
        version=v2,
        code="P-2",
        name="新增事项",
        act_type="inspection",
        field="market",
        legal_basis="《中华人民共和国食品安全法》第一百一十条",
    ).save()
    v2 = services.publish_version(v2, head_a, effective_from=JUN)
    v1.refresh_from_db()
    assert v1.effective_to == dt.date(2026, 5, 31)
    assert v2.content_hash != v1.content_hash


def test_lookup_by_date_gives_the_version_in_force(head_a):
    v1 = services.publish_version(
        draft(head_a, [power_row("P-1", 事项名称="旧名称")]), head_a, effective_from=JAN
    )
    v2 = services.publish_version(
        draft(head_a, [power_row("P-1", 事项名称="新名称")]), head_a, effective_from=JUN
    )
    agency = head_a.agency
    assert services.current_version(agency, CatalogKind.POWERS, dt.date(2025, 12, 31)) is None
    old = services.current_powers(agency, dt.date(2026, 5, 31)).get()
    new = services.current_powers(agency, JUN).get()
    assert old.name == "旧名称" and old.version_ref == v1.ref
    assert new.name == "新名称" and new.version_ref["number"] == 2
    assert new.version_ref["content_hash"] == v2.content_hash
    assert services.find_power(agency, "P-1", dt.date(2026, 3, 1)).version == v1


def test_effective_from_must_follow_current(head_a):
    services.publish_version(draft(head_a, [power_row("P-1")]), head_a, effective_from=JUN)
    v2 = draft(head_a, [power_row("P-1")])
    with pytest.raises(DomainError):
        services.publish_version(v2, head_a, effective_from=JAN)
    with pytest.raises(DomainError):
        services.publish_version(v2, head_a, effective_from=JUN)


def test_published_version_is_immutable(head_a):
    v1 = services.publish_version(draft(head_a, [power_row("P-1")]), head_a, effective_from=JAN)
    power = Power.objects.get(version=v1)
    power.name = "篡改"
    with pytest.raises(DomainError) as info:
        power.save()
    assert info.value.code == ErrorCode.IMMUTABLE
    with pytest.raises(DomainError):
        power.delete()
    with pytest.raises(DomainError):
        services.publish_version(v1, head_a, effective_from=JUN)
    with pytest.raises(DomainError):
        services.create_items(v1, CatalogKind.POWERS, [])
    with pytest.raises(DomainError):
        services.delete_draft(v1, head_a)
    assert Power.objects.get(version=v1).name != "篡改"


def test_handler_and_reviewer_cannot_publish(head_a, handler_a, reviewer_a):
    v = draft(reviewer_a, [power_row("P-1")])
    for user in (handler_a, reviewer_a):
        with pytest.raises(DomainError) as info:
            services.publish_version(v, user, effective_from=JAN)
        assert info.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError):
        services.create_draft(handler_a.agency, CatalogKind.POWERS, handler_a)


def test_other_agency_head_and_supervisor_cannot_publish(head_a, head_b, supervisor):
    v = draft(head_a, [power_row("P-1")])
    for user in (head_b, supervisor):
        with pytest.raises(DomainError) as info:
            services.publish_version(v, user, effective_from=JAN)
        assert info.value.code == ErrorCode.PERMISSION_DENIED
    assert CatalogVersion.objects.get(pk=v.pk).status == VersionStatus.DRAFT


def test_supervisor_publishes_region_wide_catalogue(supervisor, admin_user):
    v = draft(supervisor, [power_row("SFJ-1", 执法领域="其他")], agency=supervisor.agency)
    v = services.publish_version(v, supervisor, effective_from=JAN)
    assert v.is_published
    v2 = draft(admin_user, [power_row("SFJ-2", 执法领域="其他")], agency=supervisor.agency)
    assert services.publish_version(v2, admin_user, effective_from=JUN).is_published


def test_empty_draft_cannot_be_published_and_drafts_can_be_deleted(head_a):
    v = services.create_draft(head_a.agency, CatalogKind.POWERS, head_a)
    with pytest.raises(DomainError):
        services.publish_version(v, head_a, effective_from=JAN)
    services.delete_draft(v, head_a)
    assert not CatalogVersion.objects.exists()


def test_content_hash_is_canonical(head_a):
    v1 = draft(head_a, [power_row("P-2"), power_row("P-1")])
    v2 = draft(head_a, [power_row("P-1"), power_row("P-2")])
    assert services.content_hash(v1) == services.content_hash(v2)
    content = services.canonical_content(v1)
    assert json.dumps(content, ensure_ascii=False)
    assert [i["code"] for i in content["items"]] == ["P-1", "P-2"]


def test_recording_required(head_a, supervisor):
    rows = [
        {
            "事项编码": "R1",
            "执法行为类别": "行政强制",
            "执法环节": "查封、扣押",
            "记录要求": "全程音像记录",
        },
        {"事项编码": "R2", "执法环节": "现场检查（勘验）"},
    ]
    services.publish_version(draft(head_a, rows, CatalogKind.RECORDING), head_a, effective_from=JAN)
    region = [{"事项编码": "S1", "执法环节": "听证", "记录要求": "听证全过程音像记录"}]
    services.publish_version(
        draft(supervisor, region, CatalogKind.RECORDING, supervisor.agency),
        supervisor,
        effective_from=JAN,
    )
    agency = head_a.agency
    req = services.recording_required(agency, CaseActType.COERCION, RecordedActivity.SEIZURE, JUN)
    assert req is not None and req.requirement == "全程音像记录" and req.version_ref["number"] == 1
    assert (
        services.recording_required(
            agency, CaseActType.PENALTY_GENERAL, RecordedActivity.SEIZURE, JUN
        )
        is None
    )
    assert (
        services.recording_required(
            agency, CaseActType.PENALTY_GENERAL, RecordedActivity.ON_SITE_INSPECTION, JUN
        ).code
        == "R2"
    )
    assert (
        services.recording_required(
            agency, CaseActType.PENALTY_GENERAL, RecordedActivity.HEARING, JUN
        ).code
        == "S1"
    )
    assert (
        services.recording_required(
            agency, CaseActType.COERCION, RecordedActivity.SEIZURE, dt.date(2025, 6, 1)
        )
        is None
    )
    acts = [r.activity for r in services.recording_requirements(agency, CaseActType.COERCION, JUN)]
    assert acts == ["seizure", "on_site_inspection", "hearing"]


def test_new_draft_copies_discretion_tiers(head_a):
    from sanxiang.catalog.models import DiscretionTier

    rows = [
        {
            "基准编码": "D-1",
            "违法行为": "甲",
            "档次序号": "1",
            "裁量档次": "一般",
            "罚款计算方式": "倍数",
            "计算基数": "违法所得",
            "罚款下限": "1",
            "罚款上限": "3",
            "其他处罚种类": "没收违法所得",
        },
        {
            "基准编码": "D-1",
            "违法行为": "甲",
            "档次序号": "2",
            "裁量档次": "严重",
            "罚款计算方式": "固定金额",
            "罚款下限": "1000.5",
            "罚款上限": "2000",
        },
    ]
    v1 = services.publish_version(
        draft(head_a, rows, CatalogKind.DISCRETION), head_a, effective_from=JAN
    )
    v2 = services.create_draft(head_a.agency, CatalogKind.DISCRETION, head_a)
    assert DiscretionTier.objects.filter(benchmark__version=v2).count() == 2
    assert services.content_hash(v2) == v1.content_hash
    tier = DiscretionTier.objects.get(benchmark__version=v1, order=1)
    tier.name = "改"
    with pytest.raises(DomainError):
        tier.save()
