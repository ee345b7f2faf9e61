from django.db import migrations


def forward(apps, schema_editor):
    from sanxiang.cases.dbstats import install

    install(schema_editor.connection)


def backward(apps, schema_editor):
    from sanxiang.cases.dbstats import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]
