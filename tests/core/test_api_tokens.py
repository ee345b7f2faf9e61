"""API tokens (issue #12 item 6): stored hashed, expiring (default 90 days), revocable,
listed per user with last use; old DRF authtoken keys no longer authenticate."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from sanxiang.apitokens import services
from sanxiang.apitokens.models import ApiToken
from sanxiang.ledger.models import Leaf
from sanxiang.org.models import Role
from tests.conftest import PASSWORD, make_user

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
LIST = "/api/auth/tokens/"
PAGE = "/workbench/tokens/"


@pytest.fixture(autouse=True)
def _axes_off(settings):
    settings.AXES_ENABLED = False


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _session(user):
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def _create(user, name="对接系统", days=None):
    body = {"name": name} if days is None else {"name": name, "days": days}
    r = _session(user).post(LIST, body, content_type="application/json")
    assert r.status_code == 201, r.content
    return r.json()


def _call(secret, scheme="Token", ip="203.0.113.7"):
    return Client(REMOTE_ADDR=ip).get(LIST, HTTP_AUTHORIZATION=f"{scheme} {secret}")


def test_the_stored_row_never_contains_the_secret(handler_a, frozen):
    made = _create(handler_a)
    secret = made["token"]
    assert secret.startswith("sxt_") and len(secret) >= 40
    token = ApiToken.objects.get(pk=made["id"])
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert made["prefix"] == token.prefix and secret.startswith(token.prefix)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM apitokens_apitoken WHERE id = %s", [token.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert secret not in row and secret[len(token.prefix) :] not in row
    # the ledger records the creation, without the secret
    leaf = Leaf.objects.get(event_type="auth.api_token_created", subject=f"api_token:{token.pk}")
    assert secret not in leaf.content and token.prefix in leaf.content
    # listing never shows it again
    listed = _session(handler_a).get(LIST).content.decode()
    assert secret not in listed and '"token"' not in listed


def test_default_expiry_is_90_days_and_configurable(handler_a, frozen, settings):
    made = _create(handler_a)
    token = ApiToken.objects.get(pk=made["id"])
    assert token.created_at == T0 and token.expires_at == T0 + dt.timedelta(days=90)
    assert ApiToken.objects.get(
        pk=_create(handler_a, days=7)["id"]
    ).expires_at == T0 + dt.timedelta(days=7)
    settings.SANXIANG_API_TOKEN_DAYS = 30
    token = ApiToken.objects.get(pk=_create(handler_a, name="短期")["id"])
    assert token.expires_at == T0 + dt.timedelta(days=30)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "长期", "days": 366}, "365"),
        ({"name": "零天", "days": 0}, ""),
        ({"name": "   "}, ""),
        ({"name": "名称\x07"}, "控制字符"),
        ({"name": "长" * 101}, ""),
    ],
)
def test_bad_input_is_refused_with_nothing_written(handler_a, body, message):
    leaves = Leaf.objects.count()
    r = _session(handler_a).post(LIST, body, content_type="application/json")
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not ApiToken.objects.exists() and Leaf.objects.count() == leaves


def test_service_refuses_days_above_the_maximum(handler_a):
    with pytest.raises(services.DomainError, match="365"):
        services.create_token(handler_a, name="x", days=366)
    assert not ApiToken.objects.exists()


def test_a_token_authenticates_and_records_last_use_at_most_once_a_minute(handler_a, frozen):
    secret = _create(handler_a)["token"]
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    r = _call(secret)
    assert r.status_code == 200 and r.json()["results"][0]["id"] == token.pk
    token.refresh_from_db()
    assert token.last_used_at == T0 and token.last_used_ip == "203.0.113.7"
    frozen.shift(30)  # within the minute: no write
    assert _call(secret, scheme="Bearer", ip="198.51.100.2").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == T0 and token.last_used_ip == "203.0.113.7"
    frozen.shift(31)
    assert _call(secret, ip="198.51.100.2").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == T0 + dt.timedelta(seconds=61)
    assert token.last_used_ip == "198.51.100.2"
    # the list shows the last use
    row = _session(handler_a).get(LIST).json()["results"][0]
    assert row["last_used_ip"] == "198.51.100.2" and row["status"] == "active"


def test_an_expired_token_gets_401(handler_a, frozen):
    secret = _create(handler_a, days=1)["token"]
    frozen.shift(dt.timedelta(days=1) - dt.timedelta(seconds=1))
    assert _call(secret).status_code == 200
    frozen.shift(1)
    r = _call(secret)
    assert r.status_code == 401 and r.json()["code"] == "token_expired"
    assert "已过期" in r.json()["detail"] and r["WWW-Authenticate"] == "Token"
    assert _session(handler_a).get(LIST).json()["results"][0]["status"] == "expired"


def test_a_revoked_token_gets_401(handler_a, frozen):
    made = _create(handler_a)
    assert _call(made["token"]).status_code == 200
    r = _session(handler_a).post(f"{LIST}{made['id']}/revoke/")
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    r = _call(made["token"])
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    assert "已吊销" in r.json()["detail"]
    assert Leaf.objects.filter(
        event_type="auth.api_token_revoked", subject=f"api_token:{made['id']}"
    ).exists()
    # revoking twice is refused, not written twice
    again = _session(handler_a).post(f"{LIST}{made['id']}/revoke/")
    assert again.status_code == 409
    assert Leaf.objects.filter(event_type="auth.api_token_revoked").count() == 1


def test_a_deactivated_users_token_gets_401(handler_a):
    secret = _create(handler_a)["token"]
    handler_a.is_active = False
    handler_a.save(update_fields=["is_active"])
    r = _call(secret)
    assert r.status_code == 401 and r.json()["code"] == "user_inactive"


def test_unknown_and_malformed_tokens_get_401(handler_a):
    assert _call("sxt_" + "A" * 43).json()["code"] == "token_invalid"
    r = Client().get(LIST, HTTP_AUTHORIZATION="Token a b")
    assert r.status_code == 401 and r.json()["code"] == "token_invalid"
    assert Client().get(LIST).status_code == 401  # no credentials at all


def test_tokens_are_listed_and_revoked_per_user(handler_a, handler_b):
    mine = _create(handler_a, name="甲系统")
    theirs = _create(handler_b, name="乙系统")
    a = _session(handler_a)
    assert [t["name"] for t in a.get(LIST).json()["results"]] == ["甲系统"]
    assert "乙系统" not in a.get(PAGE).content.decode()
    # another user's token: not found, through the API and the workbench, and unchanged
    assert a.post(f"{LIST}{theirs['id']}/revoke/").status_code == 404
    assert a.post(f"{PAGE}{theirs['id']}/revoke/").status_code == 404
    assert _call(theirs["token"]).status_code == 200
    assert ApiToken.objects.get(pk=theirs["id"]).revoked_at is None
    # through one's own token, too
    r = APIClient().post(
        f"{LIST}{theirs['id']}/revoke/", HTTP_AUTHORIZATION=f"Token {mine['token']}"
    )
    assert r.status_code == 404


def test_a_token_cannot_mint_another(handler_a):
    secret = _create(handler_a)["token"]
    r = Client().post(
        LIST,
        {"name": "续期"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {secret}",
    )
    assert r.status_code == 403 and "不能用 API 令牌创建新令牌" in r.json()["detail"]
    assert ApiToken.objects.count() == 1


def test_active_tokens_per_user_are_capped(handler_a, handler_b):
    for i in range(services.MAX_ACTIVE_PER_USER):
        services.create_token(handler_a, name=f"t{i}")
    r = _session(handler_a).post(LIST, {"name": "多余"}, content_type="application/json")
    assert r.status_code == 409 and "请先吊销" in r.json()["detail"]
    services.create_token(handler_b, name="他人不受影响")
    services.revoke_token(ApiToken.objects.filter(user=handler_a).first().pk, actor=handler_a)
    services.create_token(handler_a, name="吊销后可再建")


def test_old_drf_token_no_longer_authenticates(handler_a):
    from rest_framework.authtoken.models import Token

    old = Token.objects.create(user=handler_a)
    r = Client().get("/api/cases/", HTTP_AUTHORIZATION=f"Token {old.key}")
    assert r.status_code == 401 and r.json()["code"] == "token_invalid"


def test_migration_carries_old_keys_over_hashed(handler_a, frozen):
    from importlib import import_module

    from django.apps import apps
    from rest_framework.authtoken.models import Token

    migration = import_module("sanxiang.apitokens.migrations.0002_discontinue_drf_tokens")
    old = Token.objects.create(user=handler_a)
    migration.carry_over(apps, None)
    assert not Token.objects.exists()  # no clear-text key left
    token = ApiToken.objects.get(user=handler_a)
    assert token.digest == hashlib.sha256(old.key.encode()).hexdigest()
    assert token.expires_at == T0 + dt.timedelta(days=90)
    assert _call(old.key).status_code == 200  # the same client keeps working until then


def test_password_exchange_gives_a_working_token(handler_a, frozen):
    c = Client()
    r = c.post("/api/auth/token/", {"username": "handler_a", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["expires_at"].startswith("2026-05-31")  # 90 days after 2026-03-02
    assert _call(body["token"]).status_code == 200
    wrong = c.post("/api/auth/token/", {"username": "handler_a", "password": "Wrong-pass-1"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_credentials"
    assert ApiToken.objects.count() == 1


def test_password_exchange_refused_when_two_factors_are_required(handler_a, settings):
    settings.SANXIANG_2FA_REQUIRED_ROLES = [Role.HANDLER]
    r = Client().post("/api/auth/token/", {"username": "handler_a", "password": PASSWORD})
    assert r.status_code == 403 and r.json()["code"] == "two_factor_required"
    assert not ApiToken.objects.exists()


def test_password_exchange_refused_with_the_demo_password_in_production(agency_a, settings):
    from sanxiang.org.demo import DEMO_PASSWORD

    user = make_user("demo_like", Role.HANDLER, agency_a)
    user.set_password(DEMO_PASSWORD)
    user.save()
    settings.SANXIANG_ENV = "production"
    r = Client().post("/api/auth/token/", {"username": "demo_like", "password": DEMO_PASSWORD})
    assert r.status_code == 403 and r.json()["code"] == "password_change_required"
    assert not ApiToken.objects.exists()


def test_workbench_page_creates_shows_once_and_revokes(handler_a, frozen):
    c = _session(handler_a)
    home = c.get("/workbench/").content.decode()
    assert 'href="/workbench/tokens/"' in home and "API 令牌" in home
    page = c.get(PAGE)
    assert page.status_code == 200 and "暂无 API 令牌" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    r = c.post(PAGE, {"name": "报表系统", "days": "30"})
    assert r.status_code == 201
    token = ApiToken.objects.get()
    text = r.content.decode()
    secret = text.split('<code class="secret">')[1].split("</code>")[0]
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.expires_at == T0 + dt.timedelta(days=30)
    again = c.get(PAGE).content.decode()
    assert secret not in again and token.prefix in again and "报表系统" in again
    # bad validity: a Chinese error, nothing written
    r = c.post(PAGE, {"name": "太长", "days": "400"})
    assert r.status_code == 200 and "365" in r.content.decode()
    assert ApiToken.objects.count() == 1
    # revocation needs POST with CSRF
    assert c.get(f"{PAGE}{token.pk}/revoke/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(handler_a, backend="django.contrib.auth.backends.ModelBackend")
    assert strict.post(f"{PAGE}{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    r = c.post(f"{PAGE}{token.pk}/revoke/", follow=True)
    assert "已吊销" in r.content.decode()
    token.refresh_from_db()
    assert token.revoked_at == T0


def test_odd_input_gets_4xx_not_5xx(handler_a):
    c = _session(handler_a)
    for body in ({"name": "x", "days": "abc"}, {"name": "x", "days": 1.5}, {"name": ["x"]}, {}):
        assert c.post(LIST, body, content_type="application/json").status_code == 400, body
    assert c.post(LIST, "[1]", content_type="application/json").status_code == 400
    assert c.post(f"{LIST}{'9' * 30}/revoke/").status_code == 404
    assert c.post(f"{PAGE}{'9' * 30}/revoke/").status_code == 404
    assert c.post(PAGE, {"name": "x", "days": "abc"}).status_code == 200
    r = Client().post("/api/auth/token/", {"username": "", "password": ""})
    assert r.status_code == 400
    assert not ApiToken.objects.exists()
