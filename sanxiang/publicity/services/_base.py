"""Helpers shared by the publicity services: input cleaning (dates, money, parties), the
JSON form of a snapshot's fields, the agency-head check, the row lock and the page cache."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import PartyType
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_role, require_same_agency

from .. import page_cache
from ..models import Publication

CACHE_PREFIX = "gs:jd:"


def _as_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise DomainError(
            _("日期格式无效：%(v)s。") % {"v": value}, code=ErrorCode.BAD_FORMAT
        ) from exc


def _money(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise DomainError(_("金额无效：%(v)s。") % {"v": value}, code=ErrorCode.BAD_FORMAT) from exc


def to_wan(value) -> str:
    """Yuan → 万元 as the 双公示 layout wants (up to 6 decimals, no trailing zeros)."""
    amount = _money(value)
    if amount is None:
        return ""
    wan = (amount / Decimal(10000)).quantize(Decimal("0.000001"))
    text = format(wan.normalize(), "f")
    return text


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return str(obj)
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    return str(obj)


def _clean_parties(parties):
    out = []
    for p in parties or ():
        if hasattr(p, "party_type"):
            p = {
                "party_type": p.party_type,
                "name": p.name,
                "id_number": getattr(p, "id_number", ""),
                "usci": getattr(p, "usci", ""),
                "legal_representative": getattr(p, "legal_representative", ""),
                "address": getattr(p, "address", ""),
                "phone": getattr(p, "phone", ""),
            }
        ptype = p.get("party_type") or ""
        if ptype not in PartyType.values:
            raise DomainError(
                _("当事人类别无效：%(t)s。") % {"t": ptype}, code=ErrorCode.BAD_CHOICE
            )
        out.append(
            {
                "party_type": ptype,
                "name": (p.get("name") or "").strip(),
                "id_number": (p.get("id_number") or "").strip(),
                "usci": (p.get("usci") or "").strip().upper(),
                "legal_representative": (p.get("legal_representative") or "").strip(),
                "address": (p.get("address") or "").strip(),
                "phone": (p.get("phone") or "").strip(),
            }
        )
    return out


def _require_head(publication, actor, what):
    require_role(actor, Role.HEAD, Role.ADMIN, message=_("只有机关负责人可以%(w)s。") % {"w": what})
    require_same_agency(actor, publication.agency_id)


def _lock(publication) -> Publication:
    return Publication.objects.select_for_update().select_related("agency").get(pk=publication.pk)


def invalidate_page(publication_id) -> None:
    """Drop the cached public page and every cached search page (now and again after the
    commit, so a reader between the two cannot re-cache the old state for long)."""
    key = f"{CACHE_PREFIX}{publication_id}"
    cache.delete(key)
    page_cache.new_search_generation()

    def after_commit():
        cache.delete(key)
        page_cache.new_search_generation()

    transaction.on_commit(after_commit)
