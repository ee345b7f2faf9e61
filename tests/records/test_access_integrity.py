"""Issue #11 items 1–3: no access to recordings that skips approval or leaves no trace.

Each test runs the attack and checks that the platform refuses it or records it:
1. a case-file export by someone not entitled to download the recordings;
2. a refused view/download (it must leave an AccessRefusal row and a ledger leaf);
3. a view-only approval used to pull the whole file through the stream URL.
"""

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from django.urls import reverse

from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.core.fields import EnforcementField
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.org.models import Role
from sanxiang.records import access
from sanxiang.records.models import AccessAction, AccessLog, AccessRefusal

from ..conftest import make_officer, make_user
from .conftest import mp4_bytes, png_bytes

pytestmark = pytest.mark.django_db

CHUNK = 64 * 1024


@pytest.fixture(autouse=True)
def _fresh_cache_and_stable_nav(monkeypatch):
    """Per-session byte counters live in the cache; render pages with our menus only
    (other apps' menu providers are built concurrently)."""
    from django.core.cache import cache

    from sanxiang.core import navigation

    cache.clear()
    monkeypatch.setattr(
        navigation,
        "_nav_providers",
        [p for p in navigation._nav_providers if p.__module__.startswith("sanxiang.records")],
    )
    yield
    cache.clear()


def accessed(outcome=None):
    """The records.accessed leaves' payloads (optionally only one outcome)."""
    out = []
    for leaf in Leaf.objects.filter(event_type=EventType.RECORDING_ACCESSED).order_by("index"):
        payload = json.loads(leaf.content)["payload"]
        if outcome is None or payload.get("outcome") == outcome:
            out.append(payload)
    return out


@pytest.fixture
def outsider_handler(agency_a):
    """A handler of the same agency who is not on case_a."""
    user = make_user("handler_a3", Role.HANDLER, agency_a, "冯执法")
    make_officer(user, EnforcementField.MARKET, "TEST-A-0003")
    return user


def approve(requester, head, case, recording=None, download=False):
    req = access.request_access(
        requester, case, "法制审核需要核对证据", recording=recording, allow_download=download
    )
    return access.decide_access(req, head, True, valid_days=2)


# ------------------------------------------------------------------ 1. case export


def _export_zip(response):
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    data = b"".join(response.streaming_content)
    return zipfile.ZipFile(io.BytesIO(data))


def _bag_files(zf):
    """{path inside data/: bytes}"""
    out = {}
    for name in zf.namelist():
        parts = name.split("/", 2)
        if len(parts) == 3 and parts[1] == "data" and not name.endswith("/"):
            out[parts[2]] = zf.read(name)
    return out


@pytest.mark.parametrize("who", ["outsider_handler", "reviewer_a", "supervisor"])
def test_export_by_unentitled_user_lists_recordings_without_bytes(
    who, request, case_a, ingest, api_for
):
    user = request.getfixturevalue(who)
    content = mp4_bytes(30000)
    rec = ingest(case_a, content, filename="scene.mp4", kind="video")
    files = _bag_files(_export_zip(api_for(user).post(f"/api/cases/{case_a.pk}/export/")))
    recording_files = [p for p in files if p.startswith("recordings/") and p.endswith(".mp4")]
    assert recording_files == []
    assert all(content not in body for body in files.values())
    manifest = json.loads(files["recordings/manifest.json"])
    [row] = manifest["recordings"]
    assert row["sha256"] == rec.sha256 == hashlib.sha256(content).hexdigest()
    assert row["size"] == len(content)
    assert row["included"] is False and "无权下载" in row["reason"]
    assert manifest["exported_by"]["id"] == user.pk
    # nothing was handed out, so nothing is logged as an access
    assert AccessLog.objects.count() == 0
    assert accessed() == []


def test_export_from_workbench_button_by_supervisor_withholds_recordings(
    case_a, ingest, supervisor, client_for
):
    content = png_bytes(7, 7)
    ingest(case_a, content)
    resp = client_for(supervisor).post(reverse("cases:export", args=[case_a.pk]))
    files = _bag_files(_export_zip(resp))
    assert not [p for p in files if p.endswith(".png")]
    assert all(content not in body for body in files.values())
    assert AccessLog.objects.count() == 0


def test_view_only_approval_does_not_export_recordings(case_a, ingest, reviewer_a, head_a, api_for):
    ingest(case_a, png_bytes())
    approve(reviewer_a, head_a, case_a)  # view, not download
    files = _bag_files(_export_zip(api_for(reviewer_a).post(f"/api/cases/{case_a.pk}/export/")))
    assert not [p for p in files if p.endswith(".png")]
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize("who", ["handler_a", "head_a", "approved_reviewer"])
def test_export_by_entitled_user_includes_logs_and_ledgers_each_recording(
    who, request, case_a, ingest, reviewer_a, head_a, api_for
):
    first = ingest(case_a, png_bytes(3, 3))
    second = ingest(case_a, png_bytes(4, 4), activity="interview")
    if who == "approved_reviewer":
        approve(reviewer_a, head_a, case_a, download=True)
        user = reviewer_a
    else:
        user = request.getfixturevalue(who)
    zf = _export_zip(api_for(user).post(f"/api/cases/{case_a.pk}/export/"))
    files = _bag_files(zf)
    for rec, content in ((first, png_bytes(3, 3)), (second, png_bytes(4, 4))):
        path = f"recordings/{rec.pk}-{rec.sha256[:12]}.png"
        assert files[path] == content
    logs = AccessLog.objects.filter(user=user).order_by("recording_id")
    assert [log.recording_id for log in logs] == [first.pk, second.pk]
    assert {log.action for log in logs} == {AccessAction.DOWNLOAD}
    assert all("导出案卷" in log.purpose for log in logs)
    granted = accessed("granted")
    assert [p["access_log"] for p in granted] == [log.pk for log in logs]
    assert {p["via"] for p in granted} == {"case_export"}
    # the manifest names the log rows and the bag's ledger bundle proves the leaves
    manifest = json.loads(files["recordings/manifest.json"])
    assert all(r["included"] for r in manifest["recordings"])
    bundle = json.loads(files["ledger-bundle.json"])
    in_bundle = {leaf["index"] for leaf in bundle["leaves"]}
    assert {r["ledger_index"] for r in manifest["recordings"]} <= in_bundle


def test_export_without_exporter_includes_no_recording_file(case_a, ingest, tmp_path):
    from sanxiang.cases.archive import export_case_bag

    ingest(case_a, png_bytes())
    bag = export_case_bag(case_a, tmp_path)
    assert not list((bag / "data" / "recordings").glob("*.png"))
    assert AccessLog.objects.count() == 0


# ------------------------------------------------------------------ 2. refusals leave a trace


def test_refused_download_api_is_logged_and_ledgered(case_a, ingest, reviewer_a, api_for):
    rec = ingest(case_a, png_bytes())
    resp = api_for(reviewer_a).post(
        f"/api/records/recordings/{rec.pk}/download/", {"purpose": "想复制一份"}, format="json"
    )
    assert resp.status_code == 403
    refusal = AccessRefusal.objects.get()
    assert (refusal.user, refusal.recording, refusal.action) == (
        reviewer_a,
        rec,
        AccessAction.DOWNLOAD,
    )
    assert refusal.purpose == "想复制一份" and "负责人批准" in refusal.reason
    assert refusal.at is not None
    [leaf] = accessed("refused")
    assert leaf["access_refusal"] == refusal.pk and leaf["reason"] == refusal.reason
    assert leaf["sha256"] == rec.sha256 and leaf["action"] == "download"
    assert AccessLog.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_refusal_row_is_committed_although_the_request_fails(case_a, ingest, reviewer_a, api_for):
    """The refusal is written in its own transaction: the 403 does not roll it back."""
    from django.db import connection

    rec = ingest(case_a, png_bytes())
    resp = api_for(reviewer_a).post(
        f"/api/records/recordings/{rec.pk}/download/", {"purpose": "复制"}, format="json"
    )
    assert resp.status_code == 403
    assert not connection.in_atomic_block
    assert AccessRefusal.objects.filter(user=reviewer_a, recording=rec).count() == 1
    assert len(accessed("refused")) == 1


def test_refused_view_and_download_on_workbench_shown_to_head(
    case_a, ingest, reviewer_a, head_a, handler_a, client_for
):
    rec = ingest(case_a, png_bytes())
    client = client_for(reviewer_a)
    resp = client.post(reverse("records:view", args=[rec.pk]), {"purpose": "看看"})
    assert resp.status_code == 403
    resp = client.post(reverse("records:download", args=[rec.pk]), {"purpose": "拷贝"})
    assert resp.status_code == 403
    assert list(AccessRefusal.objects.order_by("pk").values_list("action", "purpose")) == [
        ("view", "看看"),
        ("download", "拷贝"),
    ]
    assert len(accessed("refused")) == 2
    page = client_for(head_a).get(reverse("records:detail", args=[rec.pk]))
    assert page.status_code == 200
    assert page.context["refusals"] is not None and len(page.context["refusals"]) == 2
    text = page.content.decode()
    assert "拒绝调阅记录" in text and "赵审核" in text and "拷贝" in text
    # the handler of the case sees the access log, not who was refused
    page = client_for(handler_a).get(reverse("records:detail", args=[rec.pk]))
    assert page.context["refusals"] is None and "拒绝调阅记录" not in page.content.decode()


def test_refused_service_call_other_agency_is_logged(case_a, ingest, head_b):
    rec = ingest(case_a, png_bytes())
    with pytest.raises(PermissionDenied):
        access.open_for_viewing(rec, head_b, "想看看")
    refusal = AccessRefusal.objects.get()
    assert refusal.user == head_b and refusal.agency_id == rec.agency_id


def test_may_access_probe_is_not_a_refusal(case_a, ingest, reviewer_a):
    rec = ingest(case_a, png_bytes())
    assert not access.may_access(rec, reviewer_a, AccessAction.DOWNLOAD)
    assert AccessRefusal.objects.count() == 0


def test_refusal_log_is_append_only(case_a, ingest, reviewer_a):
    from django.db import IntegrityError, transaction

    rec = ingest(case_a, png_bytes())
    with pytest.raises(PermissionDenied):
        access.open_for_viewing(rec, reviewer_a, "看看")
    row = AccessRefusal.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRefusal.objects.filter(pk=row.pk).update(reason="改过")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRefusal.objects.filter(pk=row.pk).delete()


# ------------------------------------------------------------------ 3. viewing = ranged, bounded


@pytest.fixture
def small_chunks(settings):
    settings.RECORDS_VIEW_CHUNK_BYTES = CHUNK
    return CHUNK


@pytest.fixture
def viewer(case_a, ingest, reviewer_a, head_a, client_for, small_chunks):
    """A reviewer with a view-only approval who opened the player of a 300 kB video."""
    content = mp4_bytes(300_000)
    rec = ingest(case_a, content, filename="scene.mp4", kind="video")
    approve(reviewer_a, head_a, case_a, recording=rec)
    client = client_for(reviewer_a)
    resp = client.post(reverse("records:view", args=[rec.pk]), {"purpose": "法制审核"})
    assert resp.status_code == 200
    return client, resp.context["src"], rec, content


def _body(resp):
    return b"".join(resp.streaming_content)


def test_view_without_range_gets_only_the_first_chunk(viewer):
    client, src, rec, content = viewer
    for _ in range(3):  # the old stream served the whole file again and again
        resp = client.get(src)
        assert resp.status_code == 206
        body = _body(resp)
        assert body == content[:CHUNK] and len(body) < len(content)
        assert resp["Content-Range"] == f"bytes 0-{CHUNK - 1}/{len(content)}"
        assert resp["Content-Length"] == str(CHUNK)
        assert resp["Content-Disposition"] == "inline"
        assert "attachment" not in resp["Content-Disposition"]
        assert resp["Accept-Ranges"] == "bytes"
        assert "no-store" in resp["Cache-Control"]


def test_view_serves_requested_ranges_bounded(viewer):
    client, src, rec, content = viewer
    size = len(content)
    resp = client.get(src, HTTP_RANGE="bytes=1000-1999")
    assert resp.status_code == 206 and _body(resp) == content[1000:2000]
    assert resp["Content-Range"] == f"bytes 1000-1999/{size}"
    resp = client.get(src, HTTP_RANGE="bytes=100000-")  # open-ended: one chunk only
    assert _body(resp) == content[100000 : 100000 + CHUNK]
    assert resp["Content-Range"] == f"bytes 100000-{100000 + CHUNK - 1}/{size}"
    resp = client.get(src, HTTP_RANGE="bytes=-500")  # suffix
    assert _body(resp) == content[-500:]
    assert resp["Content-Range"] == f"bytes {size - 500}-{size - 1}/{size}"
    resp = client.get(src, HTTP_RANGE=f"bytes=0-{size - 1}")  # the whole file at once: bounded
    assert len(_body(resp)) == CHUNK


@pytest.mark.parametrize("header", ["bytes=300000-", "bytes=999999-1000000", "bytes=0-1,5-9"])
def test_unsatisfiable_range_is_416(viewer, header):
    client, src, rec, content = viewer
    resp = client.get(src, HTTP_RANGE=header)
    assert resp.status_code == 416
    assert resp["Content-Range"] == f"bytes */{len(content)}"


def test_view_session_logged_once_not_per_range(viewer, reviewer_a):
    client, src, rec, content = viewer
    assert AccessLog.objects.filter(user=reviewer_a, action=AccessAction.VIEW).count() == 1
    for start in range(0, len(content), CHUNK):
        assert client.get(src, HTTP_RANGE=f"bytes={start}-").status_code == 206
    assert AccessLog.objects.count() == 1
    assert len(accessed("granted")) == 1


def test_view_session_has_a_byte_budget(viewer, settings, reviewer_a):
    client, src, rec, content = viewer
    settings.RECORDS_VIEW_BUDGET_FACTOR = 1  # the file once (+ one chunk) per session
    served = 0
    for _ in range(10):
        resp = client.get(src, HTTP_RANGE=f"bytes={served % len(content)}-")
        if resp.status_code != 206:
            break
        served += len(_body(resp))
    assert resp.status_code == 403
    assert len(content) <= served <= len(content) + CHUNK
    assert "上限" in resp.content.decode()
    # crossing the budget is recorded once, not for every further request
    assert client.get(src, HTTP_RANGE="bytes=0-").status_code == 403
    assert AccessRefusal.objects.filter(user=reviewer_a, action=AccessAction.VIEW).count() == 1


def test_view_session_ends_after_its_window(viewer, time_machine, settings):
    # the login session outlives the viewing window here (it is the window under test)
    settings.SESSION_IDLE_SECONDS = settings.SESSION_ABSOLUTE_SECONDS = 7 * 24 * 3600
    client, src, rec, content = viewer
    ended = AccessLog.objects.get().at + access.view_window(rec) + dt.timedelta(minutes=1)
    time_machine.move_to(ended)
    resp = client.get(src, HTTP_RANGE="bytes=0-99")
    assert resp.status_code == 400 and "重新打开" in resp.content.decode()


def test_view_approval_does_not_allow_download(viewer, reviewer_a):
    client, src, rec, content = viewer
    resp = client.post(reverse("records:download", args=[rec.pk]), {"purpose": "复制"})
    assert resp.status_code == 403
    assert AccessRefusal.objects.filter(user=reviewer_a, action="download").count() == 1


def test_stream_token_of_another_user_is_refused(viewer, head_a, client_for):
    client, src, rec, content = viewer
    assert client_for(head_a).get(src).status_code == 404


def test_small_photo_is_viewed_whole_in_one_part(case_a, ingest, handler_a, client_for):
    content = png_bytes()
    rec = ingest(case_a, content)
    client = client_for(handler_a)
    src = client.post(reverse("records:view", args=[rec.pk]), {"purpose": "核对"}).context["src"]
    resp = client.get(src)
    assert resp.status_code == 206 and _body(resp) == content
    assert resp["Content-Range"] == f"bytes 0-{len(content) - 1}/{len(content)}"


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        (None, 10, None),
        ("", 10, None),
        ("items=0-1", 10, None),
        ("bytes=abc", 10, None),
        ("bytes=5-2", 10, None),
        ("bytes=0-0", 10, (0, 0)),
        ("bytes=2-", 10, (2, 9)),
        ("bytes=2-100", 10, (2, 9)),
        ("bytes=-3", 10, (7, 9)),
        ("bytes=-30", 10, (0, 9)),
        ("bytes=10-", 10, "416"),
        ("bytes=-0", 10, "416"),
        ("bytes=0-1,3-4", 10, "416"),
    ],
)
def test_parse_range(header, size, expected):
    if expected == "416":
        with pytest.raises(access.Unsatisfiable):
            access.parse_range(header, size)
    else:
        assert access.parse_range(header, size) == expected


def test_view_window_follows_duration(case_a, ingest):
    rec = ingest(case_a, png_bytes())  # a 30-minute recording
    assert access.view_window(rec) == dt.timedelta(minutes=45)


def test_view_part_refuses_download_sessions(case_a, ingest, handler_a):
    rec = ingest(case_a, png_bytes())
    fh, entry = access.open_for_viewing(rec, handler_a, "下载", AccessAction.DOWNLOAD)
    fh.close()
    with pytest.raises(DomainError):
        access.view_part(entry.pk, handler_a)
