"""No internal codes or ISO timestamps in the Chinese UI: crawl the staff pages as each role
on a small fixture set (a case through legal review, a publication pending confirmation) and
fail on 「case:13」, 「（legal_person）」 or 「2026-12-05T09:30」 in the visible text."""

import pytest

from tests.notifications.crawl import crawl, leaks_in
from tests.publicity.conftest import publish

pytestmark = pytest.mark.django_db


def test_detector_finds_the_known_leaks():
    found, _links = leaks_in(
        "<p>case:13:at:2026-11-22T08:30:00+08:00</p><p>当事人（legal_person）</p>"
        "<script>var x = 'a:1'</script>"
    )
    kinds = {k for k, _e in found}
    assert kinds == {"internal code", "code in brackets", "ISO timestamp"}
    assert leaks_in("<p>时间 10:30，文号 测市监罚〔2026〕1号</p>")[0] == []


def test_staff_pages_leak_nothing(
    steps, client_for, agency_a, handler_a, reviewer_a, head_a, supervisor
):
    review = steps.opinion()
    publish(agency_a, handler_ids=[handler_a.pk], parties=None)
    start = (
        "/",
        "/notifications/todo/",
        f"/cases/{review.case_id}/",
        f"/review/{review.pk}/",
        "/publicity/",
    )
    for user in (handler_a, reviewer_a, head_a, supervisor):
        leaks = crawl(client_for(user), start=start, limit=35)
        assert leaks == {}, (user.username, leaks)
