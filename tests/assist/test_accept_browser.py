"""Accepting a suggested article in a real headless Chromium, from the decision form and from
the 送审 form (issue #14 item 2): the buttons post (with the page's CSRF token) to the accept
view, the citation lands in the 决定书 draft and the page comes back with the record."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from sanxiang.assist import services
from sanxiang.assist.models import AcceptedArticle
from sanxiang.documents.models import Document
from tests.review.conftest import (  # noqa: F401  (fixtures re-used)
    _fast_passwords,
    _today,
    case_a,
    draft_a,
    power_a,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    # under libfaketime the server's clock is moved and the browser's is not (the session
    # the test hands the browser then reads as another day's): run by make test only
    pytest.mark.skipif(
        "faketime" in os.environ.get("LD_PRELOAD", ""),
        reason="the browser's clock is not moved with libfaketime",
    ),
]

LAWS = Path(__file__).resolve().parents[2] / "sanxiang/assist/data/laws"


def _page(chromium, live_server, client, user, js=True):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, java_script_enabled=js)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.mark.parametrize("form", ["decide", "submit"])
@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_accept_from_the_form_in_a_browser(
    form, js, chromium, live_server, client, handler_a, head_a, request
):
    case = request.getfixturevalue("case_a")
    draft = request.getfixturevalue("draft_a")
    services.import_laws([LAWS / "食品安全法(2021-04-29).md", LAWS / "行政处罚法(2021-01-22).md"])
    if form == "decide":
        user, url, field = head_a, reverse("cases:action", args=[case.pk, "decide"]), "#id_summary"
    else:
        user, url, field = handler_a, reverse("review:submit", args=[case.pk]), "#proposal"
    page = _page(chromium, live_server, client, user, js)
    page.goto(live_server.url + url)
    panel = page.locator("section.assist-suggestions")
    assert "推荐适用条款" in panel.inner_text()
    # Enter in a field submits the page's own act, not an accept button (the form's default
    # button is its first submit button)
    default = page.locator("form:has(section.assist-suggestions) button[type=submit]").first
    assert default.inner_text() == {"decide": "作出决定", "submit": "提交法制审核"}[form]
    # with JS the "typed input is lost" hint is hidden: nothing is lost
    assert page.locator(".assist-reload-hint").is_visible() is not js
    shots = os.environ.get("SANXIANG_SCREENSHOTS")
    if shots and js:
        page.screenshot(path=str(Path(shots) / f"assist_{form}_form.png"), full_page=True)
    page.fill(field, "尚未提交的内容")
    first = panel.locator("li[data-law]").first
    law, number = first.get_attribute("data-law"), first.get_attribute("data-article")
    first.locator("button[name=assist_accept][value$=':violated_provisions']").click()
    if js:
        page.locator(".assist-status.ok").wait_for(timeout=30000)
        assert page.input_value(field) == "尚未提交的内容"  # the page's own form kept
    else:
        page.wait_for_load_state()
    assert page.url.endswith(url)
    row = AcceptedArticle.objects.get()
    assert (row.actor, row.law_title, row.number) == (user, law, number)
    assert "已采纳" in page.content() and row.citation in page.inner_text("ul.assist-accepted")
    draft = Document.objects.get(pk=draft.pk)
    assert row.citation in draft.content["violated_provisions"]
    # withdraw from the same page
    page.locator(f"button[name=assist_withdraw][value='{row.pk}']").click()
    if js:
        page.locator(".assist-status.ok", has_text="已撤回").wait_for(timeout=30000)
        assert page.input_value(field) == "尚未提交的内容"
    else:
        page.wait_for_load_state()
    assert services.accepted_articles(case) == []
    assert row.citation not in Document.objects.get(pk=draft.pk).content["violated_provisions"]
