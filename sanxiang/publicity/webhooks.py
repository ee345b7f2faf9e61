"""Push to external publicity platforms: signed webhooks with retries and a delivery log.

Each delivery is a POST of a JSON body with headers

* ``X-Sanxiang-Event``: ``decision.published`` / ``decision.withdrawn`` / ``decision.corrected``
* ``X-Sanxiang-Delivery``: the delivery id (the receiver de-duplicates on it)
* ``X-Sanxiang-Signature``: ``sha256=<hex HMAC-SHA256 of the raw body with the endpoint secret>``

A delivery is attempted right after the commit that created it, outside the request: the
``jobs`` app's ``deliver_webhook`` task, sent to the Celery worker when a broker is
configured and to the in-process background thread in the embedded default
(``sanxiang.jobs.dispatch``), so publishing never waits for a receiver. Failures are retried by
the periodic job with exponential backoff (1, 2, 4 … minutes, capped at 6 hours) up to
``MAX_ATTEMPTS``; the log keeps every attempt's outcome and an operator can re-deliver
any entry (a new delivery pointing to the old one).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.error

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock, outbound
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_agency_access, require_role, require_same_agency

from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, body), signature or "")


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def payload_for(event: str, snap) -> dict:
    from .serializers import snapshot_public_dict

    return {
        "event": event,
        "sent_at": clock.now().isoformat(),
        "decision": snapshot_public_dict(snap),
    }


def enqueue(event: str, snap) -> list[WebhookDelivery]:
    """Create deliveries for every active endpoint that wants this agency's events."""
    endpoints = WebhookEndpoint.objects.filter(is_active=True).filter(
        Q(agency__isnull=True) | Q(agency_id=snap.agency_id)
    )
    created = []
    body = None
    for endpoint in endpoints:
        if body is None:
            body = json.dumps(payload_for(event, snap), ensure_ascii=False, sort_keys=True)
        created.append(
            WebhookDelivery.objects.create(
                endpoint=endpoint,
                agency_id=snap.agency_id,
                event=event,
                body=body,
                next_attempt_at=clock.now(),
            )
        )
    for delivery in created:
        _deliver_after_commit(delivery.pk)
    return created


def _deliver_after_commit(delivery_id: int) -> None:
    from sanxiang.jobs.dispatch import after_commit
    from sanxiang.jobs.tasks import deliver_webhook

    after_commit(deliver_webhook, delivery_id)


def attempt(delivery_id: int) -> WebhookDelivery:
    """One POST attempt; records the outcome and schedules the next try."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status == DeliveryStatus.DELIVERED:
        return delivery
    body = delivery.body.encode("utf-8")
    delivery.attempts += 1
    code, error = None, ""
    try:
        request = outbound.post_request(
            delivery.endpoint.url,
            body,
            {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "sanxiang-publicity/1",
                "X-Sanxiang-Event": delivery.event,
                "X-Sanxiang-Delivery": str(delivery.pk),
                "X-Sanxiang-Signature": sign(delivery.endpoint.secret, body),
            },
        )
        with outbound.open_request(request, TIMEOUT_SECONDS) as response:
            code = response.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code}"
    except Exception as exc:  # network errors of any kind are logged and retried
        error = f"{type(exc).__name__}: {exc}"[:500]
    delivery.last_status_code = code
    delivery.last_error = error
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = clock.now()
        delivery.next_attempt_at = None
        delivery.last_error = ""
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = clock.now() + backoff(delivery.attempts)
    delivery.save()
    return delivery


def retry_due(now=None, limit=200) -> int:
    now = now or clock.now()
    due = WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING], next_attempt_at__lte=now
    ).order_by("next_attempt_at")[:limit]
    count = 0
    for delivery_id in list(due.values_list("id", flat=True)):
        attempt(delivery_id)
        count += 1
    return count


def visible_deliveries(user):
    """Deliveries of the agencies ``user`` may see (``org.scoping``): an administrator of an
    agency sees that agency's, not every agency's (issue #11 item 5); only a platform
    superuser without an agency sees all."""
    from sanxiang.org.scoping import scope

    return scope(WebhookDelivery.objects.select_related("endpoint", "agency"), user)


@transaction.atomic
def redeliver(delivery, actor) -> WebhookDelivery:
    """Send a logged delivery again (a new log entry pointing to the old one)."""
    require_role(actor, Role.HEAD, Role.ADMIN, message=_("只有机关负责人或管理员可以重新推送。"))
    if not (actor.is_superuser and actor.agency_id is None):
        if delivery.agency_id is None:
            raise DomainError(_("您无权重新推送该记录。"), code=ErrorCode.PERMISSION_DENIED)
        if actor.role == Role.ADMIN:
            require_agency_access(actor, delivery.agency_id)
        else:
            require_same_agency(actor, delivery.agency_id)
    if not delivery.endpoint.is_active:
        raise DomainError(_("推送接口已停用，不能重新推送。"), code=ErrorCode.WRONG_STATE)
    new = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        agency_id=delivery.agency_id,
        event=delivery.event,
        body=delivery.body,
        redelivery_of=delivery,
        next_attempt_at=clock.now(),
    )
    _deliver_after_commit(new.pk)
    return new
