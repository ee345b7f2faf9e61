"""The agency's publication policy and how long a decision stays public.

* ``policy_for(agency)`` — the agency's ``PublicationPolicy`` (defaults when none is saved).
* ``window_end(publication, on_date)`` — the last day a publication stays on the site.
* ``update_policy(agency, actor, ...)`` — the head changes confirmation, windows, low-fine
  threshold (ledgered).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import ActType, PenaltyKind
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_role, require_same_agency

from ..models import Publication, PublicationPolicy
from ._base import _as_date, _money

# Publication windows in days per category (editable per agency in PublicationPolicy).
DEFAULT_WINDOWS = {
    ActType.PENALTY: 365 * 3,  # 市场监督管理行政处罚信息公示规定 第十三条: 3 years
    ActType.LICENSING: 365 * 3,
    ActType.COERCION: 365 * 2,
    ActType.INSPECTION: 365,
    ActType.LEVY: 365 * 2,
    ActType.CONFIRMATION: 365 * 2,
    ActType.REWARD: 365 * 2,
    ActType.OTHER: 365 * 2,
}
SHORT_WINDOW_DAYS = 90  # 通报批评 / 较低数额罚款 only: 3 months (same article)


def policy_for(agency) -> PublicationPolicy:
    policy = PublicationPolicy.objects.filter(agency=agency).first()
    return policy or PublicationPolicy(agency=agency)


def window_end(publication: Publication, on_date: dt.date) -> dt.date | None:
    """Last day a publication stays on the public site."""
    src = publication.source or {}
    penalty = src.get("penalty") or {}
    if penalty.get("publicity_until"):
        return _as_date(penalty["publicity_until"])
    licensing = src.get("licensing") or {}
    policy = policy_for(publication.agency)
    windows = {**{k.value if hasattr(k, "value") else k: v for k, v in DEFAULT_WINDOWS.items()}}
    windows.update({k: int(v) for k, v in (policy.windows or {}).items() if str(v).isdigit()})
    days = windows.get(publication.category, 730)
    if publication.category == ActType.PENALTY:
        kinds = set(penalty.get("kinds") or [])
        fine = _money(penalty.get("fine")) or Decimal(0)
        low = policy.low_fine_threshold or Decimal(0)
        only_light = kinds and kinds <= {
            PenaltyKind.CRITICISM,
            PenaltyKind.FINE,
            PenaltyKind.WARNING,
        }
        if only_light and (PenaltyKind.FINE not in kinds or (low and fine <= low)):
            days = min(days, SHORT_WINDOW_DAYS)
    end = on_date + dt.timedelta(days=days)
    if licensing.get("valid_to"):
        end = max(end, _as_date(licensing["valid_to"]))
    return end


@transaction.atomic
def update_policy(
    agency, actor, *, require_confirmation=None, windows=None, low_fine_threshold=None
):
    require_role(actor, Role.HEAD, Role.ADMIN, message=_("只有机关负责人可以修改公示规则。"))
    require_same_agency(actor, agency.pk)
    policy, _created = PublicationPolicy.objects.get_or_create(agency=agency)
    if require_confirmation is not None:
        policy.require_confirmation = bool(require_confirmation)
    if windows is not None:
        clean = {}
        for key, value in windows.items():
            if key not in ActType.values:
                raise DomainError(_("类别无效：%(k)s。") % {"k": key}, code=ErrorCode.BAD_CHOICE)
            try:
                days = int(value)
            except (TypeError, ValueError) as exc:
                raise DomainError(_("公示期限应为天数。"), code=ErrorCode.BAD_FORMAT) from exc
            if not 30 <= days <= 3650:
                raise DomainError(_("公示期限应在30日至3650日之间。"), code=ErrorCode.OUT_OF_RANGE)
            clean[key] = days
        policy.windows = clean
    if low_fine_threshold is not None:
        policy.low_fine_threshold = _money(low_fine_threshold) or Decimal(0)
    policy.updated_by = actor
    policy.save()
    append_event(
        EventType.PUBLICATION_POLICY_CHANGED,
        f"agency:{agency.pk}",
        {
            "require_confirmation": policy.require_confirmation,
            "windows": policy.windows,
            "low_fine_threshold": policy.low_fine_threshold,
        },
        actor,
    )
    return policy
