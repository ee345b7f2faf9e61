"""案件编号 counters move to django-sequences (sanxiang.core.numbering, issue #17 item 2).

Each ``CaseNumberSequence`` row becomes the ``sequences.Sequence`` named
``case:<agency>:<kind>:<year>`` with the same last value, so numbering continues where it
stopped (no number handed out twice); then the old table is dropped.
"""

from django.db import migrations


def copy_counters(apps, schema_editor):
    Old = apps.get_model("cases", "CaseNumberSequence")
    Sequence = apps.get_model("sequences", "Sequence")
    for row in Old.objects.all().iterator():
        name = f"case:{row.agency_id}:{row.kind}:{row.year}"
        seq, created = Sequence.objects.get_or_create(name=name, defaults={"last": row.last_value})
        if not created and seq.last < row.last_value:
            seq.last = row.last_value
            seq.save(update_fields=["last"])


def copy_back(apps, schema_editor):
    Old = apps.get_model("cases", "CaseNumberSequence")
    Sequence = apps.get_model("sequences", "Sequence")
    for seq in Sequence.objects.filter(name__startswith="case:"):
        _, agency_id, kind, year = seq.name.split(":")
        Old.objects.update_or_create(
            agency_id=int(agency_id), kind=kind, year=int(year), defaults={"last_value": seq.last}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_no_delete"),
        ("sequences", "0002_alter_sequence_last"),
    ]

    operations = [
        migrations.RunPython(copy_counters, copy_back),
        migrations.DeleteModel(name="CaseNumberSequence"),
    ]
