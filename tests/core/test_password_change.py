"""Changing one's password; outside the demo the public demo password must be changed
before anything else (issue #12 item 5)."""

import pytest
from django.test import Client

from sanxiang.org.demo import DEMO_PASSWORD
from sanxiang.org.models import Role
from tests.conftest import make_user

NEW = "Qinghe#Zhifa-2027"


@pytest.fixture(autouse=True)
def _axes_off(settings):
    settings.AXES_ENABLED = False


@pytest.fixture
def demo_user(agency_a):
    user = make_user("demo_like", Role.HANDLER, agency_a)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _login(username, password):
    c = Client()
    r = c.post("/accounts/login/", {"username": username, "password": password})
    assert r.status_code == 302
    return c


def test_demo_password_must_be_changed_in_production(settings, demo_user):
    settings.SANXIANG_ENV = "production"
    c = _login("demo_like", DEMO_PASSWORD)
    r = c.get("/workbench/")
    assert r.status_code == 302 and r["Location"] == "/accounts/password/"
    assert c.get("/api/cases/").json()["code"] == "password_change_required"
    page = c.get("/accounts/password/").content.decode()
    assert "演示数据的公开密码" in page
    # the demo password again is refused, with a Chinese reason
    r = c.post(
        "/accounts/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": DEMO_PASSWORD,
            "new_password2": DEMO_PASSWORD,
        },
    )
    assert r.status_code == 200 and "不能是演示数据的公开密码" in r.content.decode()
    r = c.post(
        "/accounts/password/",
        {"old_password": DEMO_PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert r.status_code == 302
    assert c.get("/workbench/").status_code == 200  # still logged in, free to work
    demo_user.refresh_from_db()
    assert demo_user.check_password(NEW)


def test_demo_password_is_fine_in_the_demo(settings, demo_user):
    settings.SANXIANG_ENV = "development"
    c = _login("demo_like", DEMO_PASSWORD)
    assert c.get("/workbench/").status_code == 200


def test_short_new_password_refused_in_chinese(handler_a):
    from tests.conftest import PASSWORD

    c = _login(handler_a.username, PASSWORD)
    r = c.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Ab#12345", "new_password2": "Ab#12345"},
    )
    assert r.status_code == 200 and "至少需要 10 个字符" in r.content.decode()
    assert "修改密码" in c.get("/workbench/").content.decode()  # the link in the top bar


def _token_live(secret):
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = api.get("/api/auth/tokens/")
    assert response.status_code in (200, 401)
    return response.status_code == 200


def test_password_change_revokes_the_api_tokens(handler_a, handler_b):
    """A token made under the old password must not outlive it (issue #12): changing the
    password revokes every live token of that user, ledgered with the reason."""
    from sanxiang.apitokens import services as tokens
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.models import Leaf
    from tests.conftest import PASSWORD

    _, mine = tokens.create_token(handler_a, name="脚本")
    _, theirs = tokens.create_token(handler_b, name="他人")
    assert _token_live(mine) and _token_live(theirs)
    c = _login(handler_a.username, PASSWORD)
    r = c.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert "API 令牌已随密码修改一并吊销" in r.content.decode()
    assert not _token_live(mine)
    assert _token_live(theirs)
    leaf = Leaf.objects.filter(event_type=EventType.API_TOKEN_REVOKED).latest("index")
    assert leaf.payload["reason"] == "password_changed"


def test_admin_password_reset_revokes_the_api_tokens(handler_a, admin_user):
    from sanxiang.apitokens import services as tokens
    from sanxiang.org import services as org

    _, secret = tokens.create_token(handler_a, name="脚本")
    org.record_password_set(handler_a, actor=admin_user)
    assert not _token_live(secret)


def test_sign_out_clears_what_the_site_stored_in_the_browser(handler_a):
    """Field mode keeps an encrypted queue in the browser; signing out wipes it (#18.4)."""
    from tests.conftest import PASSWORD

    c = _login(handler_a.username, PASSWORD)
    r = c.post("/accounts/logout/")
    assert r.status_code == 302
    assert r["Clear-Site-Data"] == '"cache", "storage"'
