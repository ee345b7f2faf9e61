"""被复议率 / 被诉率 / 被纠错率 per agency and year."""

import pytest

from sanxiang.appeals import services
from sanxiang.core import clock
from tests.appeals.conftest import ago, decided_appeal

pytestmark = pytest.mark.django_db


def test_figures(flow, handler_a, head_a, agency_a, agency_b):
    c1 = flow.decided()
    flow.party = dict(flow.party, name="李四")
    c2 = flow.decided()
    flow.decided()
    decided_appeal(c1, handler_a, head_a, outcome="upheld")
    decided_appeal(c2, handler_a, head_a, outcome="revoked")
    services.record_appeal(
        c2, handler_a, kind="litigation", body="法院", applied_on=ago(1), known_on=ago(9)
    )
    year = clock.local_date(c1.decision_at).year
    rows = {r["agency_id"]: r for r in services.appeal_figures([agency_a, agency_b], year)}
    a = rows[agency_a.pk]
    assert (a["decisions"], a["reconsidered"], a["litigated"], a["corrected"]) == (3, 2, 1, 1)
    assert a["reconsideration_rate"] == 66.7 and a["correction_rate"] == 33.3
    assert rows[agency_b.pk]["decisions"] == 0 and rows[agency_b.pk]["correction_rate"] is None


def test_figures_year_outside_the_range_is_refused_in_chinese(api_for, head_a):
    from sanxiang.appeals import services as appeal_services

    assert appeal_services.figures_year("") == 2026  # the frozen today's year
    assert appeal_services.figures_year("abc") == 2026
    assert appeal_services.figures_year("2025") == 2025
    r = api_for(head_a).get("/api/appeals/appeals/figures/?year=15048")
    assert r.status_code == 400 and "2000 至 2100" in r.json()["detail"]
