"""``jobs.dispatch``: tasks sent after the commit run outside the caller — on the in-process
background thread in the embedded default (eager Celery), through ``delay`` with a broker."""

import threading

import pytest

from sanxiang.core import outbound
from sanxiang.jobs import dispatch
from sanxiang.jobs.tasks import deliver_webhook
from sanxiang.publicity.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


@pytest.mark.django_db(transaction=True)  # the thread's own connection sees committed rows
def test_background_thread_runs_the_task_after_the_commit(monkeypatch):
    threads = []

    def refuse(request, timeout):
        threads.append(threading.current_thread().name)
        raise OSError("receiver down")

    monkeypatch.setattr(outbound, "open_request", refuse)
    endpoint = WebhookEndpoint.objects.create(name="省平台", url="http://127.0.0.1:9/x", secret="s")
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="test", body="{}")
    runner = dispatch.BackgroundThread()
    monkeypatch.setattr(dispatch, "background", runner)
    dispatch.after_commit(deliver_webhook, delivery.pk)  # no transaction open: sent at once
    runner.join()
    assert threads == ["sanxiang-jobs"]  # not the calling thread
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 1
    assert "receiver down" in delivery.last_error


def test_a_failing_task_does_not_stop_the_thread(monkeypatch):
    ran = []

    class Task:
        name = "boom"

        def apply(self, args, throw=False):
            ran.append(args)
            if args == (1,):
                raise RuntimeError("boom")

    monkeypatch.setattr(dispatch.connection, "close", lambda: None)
    runner = dispatch.BackgroundThread()
    runner.submit(Task(), (1,))
    runner.submit(Task(), (2,))
    runner.join()
    assert ran == [(1,), (2,)]


def test_with_a_broker_send_uses_delay(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    delayed, background = [], []
    monkeypatch.setattr(deliver_webhook, "delay", lambda *args: delayed.append(args))
    monkeypatch.setattr(dispatch.background, "submit", lambda *a: background.append(a))
    dispatch.send(deliver_webhook, 7)
    assert delayed == [(7,)] and background == []
