"""Publications for plans published before ``publish_plan`` went through publicity (#11.13).

Before that fix a plan's results were published by setting ``Plan.published_at`` and
``Plan.public_snapshot``; /gs/sj/ now reads only publicity snapshots, so those plans fell
off the public page. ``backfill_publications`` gives each such plan its publication (the
same content ``publish_plan`` writes, redacted by publicity, withdrawable like any other)
and publishes it in the name of the person whose ``inspection.published`` leaf published
the plan; if that person can no longer confirm (left the agency, lost the role) the
publication waits in the publicity workbench for the agency to confirm it. The plan row
is not changed. Idempotent (publicity is idempotent per ``source_key``); run by the
periodic job (``inspections.periodic``).
"""

from __future__ import annotations

import logging

from django.db import transaction

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.core.fields import ActType
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.ledger.services import append_event
from sanxiang.org.models import User

from . import services
from .models import Plan

log = logging.getLogger("sanxiang.inspections.backfill")


def legacy_plans():
    """Plans with results published but no publicity publication."""
    from sanxiang.publicity.models import Publication

    keys = Publication.objects.filter(
        source_key__startswith=services.PUBLICATION_PREFIX
    ).values_list("source_key", flat=True)
    published = {int(k[len(services.PUBLICATION_PREFIX) :]) for k in keys}
    return (
        Plan.objects.filter(published_at__isnull=False)
        .exclude(pk__in=published)
        .select_related("agency", "item")
        .order_by("pk")
    )


def _published_leaf(plan):
    return (
        Leaf.objects.filter(
            event_type=EventType.INSPECTION_PUBLISHED.value, subject=f"inspection_plan:{plan.pk}"
        )
        .order_by("index")
        .first()
    )


def _publisher(leaf):
    if leaf is None or leaf.actor_id is None:
        return None
    return User.objects.filter(pk=leaf.actor_id, is_active=True).first()


def backfill_plan(plan):
    """Publish ``plan``'s results through publicity; returns the publication."""
    from sanxiang.publicity import services as publicity
    from sanxiang.publicity.models import PublicationStatus

    publisher = _publisher(_published_leaf(plan))
    content = services.public_content(plan)
    with transaction.atomic():
        publication = publicity.publish_decision(
            agency=plan.agency,
            source_key=services.publication_key(plan.pk),
            category=ActType.INSPECTION,
            decision_date=clock.local_date(plan.completed_at or plan.published_at),
            title=plan.title,
            conclusion=services._summary(content),
            public_numbers=[task["usci"] for task in content["tasks"]],
            handler_ids=[publisher.pk] if publisher else [],
            inspection=content,
            actor=publisher,
        )
        if publication.status == PublicationStatus.PENDING and publisher is not None:
            try:
                with transaction.atomic():
                    publicity.confirm_publication(publication, publisher)
            except DomainError as exc:  # waits for the agency's confirmation
                log.warning(
                    "plan %s: publication %s left pending: %s", plan.pk, publication.pk, exc
                )
        publication.refresh_from_db()
        append_event(
            EventType.INSPECTION_PUBLISHED,
            f"inspection_plan:{plan.pk}",
            {
                "plan": plan.pk,
                "publication": publication.pk,
                "status": publication.status,
                "backfill": True,
            },
            None,
        )
    return publication


def backfill_publications(stdout=None) -> list:
    """Back-fill every legacy plan; returns the publications. A plan marked published
    without the ``inspection.published`` leaf the old ``publish_plan`` wrote was not
    published by the platform (a raw edit): it is logged and left alone."""
    out = []
    for plan in legacy_plans():
        if _published_leaf(plan) is None:
            log.warning("plan %s is marked published but no leaf published it", plan.pk)
            continue
        publication = backfill_plan(plan)
        out.append(publication)
        if stdout is not None:
            stdout.write(
                f"inspections: plan {plan.pk} published through publicity "
                f"(publication {publication.pk}, {publication.status})\n"
            )
    return out
