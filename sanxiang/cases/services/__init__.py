"""Case services: the only writers of cases. Each transition checks the actor's role and
agency, the stage and the legal rules, writes the change, appends a ledger leaf and a
timeline entry (``CaseEvent``) in one transaction, and raises ``DomainError`` with a
Chinese reason when it refuses.

Lifecycle (general procedure): open_case → approve_opening → start_investigation →
record_event… → finish_investigation → send_prior_notice → record_statement /
request_hearing → schedule_hearing → hold_hearing / waive → (collective_discussion) →
decide → serve → record_payment / record_enforcement → close_case → archive_case.
Simple procedure: decide_on_the_spot → (record_payment) → file_simple_decision →
close_case → archive_case.

Dates (``dates``): an act's date is never in the future, never before the registration or
the act it follows; one entered more than ``dates.late_entry_days()`` days late (补录) needs
``late_reason`` and is marked on the timeline and in the ledger leaf.
"""

from . import dates
from ._base import next_number, policy
from .decision import (
    collective_discussion,
    decide,
    decision_blockers,
    hearing_grounds,
    hold_hearing,
    record_statement,
    request_hearing,
    require_collective_discussion,
    schedule_hearing,
    send_prior_notice,
    waive,
    withdraw_decision,
)
from .execution import (
    ENFORCEMENT_KINDS,
    PAYMENT_METHODS,
    amount_due,
    archive_case,
    close_case,
    mark_long_term_retention,
    needs_execution,
    record_enforcement,
    record_payment,
    serve,
)
from .opening import (
    add_handler,
    add_party,
    approve_opening,
    clean_party,
    extend_deadline,
    finish_investigation,
    open_case,
    record_event,
    reject_opening,
    start_investigation,
    terminate_case,
)
from .queries import (
    ACTIONS,
    ACTIONS_BY_CODE,
    available_actions,
    case_alerts,
    deadline_warnings,
    missing_items,
    timeline,
)
from .simple import decide_on_the_spot, file_simple_decision

issue_decision = decide  # alias: "the service that issues the decision"

__all__ = [
    "ACTIONS",
    "ACTIONS_BY_CODE",
    "ENFORCEMENT_KINDS",
    "PAYMENT_METHODS",
    "add_handler",
    "add_party",
    "amount_due",
    "approve_opening",
    "archive_case",
    "available_actions",
    "case_alerts",
    "clean_party",
    "close_case",
    "collective_discussion",
    "deadline_warnings",
    "decide",
    "decide_on_the_spot",
    "dates",
    "decision_blockers",
    "extend_deadline",
    "file_simple_decision",
    "finish_investigation",
    "hearing_grounds",
    "hold_hearing",
    "issue_decision",
    "mark_long_term_retention",
    "missing_items",
    "needs_execution",
    "next_number",
    "open_case",
    "policy",
    "record_enforcement",
    "record_event",
    "record_payment",
    "record_statement",
    "reject_opening",
    "request_hearing",
    "require_collective_discussion",
    "schedule_hearing",
    "send_prior_notice",
    "serve",
    "start_investigation",
    "terminate_case",
    "timeline",
    "waive",
    "withdraw_decision",
]
