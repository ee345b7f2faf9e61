"""Phones (issue #13 item 11): on a 390×844 viewport the staff navigation collapses into a
menu and no staff page scrolls sideways (a 64-character hash on the case timeline included).
Screenshots go to var/screenshots/workbench/ for anyone to look at."""

import os
from pathlib import Path

import pytest

from sanxiang.cases import hooks

from .test_lists import LISTS, data  # noqa: F401  (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "workbench"
DIGEST = "0123456789abcdef" * 4


@pytest.fixture
def long_hash_on_timeline():
    def contributor(case):
        return [{"at": case.created_at, "kind": "审核意见书", "summary": "测试", "proof": DIGEST}]

    hooks.register_timeline_contributor(contributor)
    yield
    hooks._timeline.remove(contributor)


def _login(page, client, user, live_server):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _check(page, url, name):
    response = page.goto(url)
    assert response.status < 400, (url, response.status)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"phone-{name}.png"), full_page=True)
    assert width <= inner, f"{url}: page is {width}px wide on a {inner}px screen"


def test_staff_pages_fit_a_phone(
    live_server,
    chromium,
    client,
    data,  # noqa: F811
    supervisor,
    handler_a,
    long_hash_on_timeline,  # noqa: F811
):
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        pytest.skip("browser under libfaketime")
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, client, supervisor, live_server)
    base = live_server.url
    # the navigation is a menu: closed it takes one line, opened it shows the entries
    page.goto(base + "/workbench/")
    header = page.evaluate("document.querySelector('.topbar').getBoundingClientRect().height")
    assert header < 60, header
    assert not page.is_visible(".mainnav")
    page.click(".nav-toggle-label")
    assert page.is_visible(".mainnav")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "phone-menu-open.png"))
    pages = {"workbench": "/workbench/", "dashboard": "/workbench/dashboard/", **LISTS}
    case = data["a"][0]
    pages["case"] = f"/cases/{case.pk}/"
    pages["review-stats"] = "/review/stats/"
    for name, path in pages.items():
        _check(page, base + path, name)
    # the case timeline shows 12 characters of the digest and the full value on demand
    page.goto(base + pages["case"])
    assert page.is_visible("text=0123456789ab…")
    page.click("details.hash-full summary")
    assert page.is_visible(f"code.hash >> text={DIGEST}")
    _login(page, client, handler_a, live_server)
    _check(page, base + "/cases/", "handler-cases")
    _check(page, base + pages["case"], "handler-case")
    # desktop: the menu entries are shown without a click
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(base + "/workbench/")
    assert page.is_visible(".mainnav") and not page.is_visible(".nav-toggle-label")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()
