"""Outcome documents are append-only (ledger/append_only.py)."""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations

TABLES = ["appeals_appealdocument"]


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial"), ("ledger", "0002_append_only")]

    operations = [op for table in TABLES for op in append_only_operations(table)]
