import base64
import hashlib
import json

import pytest
from django.urls import reverse

from sanxiang.records.models import AccessLog, Recording

from .conftest import labels, mp4_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _only_stable_nav(monkeypatch):
    """Render our pages without other apps' menu providers (those are built concurrently)."""
    from sanxiang.core import navigation

    monkeypatch.setattr(
        navigation,
        "_nav_providers",
        [p for p in navigation._nav_providers if p.__module__.startswith("sanxiang.records")],
    )


def meta(d):
    out = []
    for k, v in d.items():
        v = json.dumps(v) if isinstance(v, list) else str(v)
        out.append(f"{k} {base64.b64encode(v.encode()).decode()}")
    return ",".join(out)


def tus_create(api, case, officer, length, **over):
    lab = labels(case, officer, **over)
    lab["case"] = case.pk
    return api.post(
        "/api/records/uploads/",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH=str(length),
        HTTP_UPLOAD_METADATA=meta(lab),
    )


def patch(api, url, offset, data):
    return api.generic(
        "PATCH",
        url,
        data,
        content_type="application/offset+octet-stream",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_OFFSET=str(offset),
    )


def test_tus_protocol_end_to_end(case_a, handler_a, officer_a1, api_for):
    api = api_for(handler_a)
    content = mp4_bytes(30000)
    resp = tus_create(api, case_a, officer_a1, len(content), filename="v.mp4", kind="video")
    assert resp.status_code == 201, resp.content
    url = resp["Location"]
    assert resp["Tus-Resumable"] == "1.0.0"
    resp = patch(api, url, 0, content[:10000])
    assert resp.status_code == 204 and resp["Upload-Offset"] == "10000"
    resp = api.head(url, HTTP_TUS_RESUMABLE="1.0.0")
    assert resp.status_code == 200 and resp["Upload-Offset"] == "10000"
    resp = patch(api, url, 5000, content[5000:])  # wrong offset
    assert resp.status_code == 409
    resp = api.generic("PATCH", url, b"x", content_type="application/json")
    assert resp.status_code == 415
    resp = patch(api, url, 10000, content[10000:])
    assert resp.status_code == 204
    rid = int(resp["Recording-Id"])
    assert resp["Recording-Sha256"] == hashlib.sha256(content).hexdigest()
    detail = api.get(f"/api/records/recordings/{rid}/").json()
    assert detail["sha256"] == hashlib.sha256(content).hexdigest()
    assert detail["activity"] == "on_site_inspection"


def test_bad_labels_refused_before_upload(case_a, handler_a, officer_a1, api_for):
    resp = tus_create(api_for(handler_a), case_a, officer_a1, 100, place="")
    assert resp.status_code == 400 and "地点" in resp.json()["detail"]


def test_api_list_scoped_and_download_logged(case_a, ingest, handler_a, handler_b, api_for):
    rec = ingest(case_a, png_bytes())
    assert api_for(handler_b).get("/api/records/recordings/").json()["count"] == 0
    assert api_for(handler_b).get(f"/api/records/recordings/{rec.pk}/").status_code == 404
    api = api_for(handler_a)
    assert api.get("/api/records/recordings/").json()["count"] == 1
    resp = api.post(
        f"/api/records/recordings/{rec.pk}/download/", {"purpose": "制作案卷"}, format="json"
    )
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == png_bytes()
    assert "attachment" in resp["Content-Disposition"]
    assert AccessLog.objects.get().purpose == "制作案卷"


def test_api_access_request_flow(case_a, ingest, reviewer_a, head_a, api_for):
    rec = ingest(case_a, png_bytes())
    api = api_for(reviewer_a)
    url = f"/api/records/recordings/{rec.pk}/download/"
    assert api.post(url, {"purpose": "审核"}, format="json").status_code == 403
    resp = api.post(
        "/api/records/access-requests/",
        {"case": case_a.pk, "recording": rec.pk, "reason": "法制审核", "allow_download": True},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    rid = resp.json()["id"]
    assert api.post(f"/api/records/access-requests/{rid}/approve/").status_code == 403
    resp = api_for(head_a).post(f"/api/records/access-requests/{rid}/approve/", {"valid_days": 2})
    assert resp.status_code == 200 and resp.json()["status"] == "approved"
    assert api.post(url, {"purpose": "审核"}, format="json").status_code == 200


def test_pages_render_and_view_flow(case_a, ingest, handler_a, client_for):
    rec = ingest(case_a, png_bytes())
    client = client_for(handler_a)
    for url in [
        reverse("records:list"),
        reverse("records:case", args=[case_a.pk]),
        reverse("records:upload", args=[case_a.pk]),
        reverse("records:detail", args=[rec.pk]),
        reverse("records:requests"),
        reverse("records:alerts"),
    ]:
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert b"<script>" not in resp.content and b'style="' not in resp.content
    resp = client.post(reverse("records:view", args=[rec.pk]), {"purpose": "核对"})
    assert resp.status_code == 200
    src = resp.context["src"]
    streamed = client.get(src)
    assert b"".join(streamed.streaming_content) == png_bytes()
    assert AccessLog.objects.count() == 1


def test_stream_token_bound_to_user(case_a, ingest, handler_a, head_a, client_for):
    rec = ingest(case_a, png_bytes())
    resp = client_for(handler_a).post(reverse("records:view", args=[rec.pk]), {"purpose": "核对"})
    src = resp.context["src"]
    assert client_for(head_a).get(src).status_code == 404


def test_other_agency_pages_404(case_a, ingest, handler_b, client_for):
    rec = ingest(case_a, png_bytes())
    client = client_for(handler_b)
    assert client.get(reverse("records:detail", args=[rec.pk])).status_code == 404
    assert client.get(reverse("records:case", args=[case_a.pk])).status_code == 404
    assert Recording.objects.count() == 1
