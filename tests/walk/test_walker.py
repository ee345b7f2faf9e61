"""The walk's checks fail where they should (walker.py), on pages served by the test itself:
a leaked internal code, an ISO timestamp, an ASCII colon after Chinese, a quarter code, a
file field drawn by the browser in English, a console error, a 4xx response, a date field
without a Chinese label or page language, and a page wider than the phone. No database, no
live server."""

import os

import pytest

from .walker import Walker, WalkFailure

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        "faketime" in os.environ.get("LD_PRELOAD", ""), reason="browser walk under libfaketime"
    ),
]

BASE = "http://walk.test"


def _page(chromium, viewport, body, status=200, lang="zh-hans"):
    w = Walker(chromium, BASE, viewport)
    page = w.new_session("handler")
    page.route(
        f"{BASE}/**",
        lambda route: route.fulfill(
            status=status,
            content_type="text/html; charset=utf-8",
            body=f'<!doctype html><html lang="{lang}"><body><main>{body}</main></body></html>',
        ),
    )
    page.goto(f"{BASE}/p/")
    return w


@pytest.mark.parametrize(
    "body, expected",
    [
        ("<p>当事人（legal_person）</p>", "code in brackets"),
        ("<p>文号 case:13</p>", "internal code"),
        ("<p>告知时间 2026-12-05T09:30</p>", "ISO timestamp"),
        ("<label>案由:</label>", "ASCII colon"),
        ("<script>console.error('boom')</script>", "console error"),
        ("<p>平均得分 26Q4</p>", "quarter code"),
        ("<p>Choose File</p>", "English file picker"),
        ("<p>No file chosen</p>", "English file picker"),
        ('<label for="f">文件</label><input type="file" id="f" name="f">', "native file picker"),
    ],
)
def test_check_fails_on(chromium, body, expected):
    w = _page(chromium, "desktop", body)
    try:
        with pytest.raises(WalkFailure, match=expected):
            w.check("step")
    finally:
        w.close()


def test_check_fails_on_an_error_response(chromium):
    w = _page(chromium, "desktop", "<p>页面不存在</p>", status=404)
    try:
        with pytest.raises(WalkFailure, match="HTTP 404"):
            w.check("step")
    finally:
        w.close()


def test_check_fails_on_horizontal_scroll_on_the_phone_only(chromium):
    wide = '<div style="width:600px">宽表格</div>'
    w = _page(chromium, "phone", wide)
    try:
        with pytest.raises(WalkFailure, match=r"\d+px wide on a 390px phone"):
            w.check("step")
    finally:
        w.close()
    w = _page(chromium, "desktop", wide)
    try:
        w.check("step")  # a desktop is wide enough
    finally:
        w.close()


def test_clean_page_passes_and_hashes_are_allowed(chromium, tmp_path):
    w = _page(chromium, "phone", "<p>已入库，SHA-256 sha256:ab12</p><p>决定日期 2026-11-23</p>")
    w.shots = tmp_path
    try:
        w.check("clean")
    finally:
        w.close()
    assert (tmp_path / "phone-01-handler-clean.png").exists()


@pytest.mark.parametrize(
    "lang, body, expected",
    [
        ("zh-hans", '<input type="date" name="d">', "d: no Chinese label"),
        ("zh-hans", '<label for="t">Time</label><input type="datetime-local" id="t">', "t: no"),
        ("en", '<label>日期<input type="date" name="d"></label>', "d: lang 「en」"),
    ],
)
def test_check_fails_on_a_date_field_not_in_chinese(chromium, lang, body, expected):
    w = _page(chromium, "desktop", body, lang=lang)
    try:
        with pytest.raises(WalkFailure, match=expected):
            w.check("step")
    finally:
        w.close()


def test_labelled_date_fields_pass(chromium):
    body = (
        '<label for="a">决定日期</label><input type="date" id="a" value="2026-11-23">'
        '<label>开始时间<input type="datetime-local" name="b"></label>'
        '<span id="c-l">截止日期</span><input type="date" aria-labelledby="c-l">'
        '<input type="date" aria-label="起始日期">'
    )
    w = _page(chromium, "desktop", body)
    try:
        w.check("step")
    finally:
        w.close()
