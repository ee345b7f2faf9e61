"""Reconciliation of a legal review's deadline extension (issue #11 items 8 and 10): the
request and the head's decision, each a leaf, agree with the row; a raw SQL rewrite of
the status, the new deadline or the reason is named by table, id and field."""

import datetime as dt

import pytest
from django.db import connection

from sanxiang.ledger import reconcile
from sanxiang.review import services
from tests.review.conftest import (  # noqa: F401
    _fast_passwords,
    _today,
    case_a,
    draft_a,
    power_a,
    steps,
)

pytestmark = pytest.mark.django_db


def test_extension_reconciles_and_a_raw_edit_is_named(steps, head_a):  # noqa: F811
    review = steps.accepted()
    new = review.deadline + dt.timedelta(days=14)
    ext = services.request_extension(review, steps.reviewer, new_deadline=new, reason="案情复杂。")
    services.decide_extension(ext, head_a, approve=False, note="不属于特殊情况。")
    assert reconcile.reconcile(["review.DeadlineExtension"]) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE review_deadlineextension SET status = 'approved', new_deadline = %s, "
            "reason = '另一理由' WHERE id = %s",
            [new + dt.timedelta(days=30), ext.pk],
        )
    found = {(m.table, m.pk, m.field) for m in reconcile.reconcile(["review.DeadlineExtension"])}
    assert found == {
        ("review_deadlineextension", ext.pk, "status"),
        ("review_deadlineextension", ext.pk, "new_deadline"),
        ("review_deadlineextension", ext.pk, "reason"),
    }
