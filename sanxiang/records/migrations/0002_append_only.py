from django.db import migrations

from sanxiang.ledger.append_only import append_only_operations

DECISION_COLUMNS = ["status", "decided_by_id", "decided_at", "decision_note"]


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial"), ("ledger", "0002_append_only")]

    operations = [
        *append_only_operations("records_recording"),
        *append_only_operations("records_longtermmark"),
        *append_only_operations("records_purge"),
        *append_only_operations("records_accesslog"),
        *append_only_operations("records_fixityrun"),
        *append_only_operations("records_fixityalert"),
        *append_only_operations(
            "records_accessrequest", allow_update_columns=[*DECISION_COLUMNS, "valid_until"]
        ),
        *append_only_operations("records_recordingwaiver", allow_update_columns=DECISION_COLUMNS),
    ]
