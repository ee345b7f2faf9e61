"""The public portal in a real headless Chromium: phone viewport, keyboard, alt text, CSP."""

import pytest

from sanxiang.publicity import portal

from .conftest import person, published

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def _check_basics(page):
    # fits a phone: no horizontal scrolling of the page itself
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    # every image has a text alternative
    assert page.evaluate("[...document.images].every(i => (i.alt || '').trim().length > 0)")
    # one h1, landmarks present
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1 and page.locator("nav").count() >= 1
    assert page.errors == [], page.errors


def test_portal_on_a_phone(live_server, phone, agency_a, handler_a, head_a, officer_a1):
    portal.approve_page(portal.prepare_page(agency_a, head_a), head_a)
    pub = published(agency_a, handler_a, parties=[person()])
    page = phone
    page.goto(f"{live_server.url}/gs/")
    _check_basics(page)
    # keyboard: the first Tab reaches the skip link, Enter jumps to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # search by keyboard
    page.goto(f"{live_server.url}/gs/jd/")
    page.fill("#q", "保质期")
    page.keyboard.press("Enter")
    page.wait_for_url("**/gs/jd/?*")
    assert "共 1 条" in page.content()
    _check_basics(page)
    page.click(f"a[href='/gs/jd/{pub.pk}/']")
    assert "张某某" in page.content() and "张三丰" not in page.content()
    _check_basics(page)
    # agency page with tables and flowcharts (images load as SVG)
    page.goto(f"{live_server.url}/gs/jg/{agency_a.pk}/")
    _check_basics(page)
    loaded = page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert loaded
    # credential check with its QR code
    number = officer_a1.certificates.get().number
    page.goto(f"{live_server.url}/gs/zj/{number}/")
    assert "有效" in page.content()
    _check_basics(page)
