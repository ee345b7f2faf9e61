"""Reconciliation of a 涉嫌犯罪案件移送 (issue #11 items 8 and 10): a transfer taken through
the police's 不予立案, the agency's 复议, the 复议 decision, 立案监督 and the return (or
through 立案 and the hand-over) agrees with its leaves; a raw SQL rewrite of a column a
leaf recorded — the police's decision, its 复议 decision, a date, the status, a typed
reason, a material — is named by table, id and field."""

import pytest
from django.db import connection

from sanxiang.ledger import reconcile
from sanxiang.transfers import services
from sanxiang.transfers.models import TransferStatus
from tests.transfers.conftest import (  # noqa: F401
    MATERIALS,
    _frozen_clock,
    _isolated_gates,
    _media,
    ago,
    decided_as_transfer,
    flow,
    person_party,
    power_a,
    powers_a,
    transfer,
)

pytestmark = pytest.mark.django_db
LABEL = ["transfers.PoliceTransfer"]


def _found():
    return {(m.table, m.pk, m.field) for m in reconcile.reconcile(LABEL)}


def _through_reconsideration(flow, handler_a, head_a):  # noqa: F811
    """不予立案 → 复议 → 复议维持 → 立案监督 → 退回: every step, the police's reply and its
    复议 decision included (one leaf builder, two event types)."""
    case = decided_as_transfer(flow)  # the party is the natural person 张三
    # a material naming the party: its name is in the leaf only as a digest
    t = transfer(case, head_a, materials=[*MATERIALS, "张三询问笔录"])
    t = services.record_reply(
        t, handler_a, decision="not_filed", notified_on=ago(7), reasons="未达追诉标准"
    )
    t = services.request_reconsideration(t, head_a, requested_on=ago(6))
    t = services.record_reconsideration(
        t, handler_a, decision="not_filed", notified_on=ago(5), reasons="维持不予立案"
    )
    t = services.suggest_procuratorate(t, head_a, suggested_on=ago(4), note="建议立案监督")
    return services.return_case(t, head_a, returned_on=ago(1), note="依法给予行政处罚")


def test_a_transfer_through_reconsideration_reconciles_clean(flow, handler_a, head_a):  # noqa: F811
    t = _through_reconsideration(flow, handler_a, head_a)
    assert t.status == TransferStatus.RETURNED
    assert t.reconsideration_decision == "not_filed" and t.procuratorate_on == ago(4)
    assert reconcile.reconcile(LABEL) == []


def test_reconsideration_that_files_then_hand_over_reconciles_clean(flow, handler_a, head_a):  # noqa: F811
    t = transfer(flow.in_decision(), head_a)
    assert reconcile.reconcile(LABEL) == []  # just transferred: every later column empty
    t = services.record_reply(t, handler_a, decision="not_filed", notified_on=ago(7), reasons="r")
    t = services.request_reconsideration(t, head_a, requested_on=ago(6))
    assert reconcile.reconcile(LABEL) == []
    t = services.record_reconsideration(t, handler_a, decision="filed", notified_on=ago(5))
    assert t.status == TransferStatus.FILED
    assert reconcile.reconcile(LABEL) == []
    t = services.hand_over(t, handler_a, handed_over_on=ago(3))
    assert t.status == TransferStatus.HANDED_OVER
    assert reconcile.reconcile(LABEL) == []


def test_raw_edits_of_a_returned_transfer_are_named(flow, handler_a, head_a):  # noqa: F811
    t = _through_reconsideration(flow, handler_a, head_a)
    assert reconcile.reconcile(LABEL) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE transfers_policetransfer SET reconsideration_decision = 'filed', "
            "decision = 'filed', reasons = '另一理由', reconsideration_notified_on = %s, "
            "status = 'handed_over', return_note = 'x', materials = %s WHERE id = %s",
            [ago(3), '["涉嫌犯罪案件移送书", "涉嫌犯罪案件情况的调查报告", "李四询问笔录"]', t.pk],
        )
    table = "transfers_policetransfer"
    assert _found() == {
        (table, t.pk, field)
        for field in (
            "reconsideration_decision",
            "decision",
            "reasons",
            "reconsideration_notified_on",
            "status",
            "return_note",
            "materials",
        )
    }


def test_a_forged_later_step_and_a_changed_authority_are_named(flow, handler_a, head_a):  # noqa: F811
    """Columns no leaf has filled yet are compared with their empty start: a 立案 or a
    hand-over written straight into a transfer the police have not answered is found."""
    t = transfer(flow.in_decision(), head_a)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE transfers_policetransfer SET decision = 'filed', status = 'filed', "
            "handed_over_on = %s, police_authority = '另一公安局', approval_late = %s "
            "WHERE id = %s",
            [ago(1), True, t.pk],
        )
    table = "transfers_policetransfer"
    assert _found() == {
        (table, t.pk, field)
        for field in ("decision", "status", "handed_over_on", "police_authority", "approval_late")
    }


def test_a_deleted_transfer_is_named(flow, handler_a, head_a):  # noqa: F811
    t = transfer(flow.in_decision(), head_a)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM transfers_policetransfer WHERE id = %s", [t.pk])
    [mismatch] = reconcile.reconcile(LABEL)
    assert (mismatch.table, mismatch.pk, mismatch.problem) == (
        "transfers_policetransfer",
        t.pk,
        "no_row",
    )
