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
    assert page.locator("#fm-form-name").inner_text() == "文书：现场检查（勘验）笔录"
    page.fill("#fm-checked", "食品货架")
    page.fill("#fm-findings", "货架上陈列过期食品 3 袋，已拍照并询问店员")
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


def _open(context, live_server, client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/field/")
    page.locator("#field-app[data-ready='1']").wait_for()
    for _ in range(200):
        if page.evaluate("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
            return page
        page.wait_for_timeout(100)
    raise AssertionError("the service worker never took control of the page")


def test_interview_offline_with_qa_and_location(
    live_server, chromium, agency_a, handler_a, head_a, officer_a1, officer_a2, client
):
    case = investigating_case(agency_a, handler_a, head_a, officer_a2, timezone.now())
    context = chromium.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 26.0745, "longitude": 119.2965, "accuracy": 12},
        permissions=["geolocation"],
    )
    page = _open(context, live_server, client, handler_a)
    button = page.locator(f".fm-record[data-case='{case.pk}']")
    button.wait_for()
    context.set_offline(True)
    button.click()
    page.select_option("#fm-activity", "interview")
    assert page.locator("fieldset[data-kind='interview']").is_visible()
    assert not page.locator("fieldset[data-kind='on_site_inspection']").is_visible()
    page.fill("#fm-interviewee", "李四")
    page.fill("#fm-relation", "店员")
    page.click("#fm-save")  # no question and answer yet: refused on the phone
    assert "请至少记录一组问答" in page.locator("#fm-form-error").inner_text()
    page.fill("#fm-qa li:nth-child(1) .fm-q", "这些过期食品是谁进的货？")
    page.fill("#fm-qa li:nth-child(1) .fm-a", "老板张三进的货")
    page.click(".fm-add[data-rows='fm-qa']")
    page.fill("#fm-qa li:nth-child(2) .fm-q", "进货单据在哪里？")
    page.click("#fm-save")  # a question without its answer
    assert "第 2 组问答缺少回答" in page.locator("#fm-form-error").inner_text()
    page.fill("#fm-qa li:nth-child(2) .fm-a", "在收银台抽屉里")
    # the location is taken only when the officer ticks the box
    assert page.locator("#fm-geo-status").inner_text() == ""
    page.check("#fm-geo")
    status = page.locator("#fm-geo-status", has_text="已定位")
    status.wait_for()
    assert "纬度 26.074500，经度 119.296500（精度约 12 米）" in status.inner_text()
    page.click("#fm-save")
    entry = page.locator(".fm-entry.fm-pending")
    entry.wait_for()
    assert "询问调查" in entry.inner_text() and "定位：纬度 26.074500" in entry.inner_text()

    context.set_offline(False)
    page.locator(".fm-entry.fm-synced").wait_for(timeout=60000)
    event = CaseEvent.objects.get(case=case, kind=EventKind.ACTIVITY)
    assert event.activity == "interview"
    field = event.data["field"]
    assert field["form"] == "询问笔录"
    assert field["act"]["interviewee"] == "李四" and field["act"]["relation"] == "店员"
    assert field["act"]["qa"] == [
        {"q": "这些过期食品是谁进的货？", "a": "老板张三进的货"},
        {"q": "进货单据在哪里？", "a": "在收银台抽屉里"},
    ]
    loc = field["location"]
    assert (loc["latitude"], loc["longitude"], loc["accuracy"]) == (26.0745, 119.2965, 12)
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "被询问人：李四（与当事人关系：店员）" in detail
    assert "定位：纬度 26.074500，经度 119.296500（精度约 12 米）" in detail
    context.close()


def _sync_event(page, live_server, tag="sanxiang-field-sync"):
    """Fire the service worker's Background Sync event as the browser would (DevTools)."""
    cdp = page.context.new_cdp_session(page)
    regs = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda ev: regs.extend(r for r in ev["registrations"] if r["scopeURL"].endswith("/field/")),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if regs:
            break
        page.wait_for_timeout(100)
    assert regs, "no service worker registration for /field/"
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": live_server.url,
            "registrationId": regs[0]["registrationId"],
            "tag": tag,
            "lastChance": False,
        },
    )


def test_background_sync_asks_the_open_page_then_reminds_when_none(
    live_server, chromium, agency_a, handler_a, head_a, officer_a1, officer_a2, client
):
    case = investigating_case(agency_a, handler_a, head_a, officer_a2, timezone.now())
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = _open(context, live_server, client, handler_a)
    assert page.evaluate("() => navigator.serviceWorker.ready.then(r => !!r.sync)")
    # the server is unreachable for acts (no offline event: the online fallback never fires)
    context.route("**/api/field/acts/", lambda route: route.abort())
    page.locator(f".fm-record[data-case='{case.pk}']").click()
    page.fill("#fm-checked", "食品货架")
    page.fill("#fm-findings", "冷柜温度过高")
    page.click("#fm-save")
    page.locator(".fm-entry.fm-pending").wait_for()
    page.wait_for_timeout(500)
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.ACTIVITY).exists()

    # no field page open: the worker cannot sync (no key); it reminds the officer
    outside = context.new_page()
    outside.goto(f"{live_server.url}/")
    page.close()
    _sync_event(outside, live_server)
    bodies = []
    for _ in range(50):
        bodies = outside.evaluate(
            """() => navigator.serviceWorker.getRegistration('/field/')
                 .then(r => r.getNotifications()).then(ns => ns.map(n => n.body))"""
        )
        if bodies:
            break
        outside.wait_for_timeout(100)
    assert bodies == ["有待同步的现场记录，请打开移动执法完成同步"]

    # a field page is open again: the sync event makes it sync (the worker has no key)
    page = _open(context, live_server, client, handler_a)  # its own sync still fails
    page.locator(".fm-entry.fm-pending").wait_for()
    page.wait_for_timeout(500)
    context.unroute("**/api/field/acts/")
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.ACTIVITY).exists()
    _sync_event(page, live_server)
    page.locator(".fm-entry.fm-synced").wait_for(timeout=60000)
    assert CaseEvent.objects.get(case=case, kind=EventKind.ACTIVITY).data["field"]["act"] == {
        "checked": "食品货架",
        "findings": "冷柜温度过高",
    }
    context.close()
