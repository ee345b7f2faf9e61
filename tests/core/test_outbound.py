"""Outbound calls (webhooks, witnesses) go only to http(s) URLs: urllib would also open
``file:`` and ``ftp:`` URLs, so a receiver URL could read a local file."""

import pytest

from sanxiang.core import outbound


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/x", "data:text/plain,hi", "http://", "/relative"],
)
def test_other_schemes_are_refused(url):
    with pytest.raises(outbound.OutboundURLError):
        outbound.post_request(url, b"{}", {})


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "HTTPS://witness.example.org/add"])
def test_http_urls_are_built(url):
    request = outbound.post_request(url, b"{}", {"Content-Type": "application/json"})
    assert request.get_method() == "POST" and request.full_url == url


@pytest.mark.django_db
def test_a_webhook_to_a_file_url_is_recorded_as_failed_not_opened(tmp_path, monkeypatch):
    from sanxiang.publicity import webhooks
    from sanxiang.publicity.models import WebhookDelivery, WebhookEndpoint

    opened = []
    monkeypatch.setattr(outbound, "open_request", lambda *a, **k: opened.append(a))
    secret = tmp_path / "secret.txt"
    secret.write_text("不应被读取")
    endpoint = WebhookEndpoint.objects.create(url=f"file://{secret}", secret="s" * 32)
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="publication", body="{}")
    result = webhooks.attempt(delivery.pk)
    assert opened == []
    assert result.status != "delivered" and "OutboundURLError" in result.last_error
