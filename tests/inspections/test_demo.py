"""The demo data: a target register, one published plan and one drawn plan (scj)."""

import datetime as dt
import random

from sanxiang.catalog import demo as catalog_demo
from sanxiang.inspections import demo, services
from sanxiang.inspections.models import Plan, PlanStatus, Target
from sanxiang.org import demo as org_demo


def test_demo_load(db, client):
    ctx = {"rng": random.Random(20261123), "today": dt.date(2026, 11, 23)}
    org_demo.load(ctx)
    catalog_demo.load(ctx)
    demo.load(ctx)
    scj = ctx["agencies"]["scj"]
    assert Target.objects.filter(agency=scj).count() == len(demo.TARGETS)
    published, drawn = ctx["inspection_plans"]["published"], ctx["inspection_plans"]["drawn"]
    assert Plan.objects.get(pk=published.pk).status == PlanStatus.COMPLETED
    assert Plan.objects.get(pk=drawn.pk).status == PlanStatus.DRAWN
    for plan in Plan.objects.all():
        assert services.replay_draw(plan) == plan.draw_result
    assert client.get(f"/gs/sj/{published.pk}/").status_code == 200
    assert client.get(f"/gs/sj/{drawn.pk}/").status_code == 404
