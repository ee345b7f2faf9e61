"""Issue #18 "done when": in headless Chromium with a phone viewport and the network
switched off, an on-site inspection with a photo and a short audio file is recorded, the
app is closed and reopened offline, the network comes back, and the case shows the act,
the files with the SHA-256 taken on the phone, their ledger leaves, capture and upload
times."""

import hashlib
import os

import pytest
from django.utils import timezone

from sanxiang.cases.models import CaseEvent, EventKind
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.records.models import Recording

from .conftest import investigating_case, png_bytes, wav_bytes

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "faketime" in os.environ.get("LD_PRELOAD", ""),
        reason="the browser's clock is not moved with libfaketime",
    ),
]

PHONE = {"width": 390, "height": 844}


def test_offline_capture_survives_restart_and_syncs_with_proof(
    live_server, chromium, agency_a, handler_a, head_a, officer_a1, officer_a2, tmp_path, client
):
    case = investigating_case(agency_a, handler_a, head_a, officer_a2, timezone.now())
    photo, audio = png_bytes(3, 3), wav_bytes()
    (tmp_path / "scene.png").write_bytes(photo)
    (tmp_path / "talk.wav").write_bytes(audio)
    client.force_login(handler_a, backend="django.contrib.auth.backends.ModelBackend")
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    url = f"{live_server.url}/field/"
    page = context.new_page()
    page.goto(url)
    page.locator("#field-app[data-ready='1']").wait_for()
    # poll with evaluate (a CDP call): wait_for_function's in-page polling evaluates a string,
    # which our CSP (no 'unsafe-eval') refuses on some runs
    for _ in range(200):
        if page.evaluate("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the service worker never took control of the page")
    button = page.locator(f".fm-record[data-case='{case.pk}']")
    button.wait_for()
    device_id = page.locator("#fm-device").inner_text()

    context.set_offline(True)
    button.click()
    page.fill("#fm-notes", "货架上陈列过期食品 3 袋，已拍照并询问店员")
    page.set_input_files("#fm-files", [str(tmp_path / "scene.png"), str(tmp_path / "talk.wav")])
    page.locator("#fm-captured .fm-file").nth(1).wait_for()
    shown = page.locator("#fm-captured .fm-sha").all_inner_texts()
    want = [hashlib.sha256(photo).hexdigest(), hashlib.sha256(audio).hexdigest()]
    assert shown == [f"SHA-256：{h}" for h in want]
    assert device_id in page.locator("#fm-captured").inner_text()
    page.click("#fm-save")
    page.locator(".fm-entry.fm-pending").wait_for()
    # nothing in IndexedDB is readable without the key: the notes are not stored in clear
    stored = page.evaluate(
        """() => new Promise(r => { const q = indexedDB.open('sanxiang-field');
           q.onsuccess = () => { const g = q.result.transaction('queue').objectStore('queue').getAll();
           g.onsuccess = () => r(JSON.stringify(g.result)); }; })"""
    )
    assert "过期食品" not in stored and want[0] not in stored

    # close the app and open it again without a signal
    page.close()
    page = context.new_page()
    page.goto(url)
    page.locator("#field-app[data-ready='1']").wait_for()
    entry = page.locator(".fm-entry.fm-pending")
    entry.wait_for()
    assert "待同步" in entry.inner_text() and want[1] in entry.inner_text()
    assert not Recording.objects.exists()

    context.set_offline(False)
    page.locator(".fm-entry.fm-synced").wait_for(timeout=60000)
    text = page.locator(".fm-entry.fm-synced").inner_text()
    assert text.count("已入库（核验一致）") == 2

    event = CaseEvent.objects.get(case=case, kind=EventKind.ACTIVITY)
    assert "过期食品" in event.summary
    assert event.data["field"]["device_id"] == device_id
    assert Leaf.objects.filter(index=event.ledger_index).exists()
    recs = list(Recording.objects.filter(case=case).order_by("id"))
    assert [r.sha256 for r in recs] == want
    for rec in recs:
        assert rec.device_id == device_id
        assert rec.captured_at is not None and rec.captured_at <= rec.uploaded_at
        leaf = Leaf.objects.get(
            event_type=EventType.RECORDING_INGESTED, subject=f"recording:{rec.pk}"
        )
        assert rec.sha256 in leaf.content
    assert {r.kind for r in recs} == {"photo", "audio"}
    # the case page shows the act; the records page the files with their hashes
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "过期食品" in detail
    for rec in recs:
        page_text = client.get(f"/records/{rec.pk}/").content.decode()
        assert rec.sha256 in page_text and "现场采集" in page_text and device_id in page_text
    context.close()
