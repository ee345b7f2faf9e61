"""Reconciliation of 网上巡查 (issue #11 items 8 and 10): a submitted item is fixed, and its
score, deductions and the automatic checks it was scored on agree with the scoring leaf;
its 整改通知 follows the shared notice workflow. A raw SQL rewrite is named."""

import pytest
from django.db import connection

from sanxiang.ledger import reconcile
from sanxiang.patrol import services
from tests.patrol.conftest import (  # noqa: F401
    _fast_and_clean,
    _frozen,
    first,
    pubs,
    sampled,
    score_all,
)

pytestmark = pytest.mark.django_db


def test_submitted_item_and_notice_reconcile_and_raw_edits_are_named(
    sampled,  # noqa: F811
    supervisor,
    agency_a,
    handler_a,
):
    item = services.submit_item(
        first(sampled), supervisor, deductions={"accuracy": (5, "罚款数额与决定书不一致")}
    )
    notice = services.issue_notice(sampled, agency_a, supervisor, requirements="请更正")
    notice = services.submit_report(notice, handler_a, report="已更正")
    labels = ["patrol.PatrolItem", "patrol.PatrolNotice"]
    assert reconcile.reconcile(labels) == []

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE patrol_patrolitem SET score = 100, grade = 'fail', deductions = '{}', "
            "checks = '[]' WHERE id = %s",
            [item.pk],
        )
        cursor.execute(
            "UPDATE patrol_patrolnotice SET status = 'closed' WHERE id = %s", [notice.pk]
        )
    found = {(m.table, m.pk, m.field) for m in reconcile.reconcile(labels)}
    assert found == {
        ("patrol_patrolitem", item.pk, "score"),
        ("patrol_patrolitem", item.pk, "grade"),
        ("patrol_patrolitem", item.pk, "deductions"),
        ("patrol_patrolitem", item.pk, "checks_sha256"),
        ("patrol_patrolnotice", notice.pk, "status"),
    }


def test_patrol_round_reconciles_and_a_raw_edit_is_named(sampled, supervisor):  # noqa: F811
    assert reconcile.reconcile(["patrol.PatrolRound"]) == []
    score_all(sampled, supervisor)
    rnd = services.conclude(sampled, supervisor)
    assert reconcile.reconcile(["patrol.PatrolRound"]) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE patrol_patrolround SET seed = %s, sample_size = 1, summary = '{}' "
            "WHERE id = %s",
            ["cd" * 32, rnd.pk],
        )
    found = {(m.table, m.pk, m.field) for m in reconcile.reconcile(["patrol.PatrolRound"])}
    assert found == {
        ("patrol_patrolround", rnd.pk, field) for field in ("seed", "sample_size", "summary")
    }
