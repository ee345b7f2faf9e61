"""Periodic job of the ledger, called by ``manage.py periodic`` (and the Celery task)."""

from django.db import transaction


def sign_if_grown(force: bool = False):
    """Sign a head for the current size if the tree grew since the latest head."""
    from .services import latest_head, sign_tree_head, tree_size

    with transaction.atomic():
        size = tree_size()
        latest = latest_head()
        if not force and latest is not None and latest.tree_size >= size:
            return None
        if not force and latest is None and size == 0:
            return None
        return sign_tree_head(size)


def check_triggers(stdout):
    """Production processes (granian, celery) never run ``manage.py check``: report a
    missing append-only trigger here too (ERROR log line + the job's output)."""
    import logging

    from django.db import connection

    from .checks import trigger_problems

    problems = trigger_problems(connection)
    for label, table, problem in problems:
        logging.getLogger("sanxiang.ledger.triggers").error(
            "APPEND-ONLY TRIGGER PROBLEM on %s (%s): %s", table, label, problem
        )
        stdout.write(f"ledger: append-only trigger problem on {table}: {problem}\n")
    return problems


def check_reconciliation(stdout):
    """Compare the rows with legal weight with their leaves (``reconcile.py``); each
    mismatch is an ERROR log line, a line of the job's output and a notification to the
    platform administrators."""
    from .reconcile import alert, reconcile

    mismatches = reconcile()
    alert(mismatches, stdout)
    return mismatches


def run(stdout):
    head = sign_if_grown()
    if head is not None:
        stdout.write(f"ledger: signed tree head size={head.tree_size}")
    check_triggers(stdout)
    check_reconciliation(stdout)
