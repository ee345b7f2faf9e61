"""Periodic job of the inspections app (``manage.py periodic``)."""

from __future__ import annotations


def run(stdout=None):
    from .backfill import backfill_publications

    backfill_publications(stdout)
