"""One language (issue #13 item 13, docs/architecture.md principle 8): a browser asking for
English still gets the workbench and Django's own messages in Simplified Chinese."""

import pytest
from django.conf import settings


def test_only_simplified_chinese_is_offered():
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans"]
    assert settings.LANGUAGE_CODE == "zh-hans"


@pytest.mark.django_db
def test_english_browser_gets_chinese_login_errors(client):
    response = client.post(
        "/accounts/login/",
        {"username": "nobody", "password": "wrong-password"},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in body
    assert "用户名或密码不正确" in body


@pytest.mark.django_db
def test_english_browser_gets_djangos_own_messages_in_chinese(client_for, handler_a):
    client = client_for(handler_a)
    response = client.post("/accounts/password/", {}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "This field is required" not in body
    assert "该字段是必填项" in body


@pytest.mark.django_db
def test_no_language_switch_endpoint(client):
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 404
