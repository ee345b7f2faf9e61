"""The upload page in a real headless Chromium: chunked tus upload with progress, resumed
after the connection drops mid-file."""

import hashlib

import pytest

from sanxiang.records import uploads
from sanxiang.records.models import Recording

from .conftest import mp4_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(chromium):
    return chromium.new_page()


def test_browser_upload_resumes_after_failure(
    live_server, browser_page, case_a, handler_a, officer_a1, tmp_path, monkeypatch, client
):
    monkeypatch.setattr(uploads, "BLOCK", 64 * 1024)
    content = mp4_bytes(3 * 1024 * 1024 + 123)
    path = tmp_path / "现场.mp4"
    path.write_bytes(content)
    client.force_login(handler_a, backend="django.contrib.auth.backends.ModelBackend")
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    # drop the second PATCH once (network failure) to exercise HEAD + resume
    state = {"failed": False}

    def route(r):
        if r.request.method == "PATCH" and not state["failed"]:
            state["failed"] = True
            r.abort()
        else:
            r.continue_()

    page.route("**/api/records/uploads/**", route)
    page.goto(f"{live_server.url}/records/case/{case_a.pk}/upload/")
    page.select_option("#f-activity", "on_site_inspection")
    page.fill("#f-start", "2026-01-05T09:00")
    page.fill("#f-end", "2026-01-05T09:30")
    page.fill("#f-place", "青禾县某超市")
    page.fill("#f-proves", "现场检查全过程")
    page.select_option("#f-kind", "video")
    page.set_input_files("#f-file", str(path))
    page.click("#f-submit")
    page.locator("#f-status.ok").wait_for(timeout=60000)
    assert "上传完成" in page.text_content("#f-status")
    assert state["failed"]
    rec = Recording.objects.get()
    assert rec.sha256 == hashlib.sha256(content).hexdigest()
    assert page.eval_on_selector("#f-progress", "e => e.value") == 100
