"""Accepted-article records refuse UPDATE and DELETE (ledger/append_only.py)."""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations

TABLES = ["assist_acceptedarticle"]


class Migration(migrations.Migration):
    dependencies = [("assist", "0002_accepted_article"), ("ledger", "0002_append_only")]

    operations = [op for table in TABLES for op in append_only_operations(table)]
