"""The publicity demo loads through the services (here on top of the org demo only)."""

import random

import pytest

from sanxiang.org import demo as org_demo
from sanxiang.publicity import demo
from sanxiang.publicity.models import AnnualReport, PageStatus, PortalPage, Snapshot

pytestmark = pytest.mark.django_db


def test_demo_publicity(client):
    ctx = {"rng": random.Random(1)}
    org_demo.load(ctx)
    demo.load(ctx)
    assert PortalPage.objects.filter(status=PageStatus.APPROVED).count() == len(ctx["agencies"])
    states = list(Snapshot.objects.values_list("state", flat=True))
    assert states.count("published") >= 2 and "withdrawn" in states and "superseded" in states
    assert AnnualReport.objects.exists()
    html = client.get("/gs/jd/").content.decode()
    assert "刘某某" in html and "刘海燕" not in html
