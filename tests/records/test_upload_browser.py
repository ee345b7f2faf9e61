"""The upload page in a real headless Chromium sends the tus checksum of every chunk, and a
chunk damaged in transit (460 Checksum Mismatch) is sent again until the file is complete."""

import base64
import hashlib

import pytest

from sanxiang.records.models import Recording

from .conftest import mp4_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_browser_sends_chunk_checksum_and_resends_damaged_chunk(
    live_server, chromium, case_a, handler_a, officer_a1, tmp_path, client
):
    content = mp4_bytes(1024 * 1024 + 77)
    path = tmp_path / "现场.mp4"
    path.write_bytes(content)
    client.force_login(handler_a, backend="django.contrib.auth.backends.ModelBackend")
    page = chromium.new_page()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    seen = {"checksums": [], "statuses": [], "damaged": False}

    def route(r):
        if r.request.method == "PATCH":
            seen["checksums"].append(r.request.headers.get("upload-checksum"))
            if not seen["damaged"]:  # flip one byte of the first chunk on the way
                seen["damaged"] = True
                body = bytearray(r.request.post_data_buffer)
                body[-1] ^= 0xFF
                r.continue_(post_data=bytes(body))
                return
        r.continue_()

    page.route("**/api/records/uploads/**", route)
    page.on(
        "response",
        lambda resp: seen["statuses"].append(resp.status)
        if resp.request.method == "PATCH"
        else None,
    )
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
    expected = "sha256 " + base64.b64encode(hashlib.sha256(content).digest()).decode()
    assert seen["checksums"] == [expected, expected]
    assert seen["statuses"] == [460, 204]
    rec = Recording.objects.get()
    assert rec.sha256 == hashlib.sha256(content).hexdigest()
