"""「审核意见已返回」 leaves the handler's 待办 once the head has decided (role walk, #13): the
to-do page, the count in the header and the workbench, read by the same signed-in browser
session before and after (nothing cached across requests)."""

import re

import pytest

from sanxiang.notifications import inbox

pytestmark = pytest.mark.django_db


def _header_count(html):
    m = re.search(
        r'href="/notifications/todo/"[^>]*>[^<]*<span class="inbox-count"[^>]*>(\d+)', html
    )
    return int(m.group(1)) if m else 0


def test_opinion_returned_leaves_the_handlers_todos_after_the_decision(
    steps, client_for, handler_a, head_a
):
    review = steps.opinion()
    handler = client_for(handler_a)
    page = handler.get("/notifications/todo/").content.decode()
    assert "审核意见已返回" in page and f"/review/{review.pk}/" in page
    before = _header_count(page)
    assert before == inbox.count(handler_a) >= 1
    workbench = handler.get("/workbench/").content.decode()
    assert _header_count(workbench) == before

    steps.decide()

    page = handler.get("/notifications/todo/").content.decode()
    assert "审核意见已返回" not in page and f"/review/{review.pk}/" not in page
    # the count is the list's (a 公示确认 may have arrived with the decision)
    after = [t.kind for t in inbox.for_user(handler_a)]
    assert "opinion_returned" not in after
    assert _header_count(page) == len(after)
    assert _header_count(handler.get("/workbench/").content.decode()) == len(after)
    # nor does the head still see the case among the decisions to make
    head_page = client_for(head_a).get("/notifications/todo/").content.decode()
    assert "待作出决定" not in head_page
