"""File fields read Chinese (core/static/core/filepicker.js, issue #13 item 9): Chromium draws
<input type=file> as "Choose File / No file chosen" in its English UI; the script wraps each
one in a label 「选择文件」 with the chosen name or 「未选择文件」, and the field stays
focusable and opens the file chooser from the keyboard and the mouse. The script is served
from disk to a page of the test's own (no database, no live server); the last tests check
that the workbench and the public complaint form load it."""

import os
from pathlib import Path

import pytest

from .walker import Walker, WalkFailure

STATIC = Path(__file__).resolve().parents[2] / "sanxiang" / "core" / "static" / "core"
BASE = "http://walk.test"
ASSETS = (
    '<link rel="stylesheet" href="/static/core/filepicker.css">'
    '<script src="/static/core/filepicker.js" defer></script>'
)
FORM = (
    '<form><p><label for="f">证据材料</label>'
    '<input type="file" id="f" name="f" multiple aria-describedby="f-hint">'
    '<small id="f-hint">照片或 PDF</small></p>'
    '<p><label>导入文件<input type="file" name="g"></label></p>'
    '<p><button type="submit">提交</button></p></form>'
)

no_faketime = pytest.mark.skipif(
    "faketime" in os.environ.get("LD_PRELOAD", ""), reason="browser walk under libfaketime"
)


def _serve(route):
    path = route.request.url.removeprefix(BASE)
    if path.startswith("/static/core/"):
        name = path.removeprefix("/static/core/")
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        return route.fulfill(status=200, content_type=kind, body=(STATIC / name).read_text())
    return route.fulfill(status=404, body="")


def _page(chromium, viewport="desktop", head=ASSETS, body=FORM):
    w = Walker(chromium, BASE, viewport)
    page = w.new_session("public")
    page.route(f"{BASE}/static/**", _serve)
    page.route(
        f"{BASE}/p/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body=f'<!doctype html><html lang="zh-hans"><head>{head}</head>'
            f"<body><main>{body}</main></body></html>",
        ),
    )
    page.goto(f"{BASE}/p/")
    page.wait_for_load_state("load")
    return w, page


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.e2e
@no_faketime
def test_file_fields_read_chinese_and_pass_the_walk_check(chromium, viewport, tmp_path):
    w, page = _page(chromium, viewport)
    try:
        assert page.locator(".filepick").count() == 2
        text = page.inner_text("main")
        assert "选择文件" in text and "未选择文件" in text
        w.check("file-fields")  # no native picker shown, nothing English
        one = tmp_path / "现场照片.jpg"
        one.write_bytes(b"\xff\xd8\xff")
        two = tmp_path / "笔录.pdf"
        two.write_bytes(b"%PDF-1.4")
        page.set_input_files("#f", [str(one), str(two)])
        names = page.locator("#f ~ .filepick-name").inner_text()
        assert names == "已选择 2 个文件：现场照片.jpg、笔录.pdf"
        page.set_input_files("#f", str(one))
        assert page.locator("#f ~ .filepick-name").inner_text() == "现场照片.jpg"
        page.evaluate("document.getElementById('f').value = ''")  # a script clears it
        assert page.locator("#f ~ .filepick-name").inner_text() == "未选择文件"
    finally:
        w.close()


@pytest.mark.e2e
@no_faketime
def test_file_field_keeps_its_name_focus_and_chooser(chromium):
    w, page = _page(chromium)
    try:
        field = page.locator("#f")
        # still named by its own label, described by its hint and the chosen name
        assert page.evaluate("[...document.getElementById('f').labels].length") == 2
        described = field.get_attribute("aria-describedby").split()
        assert described[0] == "f-hint" and described[1].startswith("filepick-name-")
        # an input already inside a label is not wrapped in a second label
        assert page.locator("label label").count() == 0
        # the keyboard reaches the field and opens the chooser
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "f"
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        assert chooser.value.is_multiple()
        # so does a click on 「选择文件」
        with page.expect_file_chooser():
            page.locator("#f ~ .filepick-button").click()
    finally:
        w.close()


@pytest.mark.e2e
@no_faketime
def test_without_the_script_the_native_field_fails_the_walk_check(chromium):
    w, _page_ = _page(chromium, head="")
    try:
        with pytest.raises(WalkFailure, match="native file picker.*f, g"):
            w.check("file-fields")
    finally:
        w.close()


@pytest.mark.django_db
def test_workbench_and_public_complaint_form_load_the_script(client_for, handler_a):
    from django.test import Client

    staff = client_for(handler_a).get("/", follow=True).content.decode()
    assert "/static/core/filepicker.js" in staff and "/static/core/filepicker.css" in staff
    public = Client().get("/gs/ts/").content.decode()
    assert "/static/core/filepicker.js" in public and 'type="file"' in public
