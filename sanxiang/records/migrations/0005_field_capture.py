"""Field mode (issue #18): capture time and device of a recording hashed on the phone."""

from django.db import migrations, models

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0004_upload_integrity"),
    ]

    operations = [
        migrations.AddField(
            model_name="recording",
            name="captured_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="采集时间（移动端）"),
        ),
        migrations.AddField(
            model_name="recording",
            name="device_id",
            field=models.CharField(blank=True, max_length=64, verbose_name="采集设备"),
        ),
        # SQLite rebuilds the table for AddField and drops its triggers: restore them.
        *append_only_operations("records_recording"),
    ]
