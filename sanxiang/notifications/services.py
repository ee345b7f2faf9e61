"""Sending and reading in-app notifications."""

from __future__ import annotations

from django.db import transaction

from sanxiang.core import clock

from .models import Notification


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
    return len(rows)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def for_user(user):
    return Notification.objects.filter(user=user)


@transaction.atomic
def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=clock.now())
