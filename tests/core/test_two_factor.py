"""Two-factor login (issue #12 item 4): TOTP after the password, recovery codes, required
roles, admin reset; every change ledgered, never the secret."""

import datetime as dt
from base64 import b32encode

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanxiang.core import twofactor
from sanxiang.core.errors import DomainError
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.org.models import Role
from tests.conftest import PASSWORD, make_user

BJ = dt.timezone(dt.timedelta(hours=8))
IP = "198.51.100.23"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=BJ), tick=False) as t:
        yield t


def code_for(device):
    """The code an authenticator app shows now (TOTP from the device key, frozen clock)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrol(user):
    device = twofactor.pending_device(user)
    _dev, codes = twofactor.confirm_enrolment(user, code_for(device))
    return TOTPDevice.objects.get(pk=device.pk), codes


def password_login(user, ip=IP):
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def leaves(event_type, user):
    return list(Leaf.objects.filter(event_type=event_type, subject=f"user:{user.pk}"))


def test_enrolment_page_qr_secret_code_and_recovery_codes(handler_a, client_for, frozen):
    client = client_for(handler_a)
    page = client.get("/accounts/2fa/enrol/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=handler_a, confirmed=False)
    assert 'src="data:image/svg+xml' in body  # inline QR: the CSP forbids other hosts
    assert twofactor.secret_text(device) in body
    # a wrong code confirms nothing
    wrong = client.post("/accounts/2fa/enrol/", {"otp_token": "000000"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert not twofactor.is_enrolled(handler_a)
    frozen.shift(60)  # past django-otp's 1-second delay after a failure
    done = client.post("/accounts/2fa/enrol/", {"otp_token": code_for(device)})
    assert done.status_code == 200
    assert twofactor.is_enrolled(handler_a)
    codes = [c.split("</code>")[0] for c in done.content.decode().split("<code>")[1:]]
    assert len(codes) == 10 and len(set(codes)) == 10
    # stored hashed: no code (in any spelling) is in the table
    stored = set(StaticToken.objects.filter(device__user=handler_a).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & (set(codes) | {c.replace("-", "") for c in codes})
    assert stored == {twofactor.hash_recovery_code(c) for c in codes}
    # the session that enrolled is verified
    assert client.get("/workbench/").status_code == 200
    # ledgered, without the secret
    (leaf,) = leaves(EventType.TWO_FACTOR_ENROLLED, handler_a)
    assert leaf.actor_id == handler_a.pk and leaf.payload["recovery_codes"] == 10
    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert device.key not in leaf.content and secret not in leaf.content
    assert not any(c in leaf.content for c in codes)


def test_password_alone_reaches_nothing_until_the_code(handler_a, frozen):
    device, _codes = enrol(handler_a)
    frozen.shift(60)
    client = password_login(handler_a)
    workbench = client.get("/workbench/")
    assert workbench.status_code == 302
    assert workbench["Location"] == "/accounts/2fa/verify/?next=/workbench/"
    assert client.get("/cases/")["Location"].startswith("/accounts/2fa/verify/")
    assert client.get("/admin/")["Location"].startswith("/accounts/2fa/verify/")
    api = client.get("/api/cases/")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
    # the change-password page also waits for the second factor
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/2fa/verify/")
    page = client.get(workbench["Location"])
    assert page.status_code == 200 and "两步验证" in page.content.decode()
    wrong = client.post("/accounts/2fa/verify/", {"otp_token": "123456", "next": "/workbench/"})
    assert wrong.status_code == 400
    assert client.get("/workbench/").status_code == 302
    frozen.shift(60)
    ok = client.post("/accounts/2fa/verify/", {"otp_token": code_for(device), "next": "/cases/"})
    assert ok.status_code == 302 and ok["Location"] == "/cases/"
    assert client.get("/workbench/").status_code == 200
    assert client.get("/api/cases/").status_code == 200


def test_user_without_device_and_role_not_required_is_not_asked(handler_a):
    client = password_login(handler_a)
    assert client.get("/workbench/").status_code == 200


def test_a_code_is_accepted_once(handler_a, frozen):
    device, _codes = enrol(handler_a)
    frozen.shift(30)
    code = code_for(device)
    assert twofactor.verify(handler_a, code) == (device, "totp")
    frozen.shift(5)  # same 30-second step: a replayed code
    assert twofactor.verify(handler_a, code) is None


def test_wrong_code_throttles_the_next_attempt(handler_a, frozen):
    device, _codes = enrol(handler_a)
    frozen.shift(60)
    assert twofactor.verify(handler_a, "000000") is None
    with pytest.raises(DomainError, match="秒后再试"):
        twofactor.verify(handler_a, code_for(device))  # right code, but too soon
    frozen.shift(2)
    assert twofactor.verify(handler_a, code_for(device)) is not None


def test_wrong_codes_are_failed_logins_and_end_the_session(handler_a, frozen):
    from axes.models import AccessAttempt

    enrol(handler_a)
    frozen.shift(60)
    client = password_login(handler_a)
    for _i in range(4):
        frozen.shift(120)  # past the growing throttle delay
        assert client.post("/accounts/2fa/verify/", {"otp_token": "999999"}).status_code == 400
    frozen.shift(120)
    last = client.post("/accounts/2fa/verify/", {"otp_token": "999999"})
    assert last.status_code in (302, 429)  # logged out (axes answers its lockout page)
    assert client.get("/workbench/")["Location"].startswith("/accounts/login/")
    attempt = AccessAttempt.objects.get(username="handler_a")
    assert attempt.failures_since_start == 5
    assert "999999" not in attempt.post_data  # the code is not kept with the attempt
    # username + address locked by axes: the right password no longer opens a session
    again = Client(REMOTE_ADDR=IP).post(
        "/accounts/login/", {"username": "handler_a", "password": PASSWORD}
    )
    assert again.status_code != 302


def test_required_role_without_device_must_enrol_first(supervisor, handler_a, settings, frozen):
    settings.SANXIANG_2FA_REQUIRED_ROLES = ["admin", "supervisor"]
    client = password_login(supervisor)
    for path in ("/workbench/", "/cases/", "/evaluation/", "/accounts/password/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/enrol/"), path
    api = client.get("/api/cases/")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
    # the verify page sends them to enrolment too
    assert client.get("/accounts/2fa/verify/")["Location"] == "/accounts/2fa/enrol/"
    # a handler is not required
    assert password_login(handler_a).get("/workbench/").status_code == 200
    # after enrolment the supervisor works
    client.get("/accounts/2fa/enrol/")
    device = TOTPDevice.objects.get(user=supervisor)
    assert client.post("/accounts/2fa/enrol/", {"otp_token": code_for(device)}).status_code == 200
    assert client.get("/workbench/").status_code == 200


def _roles_setting(tmp_path, **env):
    import os
    import subprocess
    import sys

    from tests.core.test_settings_prod import CLEARED, ROOT

    full = {
        k: v
        for k, v in os.environ.items()
        if k not in CLEARED and k != "SANXIANG_2FA_REQUIRED_ROLES"
    }
    full.update(DJANGO_SETTINGS_MODULE="sanxiang.settings", SANXIANG_VAR_DIR=str(tmp_path))
    full.update(env)
    code = "from django.conf import settings as s; print(','.join(s.SANXIANG_2FA_REQUIRED_ROLES))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True
    )


def test_requirement_defaults_on_in_production_and_off_in_the_demo(tmp_path):
    from tests.core.test_settings_prod import production

    assert _roles_setting(tmp_path).stdout.strip() == ""  # development / embedded demo
    prod = _roles_setting(tmp_path, **production())
    assert prod.stdout.strip() == "admin,supervisor", prod.stderr[-2000:]
    off = _roles_setting(tmp_path, **production(SANXIANG_2FA_REQUIRED_ROLES="none"))
    assert off.stdout.strip() == ""
    typo = _roles_setting(tmp_path, **production(SANXIANG_2FA_REQUIRED_ROLES="admn"))
    assert typo.returncode != 0 and "未知角色" in typo.stderr


def test_recovery_code_works_once(handler_a, frozen):
    _device, codes = enrol(handler_a)
    frozen.shift(60)
    client = password_login(handler_a)
    code = codes[3].upper().replace("-", " ")  # typed loosely
    ok = client.post("/accounts/2fa/verify/", {"otp_token": code})
    assert ok.status_code == 302
    assert client.get("/workbench/").status_code == 200
    assert twofactor.recovery_codes_left(handler_a) == 9
    (leaf,) = leaves(EventType.RECOVERY_CODE_USED, handler_a)
    assert leaf.payload["recovery_codes_left"] == 9 and codes[3] not in leaf.content
    frozen.shift(60)
    second = password_login(handler_a)
    refused = second.post("/accounts/2fa/verify/", {"otp_token": codes[3]})
    assert refused.status_code == 400
    assert second.get("/workbench/").status_code == 302


def test_disable_and_renew_need_a_current_code(handler_a, frozen):
    device, codes = enrol(handler_a)
    frozen.shift(60)
    with pytest.raises(DomainError):
        twofactor.disable(handler_a, "111111")
    assert twofactor.is_enrolled(handler_a)
    frozen.shift(60)
    new_codes = twofactor.renew_recovery_codes(handler_a, code_for(device))
    assert set(new_codes).isdisjoint(codes)
    frozen.shift(60)
    assert twofactor.verify(handler_a, codes[0]) is None  # old codes no longer work
    frozen.shift(60)
    twofactor.disable(handler_a, new_codes[0])
    assert not twofactor.is_enrolled(handler_a)
    assert not StaticToken.objects.filter(device__user=handler_a).exists()
    assert len(leaves(EventType.RECOVERY_CODES_RENEWED, handler_a)) == 1
    assert len(leaves(EventType.TWO_FACTOR_DISABLED, handler_a)) == 1


def test_agency_admin_resets_a_user_and_it_is_ledgered(agency_a, handler_a, client_for, frozen):
    admin_a = make_user("admin_a", Role.ADMIN, agency_a)
    enrol(handler_a)
    client = client_for(admin_a)
    listing = client.get("/accounts/2fa/users/")
    assert listing.status_code == 200 and "handler_a" in listing.content.decode()
    response = client.post(
        f"/accounts/2fa/users/{handler_a.pk}/reset/", {"reason": "手机遗失，已电话核实"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=handler_a).exists()
    assert not StaticToken.objects.filter(device__user=handler_a).exists()
    (leaf,) = leaves(EventType.TWO_FACTOR_RESET, handler_a)
    assert leaf.actor_id == admin_a.pk and leaf.payload["reason"] == "手机遗失，已电话核实"


def test_reset_is_scoped_and_needs_an_administrator(
    agency_a, agency_b, handler_a, head_a, client_for, frozen
):
    admin_b = make_user("admin_b", Role.ADMIN, agency_b)
    enrol(handler_a)
    with pytest.raises(DomainError, match="其他机关"):
        twofactor.reset(admin_b, handler_a, "核实")
    with pytest.raises(DomainError, match="系统管理员"):
        twofactor.reset(head_a, handler_a, "核实")
    admin_a = make_user("admin_a", Role.ADMIN, agency_a)
    with pytest.raises(DomainError, match="原因"):
        twofactor.reset(admin_a, handler_a, "  ")
    with pytest.raises(DomainError, match="本人"):
        twofactor.reset(admin_a, admin_a, "核实")
    # through the page: refused, nothing changed
    page = client_for(admin_b).post(
        f"/accounts/2fa/users/{handler_a.pk}/reset/", {"reason": "核实"}
    )
    assert page.status_code == 403
    assert twofactor.is_enrolled(handler_a)
    assert not leaves(EventType.TWO_FACTOR_RESET, handler_a)
    assert "handler_a" not in client_for(admin_b).get("/accounts/2fa/users/").content.decode()


def test_reset_sends_a_required_user_back_to_enrolment(supervisor, sfj, settings, frozen):
    settings.SANXIANG_2FA_REQUIRED_ROLES = ["admin", "supervisor"]
    device, _codes = enrol(supervisor)
    frozen.shift(60)
    client = password_login(supervisor)
    client.post("/accounts/2fa/verify/", {"otp_token": code_for(device)})
    assert client.get("/workbench/").status_code == 200
    admin_sfj = make_user("admin_sfj", Role.ADMIN, sfj)
    twofactor.reset(admin_sfj, supervisor, "手机遗失")
    # the verified session lost its device: back to enrolment
    assert client.get("/workbench/")["Location"].startswith("/accounts/2fa/enrol/")


def test_verify_page_keeps_next_on_this_site(handler_a, frozen):
    device, _codes = enrol(handler_a)
    frozen.shift(60)
    client = password_login(handler_a)
    response = client.post(
        "/accounts/2fa/verify/", {"otp_token": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/workbench/"


def test_calls_without_a_session_are_not_concerned(handler_a, api_for, frozen):
    """Token-style authentication (no session) is left to the API's own authentication."""
    enrol(handler_a)
    assert api_for(handler_a).get("/api/cases/").status_code == 200


def test_bad_input_is_refused_cleanly(agency_a, handler_a, client_for, frozen):
    enrol(handler_a)
    frozen.shift(60)
    client = password_login(handler_a)
    for junk in ("", "１２３４５６", "x" * 5000, "12345\x00", "-- --", "1e5"):
        frozen.shift(600)
        response = client.post("/accounts/2fa/verify/", {"otp_token": junk})
        assert response.status_code in (302, 400, 429), junk  # 429: axes locked
    admin_a = make_user("admin_a", Role.ADMIN, agency_a)
    admin = client_for(admin_a)
    assert admin.post("/accounts/2fa/users/99999999999999999999/reset/").status_code == 404
    assert admin.get(f"/accounts/2fa/users/{handler_a.pk}/reset/").status_code == 405
