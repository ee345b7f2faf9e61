"""受理编号 counters move to django-sequences (sanxiang.core.numbering, issue #17 item 2).

Each ``ComplaintSequence`` row becomes the ``sequences.Sequence`` named
``complaint:<YYYYMMDD>`` with the same last value, so numbering continues where it stopped
(no number handed out twice); then the old table is dropped.
"""

from django.db import migrations


def copy_counters(apps, schema_editor):
    Old = apps.get_model("complaints", "ComplaintSequence")
    Sequence = apps.get_model("sequences", "Sequence")
    for row in Old.objects.all().iterator():
        name = f"complaint:{row.day:%Y%m%d}"
        seq, created = Sequence.objects.get_or_create(name=name, defaults={"last": row.last_value})
        if not created and seq.last < row.last_value:
            seq.last = row.last_value
            seq.save(update_fields=["last"])


def copy_back(apps, schema_editor):
    import datetime as dt

    Old = apps.get_model("complaints", "ComplaintSequence")
    Sequence = apps.get_model("sequences", "Sequence")
    for seq in Sequence.objects.filter(name__startswith="complaint:"):
        day = dt.datetime.strptime(seq.name.split(":", 1)[1], "%Y%m%d").date()  # noqa: DTZ007 - a calendar day, no time
        Old.objects.update_or_create(day=day, defaults={"last_value": seq.last})


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_complaint_append_only"),
        ("sequences", "0002_alter_sequence_last"),
    ]

    operations = [
        migrations.RunPython(copy_counters, copy_back),
        migrations.DeleteModel(name="ComplaintSequence"),
    ]
