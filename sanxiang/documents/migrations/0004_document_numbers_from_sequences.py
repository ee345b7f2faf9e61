"""文号 counters move to django-sequences (sanxiang.core.numbering, issue #17 item 2).

Each ``DocumentNumberSequence`` row becomes the ``sequences.Sequence`` named
``document:<agency>:<number code>:<year>`` with the same last serial, so numbering continues
where it stopped; then the old table is dropped.
"""

from django.db import migrations


def copy_counters(apps, schema_editor):
    Old = apps.get_model("documents", "DocumentNumberSequence")
    Sequence = apps.get_model("sequences", "Sequence")
    for row in Old.objects.all().iterator():
        name = f"document:{row.agency_id}:{row.number_code}:{row.year}"
        seq, created = Sequence.objects.get_or_create(name=name, defaults={"last": row.last_serial})
        if not created and seq.last < row.last_serial:
            seq.last = row.last_serial
            seq.save(update_fields=["last"])


def copy_back(apps, schema_editor):
    Old = apps.get_model("documents", "DocumentNumberSequence")
    Sequence = apps.get_model("sequences", "Sequence")
    for seq in Sequence.objects.filter(name__startswith="document:"):
        _, agency_id, code, year = seq.name.split(":")
        Old.objects.update_or_create(
            agency_id=int(agency_id),
            number_code=code,
            year=int(year),
            defaults={"last_serial": seq.last},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_fixity"),
        ("sequences", "0002_alter_sequence_last"),
    ]

    operations = [
        migrations.RunPython(copy_counters, copy_back),
        migrations.DeleteModel(name="DocumentNumberSequence"),
    ]
