"""Issue #16 item 5: the periodic jobs and the long work in a real Celery worker with beat
against Redis; a worker killed with SIGKILL mid-task gets its task redelivered (acks_late)
and the ledger records the export once (idempotency keys).

Run by scripts/ci_celery.sh, which starts the worker (prefork pool, one child) and beat, with ``DJANGO_SETTINGS_MODULE=tests.scaleout.celery_settings``;
skipped when no worker is configured. The tests use the database the worker uses (no
separate test database) and commit their data (transactional tests)."""

import hashlib
import http.server
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf, SignedTreeHead

WORKER = os.environ.get("SANXIANG_CELERY_WORKER_PIDFILE")

pytestmark = [
    pytest.mark.skipif(
        not WORKER or django_settings.CELERY_TASK_ALWAYS_EAGER,
        reason="needs a Celery worker and beat against Redis (scripts/ci_celery.sh)",
    ),
    pytest.mark.django_db(transaction=True),
]

TIMEOUT = 90


@pytest.fixture(scope="session")
def django_db_setup():
    """The worker's own database (migrated by scripts/ci_celery.sh), not a test copy."""


def wait_for(what, check, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def exported(case):
    return Leaf.objects.filter(event_type=EventType.CASE_EXPORTED, subject=f"case:{case.pk}")


def worker_pid():
    return int(Path(WORKER).read_text().strip())


@pytest.fixture
def case(flow, handler_a):
    """A case with an issued document (PDF + DOCX stored), committed."""
    from sanxiang.documents import services as documents
    from tests.documents.conftest import complete_content

    case = flow.noticed()
    doc = documents.create_draft(case, "other", {}, handler_a)
    doc = documents.update_draft(doc, complete_content("other", doc.content), handler_a)
    documents.issue_document(doc, handler_a)
    return case


def test_beat_runs_the_periodic_jobs(flow):
    from sanxiang.alerts.models import AlertRun
    from sanxiang.documents.models import DocumentFixityRun
    from sanxiang.ledger.services import tree_size
    from sanxiang.records.models import FixityRun

    flow.investigating()  # leaves appended; heads are signed by beat only (celery_settings)
    size = tree_size()
    assert size > 0
    # sanxiang.ledger.tasks.sign_tree_head
    wait_for("a tree head signed by beat", SignedTreeHead.objects.filter(tree_size=size).exists)
    # sanxiang.records.tasks.fixity_check and, through run_periodic, documents and alerts
    wait_for("a records fixity run", FixityRun.objects.exists)
    wait_for("a documents fixity run", DocumentFixityRun.objects.exists)
    wait_for("the alert models' periodic run", AlertRun.objects.filter(triggered_by=None).exists)


def test_long_work_runs_in_the_worker(case, handler_a):
    from sanxiang.alerts.models import AlertRun
    from sanxiang.documents import services as documents
    from sanxiang.documents.models import Document
    from sanxiang.documents.tasks import fixity_check as documents_fixity
    from sanxiang.jobs import tasks

    doc = Document.objects.issued().get(case=case)
    pdf = tasks.render_document_pdf.delay(doc.pk).get(timeout=TIMEOUT)
    assert pdf["sha256"] == doc.sha256 and pdf["size"] > 1000
    draft_doc = documents.create_draft(case, "other", {}, handler_a)
    draft = tasks.render_document_pdf.delay(draft_doc.pk).get(timeout=TIMEOUT)
    assert draft["size"] > 1000 and draft["sha256"] != doc.sha256

    out = tasks.export_case_archive.delay(case.pk, handler_a.pk).get(timeout=TIMEOUT)
    bag = Path(out["bag"])
    assert (bag / "bagit.txt").exists() and out["files"] >= 4
    pdfs = list((bag / "data").rglob("*.pdf"))
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in pdfs] == [doc.sha256]
    assert list(exported(case).values_list("index", flat=True)) == [out["leaf"]]

    fixity = documents_fixity.delay().get(timeout=TIMEOUT)
    assert fixity["checked"] >= 1 and fixity["failures"] == 0

    alerts = tasks.run_alert_models.delay().get(timeout=TIMEOUT)
    assert AlertRun.objects.filter(pk=alerts["run"]).exists() and alerts["errors"] == []


def test_webhook_delivered_by_the_worker(case):
    from sanxiang.jobs import tasks
    from sanxiang.publicity import webhooks
    from sanxiang.publicity.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

    received = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = WebhookEndpoint.objects.create(
            name="测试推送", url=f"http://127.0.0.1:{server.server_port}/hook", secret="s" * 32
        )
        body = json.dumps({"event": "test", "case": case.pk})
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, agency=case.agency, event="test", body=body
        )
        result = tasks.deliver_webhook.delay(delivery.pk).get(timeout=TIMEOUT)
    finally:
        server.shutdown()
        server.server_close()
    assert result == {"status": DeliveryStatus.DELIVERED, "attempts": 1}
    [(headers, sent)] = received
    assert sent == body.encode()
    assert webhooks.verify(endpoint.secret, sent, headers["X-Sanxiang-Signature"])


def _kill_worker_at(marker, stage):
    """SIGKILL the worker process running the task (the pool's child, not the main
    process: its parent sees the loss and requeues the message at once)."""
    text = wait_for(f"the task to reach {stage!r}", lambda: marker.exists() and marker.read_text())
    got_stage, pid = text.split()
    assert got_stage == stage and int(pid) != worker_pid()
    os.kill(int(pid), signal.SIGKILL)
    return int(pid)


def _expect_redelivered(result, marker, killed_pid):
    out = result.get(timeout=TIMEOUT)  # the redelivered message ran to its end …
    assert int(marker.read_text().split()[1]) != killed_pid  # … in another process
    return out


def test_worker_killed_after_commit_is_retried_without_a_second_leaf(case, handler_a, tmp_path):
    from sanxiang.jobs.models import TaskRun
    from tests.scaleout import celery_probe

    hold, marker = tmp_path / "hold", tmp_path / "marker"
    hold.touch()
    result = celery_probe.export_then_hold.delay(case.pk, handler_a.pk, str(hold), str(marker))
    killed = _kill_worker_at(marker, "committed")
    [leaf] = exported(case).values_list("index", flat=True)  # committed before the kill
    hold.unlink()
    marker.unlink()
    out = _expect_redelivered(result, marker, killed)
    assert marker.read_text().split()[0] == "committed"  # the task ran again …
    assert out["leaf"] == leaf
    assert list(exported(case).values_list("index", flat=True)) == [leaf]  # … ledgered once
    run = TaskRun.objects.get(key=f"export:{result.id}")
    assert run.deliveries == 1 and run.result == out


def test_worker_killed_before_commit_is_retried_and_ledgers_once(case, handler_a, tmp_path):
    from sanxiang.jobs.models import TaskRun
    from tests.scaleout import celery_probe

    hold, marker = tmp_path / "hold", tmp_path / "marker"
    hold.touch()
    result = celery_probe.hold_then_commit.delay(case.pk, handler_a.pk, str(hold), str(marker))
    killed = _kill_worker_at(marker, "appended")
    assert not exported(case).exists()  # appended inside the transaction, not committed
    assert not TaskRun.objects.filter(key=f"export:{result.id}").exists()
    hold.unlink()
    marker.unlink()
    out = _expect_redelivered(result, marker, killed)
    assert list(exported(case).values_list("index", flat=True)) == [out["leaf"]]
    assert Path(out["bag"]).joinpath("bagit.txt").exists()
    assert TaskRun.objects.get(key=f"export:{result.id}").deliveries == 0
