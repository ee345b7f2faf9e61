"""The columns of a case that every timeline leaf restates (issue #11 item 10): stage,
案件编号, agency and act type. ``cases_case`` refuses DELETE by trigger and its decision
columns are compared with the decision leaf (``reconcile.RULES``); this rule compares the
rest of what the leaves hold with the case's latest timeline leaf, so a rogue DBA who moves a
case to another stage, renumbers it or hands it to another agency by SQL is named."""

import pytest
from django.db import connection

from sanxiang.ledger import reconcile
from tests.review.conftest import (  # noqa: F401
    _fast_passwords,
    _today,
    case_a,
    draft_a,
    power_a,
    steps,
)

pytestmark = pytest.mark.django_db
LABEL = ["cases.Case"]


def _found():
    return {(m.table, m.pk, m.field, m.problem) for m in reconcile.reconcile(LABEL)}


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_case_through_review_reconciles_and_raw_edits_are_named(steps, agency_b):  # noqa: F811
    steps.opinion("agree")
    case = steps.case
    case.refresh_from_db()
    assert reconcile.reconcile(LABEL) == []
    _raw("UPDATE cases_case SET stage = %s WHERE id = %s", ["archived", case.pk])
    _raw("UPDATE cases_case SET number = %s WHERE id = %s", ["伪造〔2026〕1号", case.pk])
    _raw("UPDATE cases_case SET agency_id = %s WHERE id = %s", [agency_b.pk, case.pk])
    found = _found()
    assert ("cases_case", case.pk, "stage", "differs") in found
    assert ("cases_case", case.pk, "agency_id", "differs") in found
    assert ("cases_case", case.pk, "number", "differs") in found


def test_stage_moved_back_by_sql_is_named_against_the_latest_leaf(steps):  # noqa: F811
    case = steps.case
    case.refresh_from_db()
    assert reconcile.reconcile(LABEL) == []
    earlier = "investigation" if case.stage != "investigation" else "opening"
    _raw("UPDATE cases_case SET stage = %s WHERE id = %s", [earlier, case.pk])
    [m] = [m for m in reconcile.reconcile(LABEL) if m.field == "stage"]
    assert (m.pk, m.row_value, m.leaf_value) == (case.pk, earlier, case.stage)
