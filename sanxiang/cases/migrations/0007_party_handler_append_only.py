"""A case's parties and handlers are registered once and never edited or removed by the
services: the database now refuses UPDATE and DELETE of them too (issue #11 item 10)."""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_numbers_from_sequences"),
        ("ledger", "0002_append_only"),
    ]
    operations = [
        *append_only_operations("cases_party"),
        *append_only_operations("cases_casehandler"),
    ]
