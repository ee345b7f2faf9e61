"""Certificate status events are append-only (issue #11 item 10): a suspension, revocation
or reinstatement once recorded cannot be edited or deleted."""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial"), ("ledger", "0002_append_only")]
    operations = [*append_only_operations("org_certificateevent")]
