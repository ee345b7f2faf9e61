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


def run(stdout):
    head = sign_if_grown()
    if head is not None:
        stdout.write(f"ledger: signed tree head size={head.tree_size}")
