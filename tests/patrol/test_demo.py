"""The demo loader on the test organisation (the full demo is checked by running it)."""

import random

from sanxiang.org.models import Role
from sanxiang.patrol import demo
from sanxiang.patrol.models import NoticeStatus, PatrolRound, RoundStatus
from tests.conftest import make_user


def test_demo_round_concluded_with_findings_and_notice(sfj, agency_a, agency_b, pubs):
    make_user("sfj_jd01", Role.SUPERVISOR, sfj, "演示监督")
    ctx = {
        "supervisor_agency": sfj,
        "agencies": {"scj": agency_a, "sthj": agency_b},
        "rng": random.Random(20261123),
    }
    demo.load(ctx)
    rnd = PatrolRound.objects.get()
    assert ctx["patrol_round"] == rnd
    assert rnd.status == RoundStatus.CONCLUDED and rnd.items.count() == 4
    notice = rnd.notices.get()
    assert notice.agency == agency_a and notice.status == NoticeStatus.ISSUED
    row = next(r for r in rnd.summary["agencies"] if r["agency"] == agency_a.pk)
    assert row["findings"]["manual"] == 2


def test_demo_skips_without_supervisor(sfj, agency_a):
    demo.load({"supervisor_agency": sfj, "agencies": {"scj": agency_a}, "rng": random.Random(1)})
    assert not PatrolRound.objects.exists()
