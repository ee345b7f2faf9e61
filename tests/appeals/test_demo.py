"""The demo: a 复议 维持, a 诉讼 撤销 that takes the publication down, a transfer 立案 and a
不予立案 returned — built through the real services on the other apps' demo data."""

import datetime as dt
import random

import pytest

from sanxiang.appeals import demo
from sanxiang.cases import demo as cases_demo
from sanxiang.catalog import demo as catalog_demo
from sanxiang.org import demo as org_demo
from sanxiang.publicity import demo as publicity_demo
from sanxiang.publicity.models import Publication, PublicationStatus
from sanxiang.review import demo as review_demo
from sanxiang.transfers import demo as transfers_demo
from sanxiang.workdays import demo as workdays_demo


@pytest.mark.django_db
def test_demo(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    ctx = {"rng": random.Random(20261123), "today": dt.date(2026, 11, 23)}
    for mod in (org_demo, workdays_demo, catalog_demo, cases_demo, review_demo, publicity_demo):
        mod.load(ctx)
    demo.load(ctx)
    transfers_demo.load(ctx)
    outcomes = {(a.kind, a.outcome) for a in ctx["appeals"]}
    assert outcomes == {("reconsideration", "upheld"), ("litigation", "revoked")}
    suit = next(a for a in ctx["appeals"] if a.outcome == "revoked")
    pubs = Publication.objects.filter(case_id=suit.case_id)
    assert pubs and all(p.status == PublicationStatus.WITHDRAWN for p in pubs)
    statuses = {t.status for t in ctx["transfers"]}
    assert "handed_over" in statuses and "returned" in statuses
