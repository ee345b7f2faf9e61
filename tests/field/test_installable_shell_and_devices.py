"""The installable shell: page, service worker (scope /field/), manifest, device list."""

import json
import uuid

import pytest

from sanxiang.field import services
from sanxiang.field.models import Device

pytestmark = pytest.mark.django_db


def test_shell_page_for_handler(client_for, handler_a):
    html = client_for(handler_a).get("/field/").content.decode()
    assert 'id="field-app"' in html and "manifest.webmanifest" in html
    assert "<script>" not in html  # CSP: no inline script
    assert 'capture="environment"' in html and 'accept="image/*,audio/*,video/*"' in html


def test_shell_page_refuses_reviewer(client_for, reviewer_a):
    html = client_for(reviewer_a).get("/field/").content.decode()
    assert 'id="field-app"' not in html and "承办人" in html


def test_shell_needs_login(client):
    assert client.get("/field/").status_code == 302


def test_service_worker_is_served_from_field_scope(client):
    resp = client.get("/field/sw.js")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/javascript")
    body = resp.content.decode()
    shell = json.loads(body.split("var SHELL = ", 1)[1].split(";\n", 1)[0])
    assert shell[0] == "/field/" and any(u.endswith("field/field.js") for u in shell)
    assert "http" not in "".join(shell)  # no CDN


def test_manifest(client):
    data = json.loads(client.get("/field/manifest.webmanifest").content)
    assert data["scope"] == "/field/" and data["start_url"] == "/field/"
    assert data["display"] == "standalone" and data["icons"]


def test_device_list_and_revoke_by_head(client_for, handler_a, head_a):
    device = services.register_device(handler_a, str(uuid.uuid4()), "测试手机")
    c = client_for(head_a)
    assert "测试手机" in c.get("/field/devices/").content.decode()
    c.post(f"/field/devices/{device.pk}/revoke/", {"reason": "手机遗失", "confirm": "on"})
    assert Device.objects.get(pk=device.pk).revoke_reason == "手机遗失"


def test_device_list_refused_to_handler(client_for, handler_a):
    assert client_for(handler_a).get("/field/devices/").status_code == 403


def test_other_agency_head_does_not_see_device(client_for, handler_a, head_b):
    services.register_device(handler_a, str(uuid.uuid4()), "测试手机")
    assert "测试手机" not in client_for(head_b).get("/field/devices/").content.decode()


def test_revoke_needs_confirmation(client_for, handler_a, head_a):
    device = services.register_device(handler_a, str(uuid.uuid4()), "测试手机")
    resp = client_for(head_a).post(
        f"/field/devices/{device.pk}/revoke/", {"reason": "手机遗失"}, follow=True
    )
    assert "确认停用" in resp.content.decode()
    assert not Device.objects.get(pk=device.pk).is_revoked


def test_demo_registers_and_revokes_devices(agency_a, handler_a, handler_a2, head_a):
    import random

    from sanxiang.field import demo

    ctx = {"agencies": {"scj": agency_a}, "rng": random.Random(7)}
    demo.load(ctx)
    devices = ctx["field_devices"]
    assert len(devices) == 2 and Device.objects.count() == 2
    assert not Device.objects.get(pk=devices[0].pk).is_revoked
    assert Device.objects.get(pk=devices[1].pk).is_revoked
