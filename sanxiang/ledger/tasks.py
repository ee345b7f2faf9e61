"""Celery tasks of the ledger. Schedule ``sanxiang.ledger.tasks.sign_tree_head`` with
celery beat (e.g. every 5 minutes); the embedded default runs ``manage.py periodic``."""

from celery import shared_task


@shared_task(name="sanxiang.ledger.tasks.sign_tree_head")
def sign_tree_head(force: bool = False):
    """Sign a new tree head when the tree grew since the latest head (or ``force``).
    Returns the head as a dict, or None when nothing changed."""
    from .periodic import sign_if_grown

    head = sign_if_grown(force=force)
    return head.as_dict() if head is not None else None
