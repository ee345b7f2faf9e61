"""Taking a publication off the public site.

* ``withdraw_publication(publication, *, kind, reason, actor, on_date=None)`` — the decision
  was revoked / confirmed illegal / ordered redone: the page becomes a withdrawal notice.
* ``withdraw_for_case(case_id, *, kind, reason, actor)`` — the same for every live
  publication of a case (called through ``cases.services.effects`` and by appeals).
* ``remove_early(publication, *, reason, actor)`` — early removal after credit repair.
* ``expire_due(today=None)`` — snapshots whose window has closed leave the site.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import PenaltyKind
from sanxiang.ledger import personal
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event

from .. import search
from ..models import Publication, PublicationStatus, Snapshot, SnapshotState, WithdrawalKind
from ._base import _as_date, _lock, _require_head, invalidate_page
from .snapshots import preview_of


@transaction.atomic
def withdraw_publication(
    publication, *, kind, reason, actor=None, on_date=None, checked=False
) -> Publication:
    """Take a decision down: its page becomes a withdrawal notice and it leaves search.

    ``checked=True`` when the caller (the cases app's withdrawal service) has already
    checked that ``actor`` may withdraw the decision.
    """
    if kind not in WithdrawalKind.values:
        raise DomainError(_("撤下情形无效。"), code=ErrorCode.BAD_CHOICE)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写撤下理由。"), code=ErrorCode.REASON_REQUIRED)
    publication = _lock(publication)
    if not checked:
        _require_head(publication, actor, _("撤下公示信息"))
    if publication.status == PublicationStatus.WITHDRAWN:
        raise DomainError(_("该公示信息已撤下。"), code=ErrorCode.ILLEGAL_TRANSITION)
    was_public = publication.published_at is not None
    now = clock.now()
    on_date = _as_date(on_date) or timezone.localdate(now)
    publication.status = PublicationStatus.WITHDRAWN
    publication.withdrawn_at = now
    publication.withdrawal_kind = kind
    publication.withdrawal_reason = reason[:500]
    publication.save()
    snap = preview_of(publication)
    if snap is not None:
        snap.state = SnapshotState.WITHDRAWN if was_public else SnapshotState.DISCARDED
        snap.withdrawn_on = on_date
        snap.withdrawal_kind = kind
        snap.withdrawal_reason = reason[:500]
        snap.save()
        search.unindex(snap)
    append_event(
        EventType.PUBLICATION_WITHDRAWN,
        publication.subject,
        {
            "kind": kind,
            # may quote a court's or 复议机关's text naming persons: a keyed digest (#11.4)
            "reason": personal.digest(reason),
            "on": on_date,
            "was_public": was_public,
            "snapshot": snap.pk if snap else None,
        },
        actor,
    )
    invalidate_page(publication.pk)
    if was_public and snap is not None:
        from ..webhooks import enqueue

        enqueue("decision.withdrawn", snap)
    return publication


def withdraw_for_case(case_id, *, kind, reason, actor=None) -> list[Publication]:
    """Withdraw every live publication of a case (called from the cases signal)."""
    done = []
    live = Publication.objects.filter(case_id=case_id).exclude(
        status__in=[PublicationStatus.WITHDRAWN]
    )
    for publication in live:
        # the case service already checked that the actor is the agency head
        done.append(
            withdraw_publication(publication, kind=kind, reason=reason, actor=actor, checked=True)
        )
    return done


@transaction.atomic
def remove_early(publication, *, reason, actor) -> Publication:
    """Early removal after credit repair (信用修复) — recorded, never silent."""
    publication = _lock(publication)
    _require_head(publication, actor, _("提前停止公示"))
    if publication.status != PublicationStatus.PUBLISHED:
        raise DomainError(
            _("只有公示中的信息可以提前停止公示。"), code=ErrorCode.ILLEGAL_TRANSITION
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写信用修复情况及依据。"), code=ErrorCode.REQUIRED)
    penalty = (publication.source or {}).get("penalty") or {}
    severe = {
        PenaltyKind.STOP_PRODUCTION,
        PenaltyKind.RESTRICT_ACTIVITIES,
        PenaltyKind.RESTRICT_EMPLOYMENT,
        PenaltyKind.LOWER_QUALIFICATION,
        PenaltyKind.REVOKE_LICENCE,
        PenaltyKind.CLOSE,
    }
    if severe & set(penalty.get("kinds") or []):
        raise DomainError(
            _(
                "责令停产停业、限制从业、降低资质等级、吊销许可证件等较为严重的行政处罚不得提前停止公示。"
            ),
            code=ErrorCode.LEGAL_REQUIREMENT,
        )
    publication.status = PublicationStatus.REMOVED
    publication.removed_at = clock.now()
    publication.removed_reason = reason[:500]
    publication.save()
    snap = publication.snapshots.get(state=SnapshotState.PUBLISHED)
    snap.state = SnapshotState.REMOVED
    snap.save()
    search.unindex(snap)
    append_event(
        EventType.PUBLICATION_REMOVED_EARLY,
        publication.subject,
        {"early": True, "reason": personal.digest(reason), "snapshot": snap.pk},
        actor,
    )
    invalidate_page(publication.pk)
    return publication


@transaction.atomic
def expire_due(today=None) -> int:
    """Take every snapshot whose publication window closed before ``today`` off the site."""
    today = today or clock.today()
    snaps = list(
        Snapshot.objects.select_for_update()
        .filter(state=SnapshotState.PUBLISHED, visible_until__lt=today)
        .select_related("publication")
    )
    for snap in snaps:
        snap.state = SnapshotState.EXPIRED
        snap.save(update_fields=["state", "updated_at"])
        search.unindex(snap)
        pub = snap.publication
        pub.status = PublicationStatus.EXPIRED
        pub.save(update_fields=["status"])
        append_event(
            EventType.PUBLICATION_EXPIRED,
            pub.subject,
            {"early": False, "visible_until": snap.visible_until, "snapshot": snap.pk},
            None,
        )
        invalidate_page(pub.pk)
    return len(snaps)
