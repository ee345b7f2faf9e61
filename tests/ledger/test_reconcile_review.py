"""Reconciliation of legal-review opinions and of a decision made through the real case
services (issue #11 item 8)."""

import pytest
from django.db import connection

from sanxiang.ledger import reconcile
from sanxiang.review.models import Opinion
from tests.ledger.test_reconcile import drop_triggers
from tests.review.conftest import (  # noqa: F401
    _fast_passwords,
    _today,
    case_a,
    draft_a,
    power_a,
    steps,
)

pytestmark = pytest.mark.django_db


def test_opinion_rewritten_is_reported(steps):  # noqa: F811
    review = steps.opinion()
    opinion = review.opinion
    assert reconcile.reconcile(["review.Opinion"]) == []
    drop_triggers("review_opinion")
    Opinion.objects.filter(pk=opinion.pk).update(kind="disagree", pdf_sha256="f" * 64)
    found = {(m.table, m.pk, m.field) for m in reconcile.reconcile(["review.Opinion"])}
    assert found == {
        ("review_opinion", opinion.pk, "kind"),
        ("review_opinion", opinion.pk, "pdf_sha256"),
    }


def test_decision_through_the_services_then_rewritten(steps):  # noqa: F811
    steps.opinion()
    case = steps.decide()
    assert reconcile.reconcile(["cases.Case"]) == []
    with connection.cursor() as cursor:  # cases_case has no trigger (KNOWN_GAPS)
        cursor.execute(
            "UPDATE cases_case SET fine = 500, decision_outcome = 'no_penalty' WHERE id = %s",
            [case.pk],
        )
    found = [
        (m.pk, m.field, m.row_value, m.leaf_value) for m in reconcile.reconcile(["cases.Case"])
    ]
    assert (case.pk, "fine", "500", "5000") in found
    assert (case.pk, "decision_outcome", "no_penalty", "penalty") in found
