"""A browser session that checks every page it reaches (test_walk.py; ``make screenshots``).

After each step: no response of 400 or more, no console error, no internal code or ISO
timestamp in the visible text (the patterns of tests/notifications/crawl.py, plus the ASCII
colon after Chinese and quarter codes like 「26Q4」), no file field drawn by the browser in
English, every date/time field in a zh page with a Chinese label, no horizontal
page scroll on a phone; a full-page PNG per step when a screenshot directory is given."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import PASSWORD
from tests.notifications.crawl import LEAKS, WARNINGS, leaks_in

PATTERNS = {
    **LEAKS,
    **WARNINGS,
    # a patrol quarter as a code (「26Q4」) instead of 「2026年第四季度」
    "quarter code": re.compile(r"\d\dQ[1-4]\b"),
    # the browser's own English words for a file field, written into a page
    "English file picker": re.compile(r"Choose Files?|No files? (?:chosen|selected)"),
}
# file fields the browser draws itself: Chromium writes "Choose File / No file chosen" in its
# UI language, which is English here. Each must be wrapped by core/filepicker.js (visually
# hidden, shown as 「选择文件」 and the chosen name); a displayed native one fails the walk.
NATIVE_FILE_FIELDS_JS = """() => [...document.querySelectorAll("input[type=file]")].filter(i => {
    if (!i.getClientRects().length) return false;
    const r = i.getBoundingClientRect();
    const style = getComputedStyle(i);
    return r.width > 1 && r.height > 1 && style.opacity !== "0" && style.visibility !== "hidden";
  }).map(i => i.name || i.id || "file")"""
# date and time fields: each inside a Chinese page (the browser formats them by the lang;
# see conftest.chromium_launch_args) and named by a Chinese label
DATE_FIELDS_JS = """() => {
  const han = /[\\u4e00-\\u9fff]/;
  const sel = "input[type=date],input[type=datetime-local],input[type=time],input[type=month]";
  return [...document.querySelectorAll(sel)].map(i => {
    const holder = i.closest("[lang]");
    const lang = holder ? holder.lang : "";
    const ids = (i.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    const label = [
      ...[...(i.labels || [])].map(l => l.textContent),
      ...ids.map(id => (document.getElementById(id) || {}).textContent || ""),
      i.getAttribute("aria-label") || "",
    ].join(" ");
    const name = i.name || i.id || i.type;
    if (!lang.toLowerCase().startsWith("zh")) return `${name}: lang 「${lang}」`;
    if (!han.test(label)) return `${name}: no Chinese label`;
    return "";
  }).filter(Boolean);
}"""
VIEWPORTS = {"desktop": (1366, 768), "phone": (390, 844)}


class WalkFailure(AssertionError):
    pass


class Walker:
    def __init__(self, browser, base_url, viewport, shots: Path | None = None):
        self.browser, self.base, self.viewport, self.shots = browser, base_url, viewport, shots
        self.width, self.height = VIEWPORTS[viewport]
        self.context = self.page = None
        self.problems: list[str] = []
        self.n = 0
        self.role = "public"

    # -- sessions -----------------------------------------------------------------------
    def new_session(self, role):
        if self.context is not None:
            self.context.close()
        self.role = role
        self.context = self.browser.new_context(
            viewport={"width": self.width, "height": self.height},
            locale="zh-CN",
            accept_downloads=True,
        )
        page = self.page = self.context.new_page()
        page.set_default_timeout(15000)
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        # irreversible acts ask first (confirm.js); the walk answers yes
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    def _on_response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def _on_console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def login(self, user, role):
        """The only typed URL of a staff walk: the login page."""
        page = self.new_session(role)
        page.goto(self.base + "/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        self.check("login")
        return page

    def public(self):
        """The only typed URL of the public walk: the portal's start page."""
        page = self.new_session("public")
        page.goto(self.base + "/gs/")
        self.check("portal")
        return page

    # -- navigation by links and buttons only ---------------------------------------------
    def nav(self, name):
        """Follow an entry of the staff navigation (opening the phone menu first)."""
        page = self.page
        toggle = page.locator(".nav-toggle-label")
        if toggle.is_visible():
            toggle.click()
        with page.expect_navigation():
            page.locator(".mainnav a", has_text=name).first.click()

    def todo(self, title, group=None):
        """Open 待办 from the header and follow the item whose title holds ``title`` (in
        the group headed ``group`` when given)."""
        page = self.page
        toggle = page.locator(".nav-toggle-label")
        if toggle.is_visible():
            toggle.click()
        with page.expect_navigation():
            page.locator(".inbox-links a", has_text="待办").first.click()
        self.check("todos")
        scope = "main"
        if group is not None:
            if not page.locator("main section", has_text=group).count():
                self.fail(f"no to-do group 「{group}」")
            scope = f"main section:has(h2:has-text('{group}'))"
        self.follow(title, scope=scope)

    def download(self, text, scope="main"):
        """Click a link that downloads a file; returns Playwright's Download."""
        target = self.page.locator(scope).get_by_role("link", name=text)
        if not target.count():
            self.fail(f"no download link 「{text}」")
        with self.page.expect_download() as info:
            target.first.click()
        return info.value

    def open_row(self, text, scope="main"):
        """Follow the first link of the table row (in ``scope``) that holds ``text``."""
        page = self.page
        row = page.locator(f"{scope} tr", has_text=text)
        if not row.count():
            self.fail(f"no row with 「{text}」")
        with page.expect_navigation():
            row.first.locator("a").first.click()

    def follow(self, text, scope="main", exact=False):
        """Click the first visible link or button in ``scope`` whose text is ``text``."""
        page = self.page
        target = page.locator(scope).get_by_role("link", name=text, exact=exact)
        if not target.count():
            target = page.locator(scope).get_by_role("button", name=text, exact=exact)
        if not target.count():
            self.fail(f"no link or button 「{text}」")
        with page.expect_navigation():
            target.first.click()

    def choose(self, select, label):
        """Pick the option of ``select`` whose text holds ``label``."""
        options = self.page.locator(f"{select} option", has_text=label)
        if not options.count():
            self.fail(f"no option 「{label}」 in {select}")
        self.page.select_option(select, value=options.first.get_attribute("value"))

    def submit(self, button=None):
        """Press the form's submit button (by its text, or the primary one); a form that
        comes back with errors fails the walk."""
        page = self.page
        before = page.url
        if button is not None:
            self.follow(button, scope="main form")
        else:
            target = page.locator("main form button[type=submit].primary")
            if not target.count():
                self.fail("no primary submit button")
            with page.expect_navigation():
                target.last.click()
        errors = page.locator("main .error:visible, main .errorlist:visible")
        if page.url == before and errors.count():
            self.fail("form refused: " + "; ".join(errors.all_inner_texts()))

    # -- checks ---------------------------------------------------------------------------
    def fail(self, message):
        where = self.page.url if self.page else "-"
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            path = self.shots / f"{self.viewport}-FAILED.png"
            self.page.screenshot(path=str(path), full_page=True)
            (self.shots / f"{self.viewport}-FAILED.html").write_text(self.page.content())
        raise WalkFailure(f"[{self.viewport} {self.role}] {message} at {where}")

    def check(self, step):
        page = self.page
        page.wait_for_load_state("load")
        self.n += 1
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            name = f"{self.viewport}-{self.n:02d}-{self.role}-{step}.png"
            page.screenshot(path=str(self.shots / name), full_page=True)
        if self.problems:
            problems, self.problems = self.problems, []
            self.fail(f"{step}: " + "; ".join(problems))
        fields = page.evaluate(DATE_FIELDS_JS)
        if fields:
            self.fail(f"{step}: date fields not in Chinese: " + "; ".join(fields))
        native = page.evaluate(NATIVE_FILE_FIELDS_JS)
        if native:
            self.fail(
                f"{step}: native file picker (Choose File / No file chosen): " + ", ".join(native)
            )
        found, _links = leaks_in(page.content(), PATTERNS)
        if found:
            self.fail(f"{step}: leaked " + "; ".join(f"{k}: {e!r}" for k, e in found[:5]))
        if self.viewport == "phone":
            scroll = page.evaluate("document.scrollingElement.scrollWidth")
            inner = page.evaluate("window.innerWidth")
            if scroll > inner:
                self.fail(f"{step}: page is {scroll}px wide on a {inner}px phone")

    def text(self):
        return re.sub(r"\s+", " ", self.page.inner_text("main"))

    def close(self):
        if self.context is not None:
            self.context.close()
            self.context = None
