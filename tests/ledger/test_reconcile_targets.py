"""Reconciliation of the inspection target register (issue #11 items 8 and 10): every
target must have a leaf (added one by one or in an import); the name and risk class of a
target added one by one and every change of its 在册 state are compared."""

import pytest
from django.db import connection

from sanxiang.inspections import services
from sanxiang.inspections.models import Target
from sanxiang.ledger import reconcile

pytestmark = pytest.mark.django_db


def test_register_reconciles_and_raw_edits_are_named(agency_a, head_a):
    target = services.add_target(
        agency_a, head_a, name="某超市有限公司", usci="91339999MA2AAAAA1L", risk_class="B"
    )
    services.set_target_active(target, head_a, False)
    csv = "名称,统一社会信用代码,地址,信用风险分类\n某餐饮店,92339999MA2BBBBB2W,,C\n"
    assert services.import_targets(agency_a, csv.encode(), head_a) == 1
    assert reconcile.reconcile(["inspections.Target"]) == []

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inspections_target SET risk_class = 'A', is_active = %s WHERE id = %s",
            [True, target.pk],
        )
    found = {(m.table, m.pk, m.field) for m in reconcile.reconcile(["inspections.Target"])}
    assert found == {
        ("inspections_target", target.pk, "risk_class"),
        ("inspections_target", target.pk, "is_active"),
    }
    # a target slipped into the register by hand has no leaf (it could be drawn)
    ghost = Target.objects.create(agency=agency_a, name="未登记对象", usci="91339999MA2CCCCC3B")
    problems = {(m.pk, m.problem) for m in reconcile.reconcile(["inspections.Target"])}
    assert (ghost.pk, "no_leaf") in problems
