"""事前公开: the agency's public page content, versioned, public only after head approval.

``prepare_page(agency, actor, note="")`` assembles a snapshot of the agency's current
catalogues (powers with legal bases, service guides, random-inspection list, discretion
benchmarks, major-decision catalogue, remedies, contacts), its officers (name, certificate
number, fields, region, status — nothing private) and a flowchart per act type into a
draft ``PortalPage``. ``approve_page(page, actor)`` (agency head) makes it the public
version; the page shows when it last changed and what changed.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import ActType, CaseActType, EnforcementField
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event, canonical_sha256
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_role, require_same_agency

from . import flowchart
from .models import PageStatus, PortalPage

SECTION_ORDER = [
    ("powers", _("执法事项清单（权责清单）")),
    ("guides", _("执法服务指南")),
    ("inspection", _("随机抽查事项清单")),
    ("discretion", _("行政裁量基准")),
    ("major", _("重大执法决定法制审核目录")),
    ("recording", _("音像记录事项清单")),
    ("remedies", _("救济渠道")),
    ("contacts", _("联系方式")),
]


def _field_labels(codes):
    out = []
    for c in codes or []:
        try:
            out.append(str(EnforcementField(c).label))
        except ValueError:
            out.append(str(c))
    return out


def _catalog_sections(agency) -> dict:
    from sanxiang.catalog.columns import (
        COLUMNS,
        DISCRETION_BENCHMARK_COLUMNS,
        DISCRETION_TIER_COLUMNS,
    )
    from sanxiang.catalog.models import CatalogKind
    from sanxiang.catalog.services import current_version, version_items

    sections = {}
    for kind, title in SECTION_ORDER:
        version = current_version(agency, kind)
        if version is None:
            continue
        items = list(version_items(version))
        if kind == CatalogKind.DISCRETION:
            columns = DISCRETION_BENCHMARK_COLUMNS[:4] + [
                c for c in DISCRETION_TIER_COLUMNS if c.attr in ("name", "conditions", "standard")
            ]
            rows = []
            for item in items:
                tiers = list(item.tiers.order_by("order", "id")) or [None]
                for tier in tiers:
                    row = [
                        c.format(getattr(item, c.attr)) for c in DISCRETION_BENCHMARK_COLUMNS[:4]
                    ]
                    row += [c.format(getattr(tier, c.attr)) if tier else "" for c in columns[4:]]
                    rows.append(row)
        else:
            columns = [c for c in COLUMNS[kind] if c.attr not in ("legal_refs",)]
            rows = [[c.format(getattr(item, c.attr)) for c in columns] for item in items]
        sections[kind] = {
            "title": str(title),
            "version": version.number,
            "effective_from": version.effective_from.isoformat() if version.effective_from else "",
            "columns": [c.header for c in columns],
            "rows": rows,
        }
    return sections


# Statutory remedies shown when the agency has not published a remedies catalogue.
DEFAULT_REMEDIES = {
    "title": "救济渠道（法定）",
    "version": 0,
    "effective_from": "",
    "columns": ["救济方式", "受理机关", "期限", "法律依据"],
    "rows": [
        [
            "行政复议",
            "作出行政行为的行政机关所属的本级人民政府（或法律规定的复议机关）",
            "自知道或者应当知道该行政行为之日起60日",
            "《中华人民共和国行政复议法》第二十条",
        ],
        [
            "行政诉讼",
            "有管辖权的人民法院",
            "自知道或者应当知道作出行政行为之日起6个月",
            "《中华人民共和国行政诉讼法》第四十六条",
        ],
    ],
}


def _officers(agency) -> list[dict]:
    from sanxiang.org.models import Certificate
    from sanxiang.org.services import certificate_public_status

    out = []
    certs = (
        Certificate.objects.filter(officer__agency=agency, officer__is_active=True)
        .select_related("officer")
        .order_by("officer__name", "number")
    )
    for cert in certs:
        code, label = certificate_public_status(cert)
        out.append(
            {
                "name": cert.officer.name,
                "number": cert.number,
                "fields": _field_labels(cert.fields),
                "region": cert.region,
                "status": code,
                "status_label": str(label),
                "expires_on": cert.expires_on.isoformat(),
            }
        )
    return out


def _flowcharts(sections) -> dict:
    categories = set()
    power_rows = (sections.get("powers") or {}).get("rows") or []
    labels = {str(label): value for value, label in ActType.choices}
    for row in power_rows:
        if len(row) > 2 and row[2] in labels:
            categories.add(labels[row[2]])
    out = {}
    for act_type in CaseActType.values:
        if categories and str(CaseActType.category(act_type)) not in categories:
            continue
        out[act_type] = {"label": str(CaseActType(act_type).label), "svg": flowchart.svg(act_type)}
    return out


def build_content(agency) -> dict:
    sections = _catalog_sections(agency)
    if "remedies" not in sections:
        sections["remedies"] = DEFAULT_REMEDIES
    return {
        "agency": {
            "id": agency.pk,
            "name": agency.name,
            "short_name": agency.short_name,
            "usci": agency.usci,
            "level": str(agency.get_level_display()),
            "region": agency.region,
            "fields": _field_labels(agency.fields),
            "address": agency.address,
            "phone": agency.phone,
            "email": agency.email,
            "complaint_channel": agency.complaint_channel,
            "office_hours": agency.office_hours,
        },
        "sections": sections,
        "officers": _officers(agency),
        "flowcharts": _flowcharts(sections),
    }


def _hash(content) -> str:
    return canonical_sha256(content)


def _changes(old, new) -> list[str]:
    if old is None:
        return [str(_("首次公开"))]
    changed = []
    if old.get("agency") != new.get("agency"):
        changed.append(str(_("机关信息")))
    titles = dict((k, str(t)) for k, t in SECTION_ORDER)
    for kind in titles:
        if (old.get("sections") or {}).get(kind) != (new.get("sections") or {}).get(kind):
            changed.append(titles[kind])
    if old.get("officers") != new.get("officers"):
        changed.append(str(_("执法人员清单")))
    if old.get("flowcharts") != new.get("flowcharts"):
        changed.append(str(_("执法流程图")))
    return changed


def approved_page(agency_id):
    return (
        PortalPage.objects.filter(agency_id=agency_id, status=PageStatus.APPROVED)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def prepare_page(agency, actor, note="") -> PortalPage:
    require_role(
        actor,
        Role.HANDLER,
        Role.REVIEWER,
        Role.HEAD,
        Role.ADMIN,
        message=_("您无权编制公开内容。"),
    )
    require_same_agency(actor, agency.pk, message=_("您只能编制本机关的公开内容。"))
    PortalPage.objects.select_for_update().filter(agency=agency).exists()
    content = build_content(agency)
    current = approved_page(agency.pk)
    digest = _hash(content)
    if current is not None and current.content_sha256 == digest:
        raise DomainError(_("公开内容与现行版本相同，无需重新审定。"), code=ErrorCode.CONFLICT)
    PortalPage.objects.filter(agency=agency, status=PageStatus.DRAFT).update(
        status=PageStatus.REJECTED, note=str(_("被新的待审定版本取代"))
    )
    last = PortalPage.objects.filter(agency=agency).order_by("-version").first()
    return PortalPage.objects.create(
        agency=agency,
        version=(last.version + 1) if last else 1,
        content=content,
        content_sha256=digest,
        changes=_changes(current.content if current else None, content),
        prepared_by=actor if getattr(actor, "pk", None) else None,
        note=(note or "")[:500],
    )


@transaction.atomic
def approve_page(page, actor) -> PortalPage:
    page = PortalPage.objects.select_for_update().select_related("agency").get(pk=page.pk)
    require_role(actor, Role.HEAD, Role.ADMIN, message=_("公开内容须经机关负责人审定。"))
    require_same_agency(actor, page.agency_id, message=_("您只能审定本机关的公开内容。"))
    if page.status != PageStatus.DRAFT:
        raise DomainError(_("该版本不在待审定状态。"), code=ErrorCode.ILLEGAL_TRANSITION)
    page.status = PageStatus.APPROVED
    page.approved_by = actor
    page.approved_by_name = getattr(actor, "display_name", "") or ""
    page.approved_at = clock.now()
    leaf = append_event(
        EventType.PUBLICATION_CONTENT_APPROVED,
        f"agency:{page.agency_id}",
        {
            "page": page.pk,
            "version": page.version,
            "sha256": page.content_sha256,
            "changes": page.changes,
        },
        actor,
    )
    page.ledger_index = getattr(leaf, "index", None)
    page.save()
    cache.delete("gs:agency-choices")
    transaction.on_commit(lambda: cache.delete("gs:agency-choices"))
    return page


@transaction.atomic
def reject_page(page, actor, note) -> PortalPage:
    page = PortalPage.objects.select_for_update().get(pk=page.pk)
    require_role(actor, Role.HEAD, Role.ADMIN, message=_("只有机关负责人可以退回公开内容。"))
    require_same_agency(actor, page.agency_id)
    if page.status != PageStatus.DRAFT:
        raise DomainError(_("该版本不在待审定状态。"), code=ErrorCode.ILLEGAL_TRANSITION)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("请填写退回理由。"), code=ErrorCode.REASON_REQUIRED)
    page.status = PageStatus.REJECTED
    page.note = note[:500]
    page.save()
    return page
