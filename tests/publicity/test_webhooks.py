"""Signed webhook pushes to a local HTTP server: signature, retries, log, re-delivery."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from sanxiang.core.errors import DomainError
from sanxiang.publicity import services, webhooks
from sanxiang.publicity.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

from .conftest import published

pytestmark = pytest.mark.django_db(transaction=False)
SECRET = "s3cret-key"


class Receiver:
    def __init__(self, fail_first=0):
        self.calls = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((dict(self.headers), body))
                code = 503 if len(receiver.calls) <= receiver.fail_first else 200
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_signed_push_on_publish_and_withdraw(
    receiver, agency_a, handler_a, head_a, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(name="省公示平台", url=receiver.url, secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        pub = published(agency_a, handler_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_publication(pub, kind="revoked", reason="复议撤销", actor=head_a)
    assert len(receiver.calls) == 2
    headers, body = receiver.calls[0]
    assert webhooks.verify(SECRET, body, headers["X-Sanxiang-Signature"])
    assert not webhooks.verify("wrong", body, headers["X-Sanxiang-Signature"])
    data = json.loads(body)
    assert data["event"] == "decision.published"
    assert data["decision"]["document_number"] == pub.document_number
    assert json.loads(receiver.calls[1][1])["event"] == "decision.withdrawn"
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2


def test_retry_with_backoff_then_redeliver(
    agency_a, handler_a, head_a, head_b, django_capture_on_commit_callbacks
):
    receiver = Receiver(fail_first=1)
    try:
        WebhookEndpoint.objects.create(
            name="平台", url=receiver.url, secret=SECRET, agency=agency_a
        )
        with django_capture_on_commit_callbacks(execute=True):
            published(agency_a, handler_a)
        d = WebhookDelivery.objects.get()
        assert d.status == DeliveryStatus.RETRYING and d.last_status_code == 503
        assert d.next_attempt_at > timezone.now()
        assert webhooks.retry_due() == 0  # not due yet
        assert webhooks.retry_due(now=d.next_attempt_at) == 1
        d.refresh_from_db()
        assert d.status == DeliveryStatus.DELIVERED and d.attempts == 2
        with pytest.raises(DomainError):
            webhooks.redeliver(d, head_b)
        with pytest.raises(DomainError):
            webhooks.redeliver(d, handler_a)
        with django_capture_on_commit_callbacks(execute=True):
            again = webhooks.redeliver(d, head_a)
        again.refresh_from_db()
        assert again.redelivery_of_id == d.pk and again.status == DeliveryStatus.DELIVERED
        assert len(receiver.calls) == 3 and receiver.calls[2][1] == receiver.calls[1][1]
    finally:
        receiver.close()


def test_unreachable_endpoint_gives_up_after_max_attempts(
    agency_a, handler_a, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(name="dead", url="http://127.0.0.1:9/x", secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        published(agency_a, handler_a)
    d = WebhookDelivery.objects.get()
    assert d.status == DeliveryStatus.RETRYING and d.last_error
    for _ in range(webhooks.MAX_ATTEMPTS):
        webhooks.attempt(d.pk)
    d.refresh_from_db()
    assert d.status == DeliveryStatus.FAILED and d.next_attempt_at is None


def test_endpoint_scoped_to_an_agency_gets_only_its_events(agency_a, agency_b, handler_b):
    WebhookEndpoint.objects.create(name="all", url="http://127.0.0.1:9/x", secret=SECRET)
    WebhookEndpoint.objects.create(
        name="A", url="http://127.0.0.1:9/y", secret=SECRET, agency=agency_a
    )
    published(agency_b, handler_b)
    assert list(WebhookDelivery.objects.values_list("endpoint__name", flat=True)) == ["all"]
