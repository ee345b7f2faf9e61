"""Complaint attachments are append-only (ledger/append_only.py)."""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations

TABLES = ["complaints_complaintattachment"]


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_attachments"), ("ledger", "0002_append_only")]

    operations = [op for table in TABLES for op in append_only_operations(table)]
