"""The demo data builds cases at every stage in every demo agency through the services."""

import random

from sanxiang.cases import demo
from sanxiang.cases.models import Case, Stage
from sanxiang.catalog.models import Power
from sanxiang.core.fields import ActType
from sanxiang.org import demo as org_demo

from .conftest import _publish_powers, power_row


def test_demo_cases_every_stage(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = {"rng": random.Random(1)}
    org_demo.load(ctx)
    for key, agency in ctx["agencies"].items():
        if not Power.objects.filter(agency=agency).exists():
            field = agency.fields[0]
            _publish_powers(
                agency,
                ctx["heads"][key],
                [
                    power_row(f"{key}-CF-1", "行政处罚事项", ActType.PENALTY, field),
                    power_row(f"{key}-JC-1", "监督检查事项", ActType.INSPECTION, field),
                ],
            )
    demo.load(ctx)
    for agency in ctx["agencies"].values():
        stages = set(Case.objects.filter(agency=agency).values_list("stage", flat=True))
        assert stages == set(Stage.values), (agency, set(Stage.values) - stages)
        assert Case.objects.filter(agency=agency, act_type="penalty_simple").count() == 2
    assert Case.objects.filter(hearing_requested=True).exists()
