"""Sending and reading in-app notifications.

``notify`` writes one in-app notification per person and, once the transaction commits,
sends it on by e-mail (Django's mail backend, when one is configured and the person has an
address) and by SMS (when ``SANXIANG_SMS_GATEWAY`` names a gateway and the person has a
mobile number). Delivery failures are logged, never raised: the in-app row is the record.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string

from sanxiang.core import clock

from .models import Notification

log = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def email_configured() -> bool:
    """Mail goes out when ``SANXIANG_NOTIFY_EMAIL`` is not False and a mail backend is
    configured: any backend other than SMTP, or SMTP with an ``EMAIL_HOST`` other than the
    embedded default ``localhost``."""
    if not getattr(settings, "SANXIANG_NOTIFY_EMAIL", True):
        return False
    backend = getattr(settings, "EMAIL_BACKEND", SMTP_BACKEND)
    if backend != SMTP_BACKEND:
        return True
    return getattr(settings, "EMAIL_HOST", "localhost") not in ("", "localhost")


def sms_gateway():
    """The callable named by ``SANXIANG_SMS_GATEWAY`` (``send(phone, text)``), or None."""
    path = getattr(settings, "SANXIANG_SMS_GATEWAY", "") or ""
    if not path:
        return None
    gateway = import_string(path)
    if isinstance(gateway, type):
        gateway = gateway()
    return getattr(gateway, "send", gateway)


def _deliver(recipients, title, body, url):
    text = body or title
    if url:
        base = getattr(settings, "SANXIANG_SITE_URL", "") or ""
        text = f"{text}\n\n{base.rstrip('/')}{url}"
    if email_configured():
        for user in recipients:
            if not user.email:
                continue
            try:
                send_mail(
                    title,
                    text,
                    getattr(settings, "DEFAULT_FROM_EMAIL", None),
                    [user.email],
                )
            except Exception:
                log.exception("notification e-mail to user %s failed", user.pk)
    try:
        gateway = sms_gateway()
    except Exception:
        log.exception("SANXIANG_SMS_GATEWAY cannot be loaded")
        gateway = None
    if gateway is not None:
        for user in recipients:
            phone = getattr(user, "phone", "")
            if not phone:
                continue
            try:
                gateway(phone, f"{title}：{body}" if body else title)
            except Exception:
                log.exception("notification SMS to user %s failed", user.pk)


def notify(users, title: str, body: str = "", url: str = "") -> int:
    """Send one notification to each distinct active user in ``users``; returns how many."""
    now = clock.now()
    seen, rows = set(), []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                user=user, title=title[:200], body=body, url=(url or "")[:300], created_at=now
            )
        )
    Notification.objects.bulk_create(rows)
    if rows:
        recipients = [row.user for row in rows]
        transaction.on_commit(lambda: _deliver(recipients, title[:200], body, url or ""))
    return len(rows)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def for_user(user):
    return Notification.objects.filter(user=user)


@transaction.atomic
def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=clock.now())


def notify_roles(agency_id, roles, title: str, body: str = "", url: str = "", exclude=None) -> int:
    """Notify the active users of ``agency_id`` holding one of ``roles``."""
    from sanxiang.org.models import User

    users = User.objects.filter(agency_id=agency_id, role__in=list(roles), is_active=True)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return notify(users, title, body, url)


def notify_case_handlers(case, title: str, body: str = "", url: str = "", exclude=None) -> int:
    """Notify the officers assigned to ``case`` who have a login."""
    from sanxiang.org.models import User

    users = User.objects.filter(officer__case_roles__case=case, is_active=True).distinct()
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return notify(users, title, body, url or _case_url(case))


def _case_url(case) -> str:
    from django.urls import reverse

    return reverse("cases:detail", args=[case.pk])


def case_label(case) -> str:
    return f"{case.number} {case.title}".strip() if getattr(case, "number", "") else case.title


def safe_notify(fn, *args, **kwargs) -> int:
    """Call a notify helper; a notification problem never breaks the act that caused it."""
    try:
        with transaction.atomic():
            return fn(*args, **kwargs)
    except Exception:
        log.exception("notification failed")
        return 0
