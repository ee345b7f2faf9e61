"""Reconciliation of a 行政复议/诉讼 record (issue #11 items 8 and 10): recorded, accepted,
extended and decided through the services, it agrees with its four leaves; a raw SQL
rewrite of its outcome, its dates or its typed notes is named by table, id and field."""

import pytest
from django.db import connection

from sanxiang.appeals import services
from sanxiang.ledger import reconcile
from tests.appeals.conftest import (  # noqa: F401
    _frozen_clock,
    _isolated_gates,
    _media,
    ago,
    flow,
    pdf,
    person_party,
    power_a,
    powers_a,
    recon,
)

pytestmark = pytest.mark.django_db


def test_appeal_reconciles_and_a_raw_edit_is_named(flow, handler_a, head_a):  # noqa: F811
    case = flow.decided()
    appeal = recon(case, handler_a)
    services.accept(appeal, handler_a, accepted_on=ago(4))
    services.extend(appeal, handler_a, days=10, note="案情复杂，经负责人批准")
    appeal = services.record_outcome(
        appeal, head_a, outcome="upheld", decided_on=ago(1), document=pdf(), note="维持"
    )
    assert reconcile.reconcile(["appeals.Appeal"]) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE appeals_appeal SET outcome = 'revoked', decided_late = %s, "
            "extension_note = 'x', applied_on = %s WHERE id = %s",
            [True, ago(100), appeal.pk],
        )
    found = {(m.table, m.pk, m.field) for m in reconcile.reconcile(["appeals.Appeal"])}
    assert found == {
        ("appeals_appeal", appeal.pk, field)
        for field in ("outcome", "decided_late", "extension_note", "applied_on")
    }
