"""Catalogue services: versions (draft → published), lookups by date, A/V requirements.

Rules:
* items belong to a version; a published version is immutable (new draft = copy of current);
* publishing sets the effective dates, closes the previous published version and appends
  ``CATALOG_VERSION_PUBLISHED`` with the SHA-256 of the canonical JSON of the items;
* lookups take a date, so a decision records the version that applied on its date.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import CaseActType
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event, canonical_sha256
from sanxiang.org.models import AgencyKind, Role
from sanxiang.org.permissions import require_role, require_same_agency

from .columns import COLUMNS, DISCRETION_BENCHMARK_COLUMNS, DISCRETION_TIER_COLUMNS
from .models import (
    ITEM_MODELS,
    CatalogKind,
    CatalogVersion,
    DiscretionTier,
    RecordingRequirement,
    VersionStatus,
)

EDITOR_ROLES = (Role.HEAD, Role.REVIEWER, Role.ADMIN)


# --------------------------------------------------------------------------- permissions


def _is_supervisor_agency(agency):
    return agency.kind == AgencyKind.SUPERVISOR


def can_edit(user, agency):
    """May ``user`` create/import drafts of ``agency``'s catalogues?"""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser and user.agency_id is None:
        return True
    if user.agency_id != agency.pk:
        return False
    roles = EDITOR_ROLES + ((Role.SUPERVISOR,) if _is_supervisor_agency(agency) else ())
    return user.role in roles


def can_publish(user, agency):
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser and user.agency_id is None:
        return True
    if user.agency_id != agency.pk:
        return False
    roles = (Role.HEAD, Role.ADMIN) + ((Role.SUPERVISOR,) if _is_supervisor_agency(agency) else ())
    return user.role in roles


def require_edit(user, agency):
    roles = EDITOR_ROLES + ((Role.SUPERVISOR,) if _is_supervisor_agency(agency) else ())
    require_role(user, *roles, message=_("只有机关负责人、法制审核人员或管理员可以编辑目录清单。"))
    require_same_agency(user, agency.pk, message=_("您只能编辑本机关的目录清单。"))


def require_publish(user, agency):
    roles = (Role.HEAD, Role.ADMIN) + ((Role.SUPERVISOR,) if _is_supervisor_agency(agency) else ())
    require_role(user, *roles, message=_("只有机关负责人或管理员可以发布目录清单。"))
    require_same_agency(user, agency.pk, message=_("您只能发布本机关的目录清单。"))


def require_draft(version):
    if version.status != VersionStatus.DRAFT:
        raise DomainError(
            _("已发布的目录版本不可修改，请基于当前版本新建草稿。"), ErrorCode.IMMUTABLE
        )


# --------------------------------------------------------------------------- content


def _jsonable(value):
    if isinstance(value, Decimal):
        from .columns import format_decimal

        return format_decimal(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def item_data(kind, item):
    """Canonical dict of an item (the columns of its kind), used for hashing and copying."""
    if kind == CatalogKind.DISCRETION:
        data = {c.attr: _jsonable(getattr(item, c.attr)) for c in DISCRETION_BENCHMARK_COLUMNS}
        data["tiers"] = [
            {c.attr: _jsonable(getattr(t, c.attr)) for c in DISCRETION_TIER_COLUMNS}
            for t in item.tiers.order_by("order", "id")
        ]
        return data
    return {c.attr: _jsonable(getattr(item, c.attr)) for c in COLUMNS[kind]}


def version_items(version):
    """The items of a version (a queryset of the kind's model)."""
    model = ITEM_MODELS[version.kind]
    qs = model.objects.filter(version=version).select_related("version")
    if version.kind == CatalogKind.DISCRETION:
        qs = qs.prefetch_related("tiers")
    return qs.order_by("code", "id")


def canonical_content(version):
    items = [item_data(version.kind, i) for i in version_items(version)]
    return {"agency": version.agency_id, "kind": version.kind, "items": items}


def content_hash(version):
    return canonical_sha256(canonical_content(version))


# --------------------------------------------------------------------------- versions


def _next_number(agency, kind):
    last = CatalogVersion.objects.filter(agency=agency, kind=kind).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def _new_version(agency, kind, actor, note="", source="", based_on=None):
    return CatalogVersion.objects.create(
        agency=agency,
        kind=kind,
        number=_next_number(agency, kind),
        note=note[:500],
        source=source[:255],
        based_on=based_on,
        created_by=actor if actor is not None and actor.pk else None,
    )


def create_items(version, kind, rows):
    """Create the items of ``rows`` (dicts as produced by ``item_data``) in a draft version."""
    require_draft(version)
    model = ITEM_MODELS[kind]
    for row in rows:
        row = dict(row)
        tiers = row.pop("tiers", None)
        item = model(version=version, agency_id=version.agency_id, **row)
        item.save()
        for tier in tiers or []:
            DiscretionTier(benchmark=item, **tier).save()
    return version


@transaction.atomic
def create_draft(agency, kind, actor, *, note="", copy_current=True):
    """A new draft; by default a copy of the current (or latest) published version."""
    if kind not in CatalogKind.values:
        raise DomainError(_("未知的目录类别：%(k)s。") % {"k": kind}, code=ErrorCode.BAD_CHOICE)
    require_edit(actor, agency)
    base = None
    if copy_current:
        base = current_version(agency, kind) or (
            CatalogVersion.objects.filter(agency=agency, kind=kind, status=VersionStatus.PUBLISHED)
            .order_by("-number")
            .first()
        )
    version = _new_version(
        agency,
        kind,
        actor,
        note=note or (_("基于第%(n)s版修订") % {"n": base.number} if base else ""),
        based_on=base,
    )
    if base is not None:
        rows = [item_data(kind, i) for i in version_items(base)]
        for row in rows:
            for key in ("fine_min", "fine_max", "amount"):
                if row.get(key) is not None:
                    row[key] = Decimal(row[key])
            for tier in row.get("tiers", []):
                for key in ("fine_min", "fine_max"):
                    if tier.get(key) is not None:
                        tier[key] = Decimal(tier[key])
        create_items(version, kind, rows)
    return version


@transaction.atomic
def delete_draft(version, actor):
    version = CatalogVersion.objects.select_for_update().get(pk=version.pk)
    require_edit(actor, version.agency)
    require_draft(version)
    model = ITEM_MODELS[version.kind]
    if version.kind == CatalogKind.DISCRETION:
        DiscretionTier.objects.filter(benchmark__version=version).delete()
    model.objects.filter(version=version).delete()
    CatalogVersion.objects.filter(based_on=version).update(based_on=None)
    version.delete()


@transaction.atomic
def publish_version(version, actor, *, effective_from=None, note=None):
    """Publish a draft: effective from ``effective_from`` (default today)."""
    version = CatalogVersion.objects.select_for_update().get(pk=version.pk)
    require_publish(actor, version.agency)
    require_draft(version)
    model = ITEM_MODELS[version.kind]
    if not model.objects.filter(version=version).exists():
        raise DomainError(_("该版本没有任何条目，不能发布。"), code=ErrorCode.MISSING_MATERIAL)
    effective_from = effective_from or clock.today()
    previous = (
        CatalogVersion.objects.select_for_update()
        .filter(agency=version.agency, kind=version.kind, status=VersionStatus.PUBLISHED)
        .order_by("-effective_from", "-number")
        .first()
    )
    if previous is not None:
        if effective_from <= previous.effective_from:
            raise DomainError(
                _("生效日期必须晚于现行第%(n)s版的生效日期（%(d)s）。")
                % {"n": previous.number, "d": previous.effective_from.isoformat()},
                code=ErrorCode.BAD_DATE,
            )
        previous.effective_to = effective_from - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to"])
    version.status = VersionStatus.PUBLISHED
    version.effective_from = effective_from
    version.effective_to = None
    version.published_by = actor if actor is not None and actor.pk else None
    version.published_at = clock.now()
    if note is not None:
        version.note = note[:500]
    version.content_hash = content_hash(version)
    version.save()
    append_event(
        EventType.CATALOG_VERSION_PUBLISHED,
        f"catalog_version:{version.pk}",
        {
            "agency": version.agency_id,
            "kind": version.kind,
            "number": version.number,
            "effective_from": effective_from.isoformat(),
            "items": model.objects.filter(version=version).count(),
            "content_hash": version.content_hash,
            "previous": previous.pk if previous else None,
            "previous_effective_to": previous.effective_to.isoformat() if previous else None,
        },
        actor,
    )
    return version


def current_version(agency, kind, on_date=None):
    """The published version of ``agency``'s ``kind`` catalogue in force on ``on_date``."""
    on_date = on_date or clock.today()
    return (
        CatalogVersion.objects.filter(
            agency=agency,
            kind=kind,
            status=VersionStatus.PUBLISHED,
            effective_from__lte=on_date,
        )
        .exclude(effective_to__lt=on_date)
        .order_by("-effective_from", "-number")
        .first()
    )


def applicable_versions(agency, kind, on_date=None):
    """Current versions of the agency and of its ancestors (own first, then upwards)."""
    versions = []
    chain = sorted(agency.ancestors(), key=lambda a: -len(a.path)) if agency.path else [agency]
    for node in chain:
        version = current_version(node, kind, on_date)
        if version is not None:
            versions.append(version)
    return versions


def current_items(agency, kind, on_date=None):
    version = current_version(agency, kind, on_date)
    model = ITEM_MODELS[kind]
    if version is None:
        return model.objects.none()
    return model.objects.filter(version=version).select_related("version")


def current_powers(agency, on_date=None):
    """Queryset of the agency's Power items in force on ``on_date`` (each knows its version)."""
    return current_items(agency, CatalogKind.POWERS, on_date).order_by("code")


def find_power(agency, code, on_date=None):
    return current_powers(agency, on_date).filter(code=code).first()


# --------------------------------------------------------------------------- recording


def _case_act_type_matches(required, case_act_type):
    if not required:
        return True
    if required == case_act_type:
        return True
    return False


def recording_requirements(agency, case_act_type, on_date=None):
    """A/V requirements for ``case_act_type`` (own list first, then region-wide lists)."""
    if case_act_type and case_act_type not in CaseActType.values:
        raise DomainError(
            _("未知的执法行为类别：%(t)s。") % {"t": case_act_type}, code=ErrorCode.BAD_CHOICE
        )
    result = []
    seen = set()
    for version in applicable_versions(agency, CatalogKind.RECORDING, on_date):
        for req in RecordingRequirement.objects.filter(version=version).select_related("version"):
            if (
                _case_act_type_matches(req.case_act_type, case_act_type)
                and req.activity not in seen
            ):
                seen.add(req.activity)
                result.append(req)
    return result


def recording_required(agency, case_act_type, activity, on_date=None):
    """The RecordingRequirement that makes ``activity`` mandatory to film, or None."""
    for req in recording_requirements(agency, case_act_type, on_date):
        if req.activity == activity:
            return req
    return None


# --------------------------------------------------------------------------- visibility


def visible_versions(user):
    """Versions ``user`` may see: its visible agencies' (drafts included) and the published
    catalogues of its agency's ancestors (region-wide catalogues apply to it)."""
    from django.db.models import Q

    from sanxiang.org.scoping import scope

    qs = scope(CatalogVersion.objects.all(), user)
    if user is not None and user.is_authenticated and user.agency_id:
        ancestor_ids = [int(x) for x in user.agency.path.strip("/").split("/") if x]
        qs = CatalogVersion.objects.filter(
            Q(pk__in=qs.values("pk"))
            | Q(agency_id__in=ancestor_ids, status=VersionStatus.PUBLISHED)
        )
    return qs.select_related("agency", "published_by", "created_by")


def current_versions_for(user, kind, on_date=None, agency=None):
    """The versions in force on ``on_date`` for the agencies the user sees (or one agency)."""
    from sanxiang.org.scoping import visible_agencies

    if agency is not None:
        agencies = [agency]
    else:
        agencies = list(visible_agencies(user))
        if user.agency_id and user.agency not in agencies:
            agencies.append(user.agency)
    ids = set()
    for a in agencies:
        for version in applicable_versions(a, kind, on_date):
            ids.add(version.pk)
    return CatalogVersion.objects.filter(pk__in=ids)
