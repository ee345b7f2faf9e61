"""Celery tasks of the long work (issue #16 item 5). The periodic jobs are in
``sanxiang.core.tasks`` (every app's ``periodic.run``), ``sanxiang.ledger.tasks``,
``sanxiang.records.tasks`` and ``sanxiang.documents.tasks``; beat schedules them
(CELERY_BEAT_SCHEDULE). All run with ``acks_late`` (settings): a task whose worker died is
redelivered, so a task that writes ledger leaves runs under an idempotency key
(``idempotency.run_once``) — by default the Celery task id, which a redelivery keeps."""

from __future__ import annotations

import hashlib
import re

from celery import shared_task
from django.conf import settings

from .idempotency import run_once

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _key(task, prefix: str, key: str | None) -> str:
    key = key or task.request.id
    if not key:
        raise ValueError("no idempotency key: pass key=… when calling the task in-process")
    return f"{prefix}:{key}"


def export_case(case_id: int, actor_id: int | None, key: str) -> dict:
    """The work of ``export_case_archive`` (not idempotent by itself): the bag under
    ``VAR_DIR/exports/<key>/`` (replaced when a failed attempt left one)."""
    from django.contrib.auth import get_user_model

    from sanxiang.cases.archive import export_case_bag
    from sanxiang.cases.models import Case
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.models import Leaf

    case = Case.objects.get(pk=case_id)
    actor = get_user_model().objects.get(pk=actor_id) if actor_id else None
    dest = settings.VAR_DIR / "exports" / _SAFE.sub("_", key)
    dest.mkdir(parents=True, exist_ok=True)
    bag = export_case_bag(case, dest, actor=actor)
    leaf = (
        Leaf.objects.filter(event_type=EventType.CASE_EXPORTED, subject=f"case:{case.pk}")
        .order_by("-index")
        .values_list("index", flat=True)
        .first()
    )
    files = sum(1 for p in (bag / "data").rglob("*") if p.is_file())
    return {"bag": str(bag), "leaf": leaf, "files": files}


@shared_task(bind=True, name="sanxiang.jobs.tasks.export_case_archive")
def export_case_archive(self, case_id: int, actor_id: int | None = None, key: str | None = None):
    """Export a case file (BagIt bag with its ledger bundle) under
    ``VAR_DIR/exports/<key>/``; appends one ``case.exported`` leaf however often the
    message is delivered. Returns ``{"bag", "leaf", "files"}``."""
    key = _key(self, "export", key)
    return run_once(key, self.name, lambda: export_case(case_id, actor_id, key))


@shared_task(name="sanxiang.jobs.tasks.render_document_pdf")
def render_document_pdf(document_id: int):
    """Render a document's PDF (the draft preview; for an issued document its stored PDF,
    checked against its SHA-256). Returns ``{"sha256", "size", "text"}`` (start of the text)."""
    from sanxiang.documents.models import Document
    from sanxiang.documents.rendering import pdf_text, render_pdf

    data = render_pdf(Document.objects.get(pk=document_id))
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "text": pdf_text(data)[:500],
    }


@shared_task(name="sanxiang.jobs.tasks.deliver_webhook")
def deliver_webhook(delivery_id: int):
    """One delivery attempt of a publicity webhook (a delivered one is not sent again)."""
    from sanxiang.publicity.webhooks import attempt

    delivery = attempt(delivery_id)
    return {"status": delivery.status, "attempts": delivery.attempts}


@shared_task(name="sanxiang.jobs.tasks.retry_webhooks")
def retry_webhooks():
    """The webhook deliveries whose next attempt is due."""
    from sanxiang.publicity.webhooks import retry_due

    return retry_due()


@shared_task(name="sanxiang.jobs.tasks.run_alert_models")
def run_alert_models(codes: list[str] | None = None):
    """Run the alert models over all agencies (the periodic job's run, without its
    once-per-interval gate). Returns ``{"run", "raised", "still_open", "errors"}``."""
    from sanxiang.alerts.services import run_rules

    run = run_rules(None, codes=codes)
    return {
        "run": run.pk,
        "raised": run.raised,
        "still_open": run.still_open,
        "errors": run.errors,
    }
