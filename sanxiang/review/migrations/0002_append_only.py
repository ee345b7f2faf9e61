"""Opinions, findings, assignments, materials, scope assessments, disputes, collective-
discussion decisions and transfers are append-only (database triggers)."""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations

TABLES = [
    "review_reviewscope",
    "review_reviewmaterial",
    "review_reviewassignment",
    "review_opinion",
    "review_checklistfinding",
    "review_dispute",
    "review_disputediscussion",
    "review_transfer",
]


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial"), ("ledger", "0002_append_only")]

    operations = [op for table in TABLES for op in append_only_operations(table)]
