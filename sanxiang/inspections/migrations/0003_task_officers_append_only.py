"""The inspectors of a drawn task never change (issue #11 item 10).

``inspections_task_officers`` was Django's implicit many-to-many table of ``Task.officers``
and had no trigger: a raw ``UPDATE``/``DELETE`` could swap the inspectors of a drawn task
(the draw result on the frozen plan would still say who was drawn, but nothing in the
database refused it). This migration

* makes the table an explicit model, ``TaskOfficer`` (state only: same table, same
  columns, same unique pair, nothing in the database changes), so it is a model with a
  stated protection in ``ledger/protection.py``;
* installs the append-only triggers: every UPDATE and every DELETE of a row is refused
  (the draw only INSERTs).

Repeat ``append_only_operations`` after any later migration that rebuilds this table on
SQLite.
"""

import django.db.models.deletion
from django.db import migrations, models

from sanxiang.ledger.append_only import append_only_operations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_append_only"),
        ("org", "0001_initial"),
        ("ledger", "0002_append_only"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TaskOfficer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "task",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="inspections.task",
                            ),
                        ),
                        (
                            "officer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="org.officer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "检查任务的执法人员",
                        "verbose_name_plural": "检查任务的执法人员",
                        "db_table": "inspections_task_officers",
                        "unique_together": {("task", "officer")},
                    },
                ),
                migrations.AlterField(
                    model_name="task",
                    name="officers",
                    field=models.ManyToManyField(
                        related_name="inspection_tasks",
                        through="inspections.TaskOfficer",
                        to="org.officer",
                        verbose_name="执法人员",
                    ),
                ),
            ],
            database_operations=[],
        ),
        *append_only_operations("inspections_task_officers"),
    ]
