"""The witness's trust in a log (origin, key, hash algorithm) is frozen by the database;
only the latest cosigned size and root move on, each step kept in the append-only
``witness_cosignature`` (issue #11 item 10)."""

from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [("witness", "0003_log_hash_algorithm"), ("ledger", "0002_append_only")]
    operations = [
        *append_only_operations(
            "witness_witnessedlog", allow_update_columns=["tree_size", "root_hash", "updated_at"]
        ),
    ]
