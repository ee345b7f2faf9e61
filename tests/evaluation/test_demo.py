"""The demo round is built on cases closed and archived through the real case services."""

import datetime as dt
import random

from sanxiang.cases import demo as cases_demo
from sanxiang.catalog import demo as catalog_demo
from sanxiang.evaluation import demo, services
from sanxiang.evaluation.models import RectificationStatus, RoundStatus
from sanxiang.org import demo as org_demo
from sanxiang.workdays import demo as workdays_demo


def test_demo_round(db, client):
    ctx = {"rng": random.Random(20261123), "today": dt.date(2026, 11, 23)}
    org_demo.load(ctx)
    workdays_demo.load(ctx)
    catalog_demo.load(ctx)
    cases_demo.load(ctx)
    demo.load(ctx)
    rnd = ctx["evaluation_round"]
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CONCLUDED
    assert rnd.sheets.count() >= 2
    assert all(s.submitted_at for s in rnd.sheets.all())
    assert services.replay_sample(rnd) == rnd.sample_result
    scj = ctx["agencies"]["scj"]
    rect = rnd.sheets.get(agency=scj).rectification
    assert rect.status == RectificationStatus.ISSUED
    assert rnd.sampled_by.username == "sfj_jd01"
