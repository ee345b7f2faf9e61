"""PostgreSQL search by a selective term (issue #16 item 6): one query ranks the matches,
counts them and returns only the page's rows, in the order ranking every match gave
(relevance, then decision date and id, newest first); the GIN index keeps no pending list."""

import datetime as dt

import pytest
from django.db import connection

from sanxiang.publicity import search as search_mod
from tests.publicity.conftest import published

pytestmark = pytest.mark.django_db


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL strategy")


def _reference(tsq):
    """Every match ranked in Python, as the search did before ranking in SQL."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, " + search_mod.PG_RANK + ", decision_date FROM publicity_snapshot "
            "WHERE state = 'published' AND " + search_mod.PG_MATCH,
            [tsq, tsq],
        )
        hits = cur.fetchall()
    hits.sort(key=lambda h: (-h[1], -h[2].toordinal(), -h[0]))
    return [h[0] for h in hits]


@pytest.fixture
def decisions(pg, agency_a, handler_a):
    # relevance varies with how often the word occurs; two pairs tie on relevance and are
    # told apart by date, then id
    titles = ["保质期", "保质期 保质期 保质期", "保质期 保质期", "保质期", "保质期 保质期"]
    for n, title in enumerate(titles):
        published(agency_a, handler_a, title=title, decision_date=dt.date(2026, 6, 1 + n % 3))
    published(agency_a, handler_a, title="其他", decision_date=dt.date(2026, 6, 9))


def test_pages_follow_the_ranking_of_every_match(decisions, monkeypatch):
    monkeypatch.setattr(search_mod, "_is_common", lambda tsq: False)
    tsq = search_mod._tsquery(search_mod.tokens("保质期"))
    expected = _reference(tsq)
    assert len(expected) == 6  # the full text of every decision holds the word too
    seen = []
    for page in (1, 2, 3, 4):
        r = search_mod.search_page(search_mod.Filters(q="保质期"), page=page, per_page=2)
        assert r.total == 6 and r.ranked and not r.capped
        seen += [x.pk for x in r.rows]
    assert seen == expected
    past = search_mod.search_page(search_mod.Filters(q="保质期"), page=9, per_page=2)
    assert past.rows == [] and past.total == 6  # counted without a page row


def test_more_matches_than_the_cap_list_newest_first(decisions, monkeypatch):
    monkeypatch.setattr(search_mod, "_is_common", lambda tsq: False)
    monkeypatch.setattr(search_mod, "RANK_CAP", 3)
    r = search_mod.search_page(search_mod.Filters(q="保质期"), per_page=10)
    assert r.capped and not r.ranked and r.total == 4  # "more than 3"
    dates = [(x.decision_date, x.pk) for x in r.rows]
    assert dates == sorted(dates, reverse=True) and len(dates) == 6


def test_search_index_keeps_no_pending_list(pg):
    with connection.cursor() as cur:
        cur.execute("SELECT reloptions FROM pg_class WHERE relname = 'pub_snap_vector'")
        assert "fastupdate=off" in (cur.fetchone()[0] or [])
