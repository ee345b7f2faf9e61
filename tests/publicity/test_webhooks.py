"""Signed webhook pushes to a local HTTP server: signature, retries, log, re-delivery.

Deliveries leave through ``sanxiang.jobs.dispatch`` (the ``deliver_webhook`` task after the
commit, on the background thread in the embedded default). The tests run inside a
transaction the background thread's own connection cannot see, so ``jobs`` below puts an
inline queue in its place: the tasks it collects run when a test calls ``jobs.run()``."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from sanxiang.core import outbound
from sanxiang.core.errors import DomainError
from sanxiang.jobs import dispatch
from sanxiang.jobs.tasks import deliver_webhook
from sanxiang.publicity import services, webhooks
from sanxiang.publicity.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

from .conftest import publish, published

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


class InlineJobs:
    """Stands in for the background thread: collects the tasks sent, runs them on ``run()``."""

    def __init__(self):
        self.sent = []

    def submit(self, task, args):
        self.sent.append((task, tuple(args)))

    def run(self):
        ran, self.sent = self.sent, []
        for task, args in ran:
            task.apply(args=args)
        return ran


@pytest.fixture(autouse=True)
def jobs(monkeypatch):
    inline = InlineJobs()
    monkeypatch.setattr(dispatch, "background", inline)
    return inline


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_signed_push_on_publish_and_withdraw(
    receiver, jobs, agency_a, handler_a, head_a, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(name="省公示平台", url=receiver.url, secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        pub = published(agency_a, handler_a)
    jobs.run()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_publication(pub, kind="revoked", reason="复议撤销", actor=head_a)
    jobs.run()
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
    jobs, agency_a, handler_a, head_a, head_b, django_capture_on_commit_callbacks
):
    receiver = Receiver(fail_first=1)
    try:
        WebhookEndpoint.objects.create(
            name="平台", url=receiver.url, secret=SECRET, agency=agency_a
        )
        with django_capture_on_commit_callbacks(execute=True):
            published(agency_a, handler_a)
        jobs.run()
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
        assert len(receiver.calls) == 2  # not sent inside the call
        jobs.run()
        again.refresh_from_db()
        assert again.redelivery_of_id == d.pk and again.status == DeliveryStatus.DELIVERED
        assert len(receiver.calls) == 3 and receiver.calls[2][1] == receiver.calls[1][1]
    finally:
        receiver.close()


def test_unreachable_endpoint_gives_up_after_max_attempts(
    jobs, agency_a, handler_a, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(name="dead", url="http://127.0.0.1:9/x", secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        published(agency_a, handler_a)
    jobs.run()
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


def test_the_publishing_request_does_not_call_the_http_sender(
    receiver, jobs, client_for, agency_a, handler_a, monkeypatch, django_capture_on_commit_callbacks
):
    """Confirming a decision on the workbench page queues the ``deliver_webhook`` task; the
    POST to the endpoint is made by the task, after the response, not by the request."""
    WebhookEndpoint.objects.create(name="省公示平台", url=receiver.url, secret=SECRET)
    opened = []
    real_open = outbound.open_request

    def spy(*args, **kwargs):
        opened.append(args[0].full_url)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(outbound, "open_request", spy)
    pub = publish(agency_a, handler_ids=[handler_a.pk])
    sha = pub.snapshots.get().content_sha256
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(handler_a).post(reverse("publicity:confirm", args=[pub.pk]), {"sha256": sha})
    assert r.status_code == 302
    delivery = WebhookDelivery.objects.get()
    assert opened == [] and receiver.calls == []  # the request and its commit hooks: no HTTP
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    assert jobs.sent == [(deliver_webhook, (delivery.pk,))]
    jobs.run()
    assert opened == [receiver.url] and len(receiver.calls) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1


def test_with_a_broker_the_delivery_goes_to_celery(
    jobs, agency_a, handler_a, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """With CELERY_BROKER_URL set (not eager) the task is sent with ``delay``, not run here."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    delayed = []
    monkeypatch.setattr(deliver_webhook, "delay", lambda *args: delayed.append(args))
    WebhookEndpoint.objects.create(name="all", url="http://127.0.0.1:9/x", secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        published(agency_a, handler_a)
    delivery = WebhookDelivery.objects.get()
    assert delayed == [(delivery.pk,)] and jobs.sent == []
    assert delivery.attempts == 0


def test_nothing_is_sent_when_the_transaction_rolls_back(
    jobs, agency_a, handler_a, django_capture_on_commit_callbacks
):
    from django.db import transaction

    WebhookEndpoint.objects.create(name="all", url="http://127.0.0.1:9/x", secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                published(agency_a, handler_a)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == [] and jobs.sent == []
