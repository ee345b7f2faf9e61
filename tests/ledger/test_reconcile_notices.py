"""Reconciliation of the 整改通知 of 案卷评查 (and, through the same workflow, of 网上巡查)
— issue #11 items 8 and 10. A notice issued, reported, returned, reported again and
closed through the services agrees with its leaves; a raw SQL rewrite of its status,
deadline, requirements or report is named by table, id and field."""

import pytest
from django.db import connection

from sanxiang.evaluation import services
from sanxiang.ledger import reconcile
from tests.evaluation.conftest import _isolated_files, closed_cases, make_round  # noqa: F401

pytestmark = pytest.mark.django_db


def test_rectification_reconciles_and_a_raw_edit_is_named(supervisor, handler_a, agency_a):
    rnd = make_round(supervisor, [agency_a])
    closed_cases(agency_a, 3)
    rnd = services.sample(rnd, supervisor, seed_hex="ab" * 32)
    sheets = list(rnd.sheets.order_by("order"))
    sheet = services.submit_sheet(sheets[0], supervisor, deductions={"facts": (15, "未出示证件")})
    rect = services.issue_rectification(sheet, supervisor, requirements="补正送达回证")
    rect = services.submit_report(rect, handler_a, report="已补正")
    rect = services.return_report(rect, supervisor, reason="说明不实")
    rect = services.submit_report(rect, handler_a, report="已全部补正")
    assert reconcile.reconcile(["evaluation.Rectification"]) == []
    services.accept_report(rect, supervisor)
    assert reconcile.reconcile(["evaluation.Rectification"]) == []

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evaluation_rectification SET status = 'issued', deadline = '2099-01-01', "
            "requirements = '无需整改', report = '', returned_count = 0 WHERE id = %s",
            [rect.pk],
        )
    found = {(m.table, m.pk, m.field) for m in reconcile.reconcile(["evaluation.Rectification"])}
    assert found == {
        ("evaluation_rectification", rect.pk, field)
        for field in ("status", "deadline", "requirements", "report_sha256", "returned_count")
    }


def test_evaluation_round_reconciles_and_a_raw_edit_is_named(supervisor, agency_a):
    rnd = make_round(supervisor, [agency_a])
    assert reconcile.reconcile(["evaluation.Round"]) == []
    closed_cases(agency_a, 3)
    rnd = services.sample(rnd, supervisor, seed_hex="ab" * 32)
    for sheet in rnd.sheets.order_by("order"):
        services.submit_sheet(sheet, supervisor, deductions={})
    assert reconcile.reconcile(["evaluation.Round"]) == []
    rnd = services.conclude(rnd, supervisor)
    assert reconcile.reconcile(["evaluation.Round"]) == []

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evaluation_round SET seed = %s, summary = '{}', title = '另一批次', "
            "ratio = 50 WHERE id = %s",
            ["cd" * 32, rnd.pk],
        )
    found = {(m.table, m.pk, m.field) for m in reconcile.reconcile(["evaluation.Round"])}
    assert found == {
        ("evaluation_round", rnd.pk, field) for field in ("seed", "summary", "title", "ratio")
    }
