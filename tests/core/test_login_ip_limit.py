"""Password spraying: failed logins from one address across usernames lock the address
(issue #12 item 7). django-axes alone locks only username + address."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from sanxiang.org.models import Role
from tests.conftest import PASSWORD, make_user

SPRAYER = "203.0.113.7"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def users(agency_a):
    return [make_user(f"spray_{i:02d}", Role.HANDLER, agency_a) for i in range(29)]


def _login(username, password, ip=SPRAYER):
    return Client(REMOTE_ADDR=ip).post(
        "/accounts/login/", {"username": username, "password": password}
    )


def test_one_wrong_password_for_29_users_locks_the_address(users, handler_a):
    statuses = [_login(u.username, "Spring2026!").status_code for u in users]
    assert statuses[0] == 200  # the form again, with the usual error
    assert statuses[-1] == 429  # the address is locked well before the 29th user
    refused = _login("handler_a", PASSWORD)  # the right password, from the same address
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.content.decode()
    # another address is not affected
    assert _login("handler_a", PASSWORD, ip="198.51.100.1").status_code == 302


def test_api_token_and_backend_refuse_during_cooloff(users, handler_a, settings):
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    for u in users[: settings.LOGIN_IP_FAILURE_LIMIT]:
        _login(u.username, "Spring2026!")
    api = Client(REMOTE_ADDR=SPRAYER).post(
        "/api/auth/token/", {"username": "handler_a", "password": PASSWORD}
    )
    assert api.status_code == 429 and api.json()["code"] == "locked_out"
    request = RequestFactory().post("/other/login/", REMOTE_ADDR=SPRAYER)
    assert authenticate(request, username="handler_a", password=PASSWORD) is None


def test_lock_ends_after_the_cooloff(users, handler_a, settings):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        for u in users:
            _login(u.username, "Spring2026!")
        assert _login("handler_a", PASSWORD).status_code == 429
        t.shift(settings.LOGIN_IP_COOLOFF_SECONDS + 1)
        assert _login("handler_a", PASSWORD).status_code == 302


def test_a_few_typos_do_not_lock_the_office(users, handler_a):
    for u in users[:3]:
        _login(u.username, "typo")
    assert _login("handler_a", PASSWORD).status_code == 302
