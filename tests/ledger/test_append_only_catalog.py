"""Issue #11 item 10, second round: the tables that left KNOWN_GAPS by trigger.

* A catalogue version is a draft (any change, deletable) until published; then the
  database refuses a raw UPDATE or DELETE of the version, of its items and of its
  discretion tiers — only the version's ``effective_to`` is filled in, when the next
  version is published.
* A case's parties and handlers, registered once, refuse UPDATE and DELETE.
* The witness's trust in a log (origin, key, hash algorithm) is frozen; the latest
  cosigned size and root still move on.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from sanxiang.catalog import imports, services
from sanxiang.catalog.models import CatalogKind, DiscretionBenchmark, DiscretionTier, Power
from tests.catalog.conftest import csv_bytes, power_row

pytestmark = pytest.mark.django_db

DISCRETION_ROWS = [
    {
        "基准编码": "D-1",
        "违法行为": "销售不符合食品安全标准的食品",
        "档次序号": "1",
        "裁量档次": "一般",
        "罚款计算方式": "固定金额",
        "罚款下限": "50000",
        "罚款上限": "80000",
    }
]


def _raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def _refused(sql, params=()):
    with pytest.raises(IntegrityError, match="append-only"):
        _raw(sql, params)


def _draft(agency, kind, rows, actor):
    return imports.import_catalog(agency, kind, csv_bytes(kind, rows), "t.csv", actor)


def test_published_catalogue_is_frozen_and_a_draft_is_not(head_a):
    agency = head_a.agency
    draft = _draft(agency, CatalogKind.POWERS, [power_row("P-1"), power_row("P-2")], head_a)
    item = Power.objects.get(version=draft, code="P-1")
    # a draft: raw edits and deletes pass (the service's own rules apply above)
    _raw("UPDATE catalog_power SET name = '草稿改名' WHERE id = %s", [item.pk])
    _raw("DELETE FROM catalog_power WHERE code = 'P-2' AND version_id = %s", [draft.pk])
    _raw("UPDATE catalog_catalogversion SET note = '草稿说明' WHERE id = %s", [draft.pk])

    first = services.publish_version(draft, head_a, effective_from=dt.date(2026, 1, 1))
    _refused("UPDATE catalog_power SET name = '篡改' WHERE id = %s", [item.pk])
    _refused("DELETE FROM catalog_power WHERE id = %s", [item.pk])
    _refused("UPDATE catalog_catalogversion SET content_hash = 'x' WHERE id = %s", [first.pk])
    _refused("UPDATE catalog_catalogversion SET status = 'draft' WHERE id = %s", [first.pk])
    _refused("DELETE FROM catalog_catalogversion WHERE id = %s", [first.pk])

    # the next version: the previous one's effective_to is still filled in
    second = services.create_draft(agency, CatalogKind.POWERS, head_a)
    services.publish_version(second, head_a, effective_from=dt.date(2026, 7, 1))
    first.refresh_from_db()
    assert first.effective_to == dt.date(2026, 6, 30)
    # and a draft is still deleted whole by the service
    third = services.create_draft(agency, CatalogKind.POWERS, head_a)
    services.delete_draft(third, head_a)
    assert not Power.objects.filter(version_id=third.pk).exists()


def test_published_discretion_tiers_are_frozen(head_a):
    draft = _draft(head_a.agency, CatalogKind.DISCRETION, DISCRETION_ROWS, head_a)
    tier = DiscretionTier.objects.get(benchmark__version=draft)
    _raw("UPDATE catalog_discretiontier SET fine_max = 90000 WHERE id = %s", [tier.pk])
    services.publish_version(draft, head_a, effective_from=dt.date(2026, 1, 1))
    _refused("UPDATE catalog_discretiontier SET fine_max = 900000 WHERE id = %s", [tier.pk])
    _refused("DELETE FROM catalog_discretiontier WHERE id = %s", [tier.pk])
    benchmark = DiscretionBenchmark.objects.get(version=draft)
    _refused("UPDATE catalog_discretionbenchmark SET violation = 'x' WHERE id = %s", [benchmark.pk])


def test_parties_and_handlers_are_append_only(agency_a, handler_a, officer_a1, officer_a2):
    from sanxiang.cases import services as cases
    from sanxiang.cases.models import CaseHandler, CaseSource, Party
    from sanxiang.core.fields import CaseActType

    case = cases.open_case(
        agency=agency_a,
        actor=handler_a,
        act_type=CaseActType.INSPECTION,
        title="某超市食品安全检查",
        source=CaseSource.PATROL,
        officers=[officer_a2],
    )
    party = cases.add_party(
        case, handler_a, party_type="legal_person", name="某超市有限公司", usci="91339999MA2AAAAA1L"
    )
    handler = CaseHandler.objects.filter(case=case).first()
    _refused("UPDATE cases_party SET name = '另一公司' WHERE id = %s", [party.pk])
    _refused("DELETE FROM cases_party WHERE id = %s", [party.pk])
    _refused("UPDATE cases_casehandler SET role = 'main' WHERE id = %s", [handler.pk])
    _refused("DELETE FROM cases_casehandler WHERE id = %s", [handler.pk])
    assert Party.objects.filter(pk=party.pk).exists()


def test_witnessed_log_key_is_frozen_but_its_size_moves():
    from django.utils import timezone

    from sanxiang.witness.models import WitnessedLog

    log = WitnessedLog.objects.create(
        origin="example.org/ledger", key_name="ledger", public_key=b"k" * 32,
        created_at=timezone.now(),
    )  # fmt: skip
    _raw(
        "UPDATE witness_witnessedlog SET tree_size = 5, root_hash = %s WHERE id = %s",
        [b"r" * 32, log.pk],
    )
    _refused("UPDATE witness_witnessedlog SET public_key = %s WHERE id = %s", [b"x" * 32, log.pk])
    _refused("UPDATE witness_witnessedlog SET hash_algorithm = 'sm3' WHERE id = %s", [log.pk])
    _refused("DELETE FROM witness_witnessedlog WHERE id = %s", [log.pk])
