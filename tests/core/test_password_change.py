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
