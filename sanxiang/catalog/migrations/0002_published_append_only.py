"""A published catalogue version and its items are frozen by the database (issue #11 item 10).

Until now only ``CatalogItem.save`` and the services refused edits of a published version;
a raw UPDATE (or the ORM's ``update()``) went through. A draft stays editable and deletable;
once its version is published an item, a discretion tier and the version itself refuse
UPDATE and DELETE — except the version's ``effective_to``, filled in when the next version
is published. The conditions are those of ``ledger.protection.APPEND_ONLY``."""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations

ITEM_OF_DRAFT = (
    "NOT EXISTS (SELECT 1 FROM catalog_catalogversion v "
    """WHERE v.id = OLD."version_id" AND v.status <> 'draft')"""
)
TIER_OF_DRAFT = (
    "NOT EXISTS (SELECT 1 FROM catalog_discretionbenchmark b JOIN catalog_catalogversion v "
    """ON v.id = b.version_id WHERE b.id = OLD."benchmark_id" AND v.status <> 'draft')"""
)
ITEM_TABLES = (
    "catalog_power",
    "catalog_discretionbenchmark",
    "catalog_majordecisionrule",
    "catalog_recordingrequirement",
    "catalog_inspectionitem",
    "catalog_serviceguide",
    "catalog_remedy",
    "catalog_contact",
)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial"), ("ledger", "0002_append_only")]
    operations = [
        *append_only_operations(
            "catalog_catalogversion",
            allow_update_columns=["effective_to"],
            mutable_while="""OLD."status" = 'draft'""",
        ),
        *[
            op
            for table in ITEM_TABLES
            for op in append_only_operations(table, mutable_while=ITEM_OF_DRAFT)
        ],
        *append_only_operations("catalog_discretiontier", mutable_while=TIER_OF_DRAFT),
    ]
