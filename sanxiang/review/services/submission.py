"""Review services: submission."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.ledger.events import EventType
from sanxiang.ledger.personal import digest
from sanxiang.ledger.services import append_event
from sanxiang.notifications import events as notify_events

from ..models import (
    OPEN_STATUSES,
    DiscussionConclusion,
    MaterialKind,
    OpinionKind,
    Review,
    ReviewMaterial,
    ReviewStatus,
)
from ._base import (
    _is_penalty,
    _lock,
    _money,
    _name,
    _require_case_active,
    _require_handling_unit,
    draft_hash,
    proposed_penalty,
)
from .coverage import latest_scope

# --------------------------------------------------------------------------- submission


def required_material_kinds(case, assessment_held=False) -> list[str]:
    kinds = [
        MaterialKind.PROPOSAL,
        MaterialKind.CLOSURE_REPORT,
        MaterialKind.DRAFT_DECISION,
        MaterialKind.BASIS_EVIDENCE,
    ]
    if case.hearing_held:
        kinds.append(MaterialKind.HEARING_TRANSCRIPT)
    if assessment_held:
        kinds.append(MaterialKind.ASSESSMENT_REPORT)
    return [str(k) for k in kinds]


def material_checklist(case, materials, assessment_held=False) -> list[dict]:
    """[{kind, label, required, present}] for the given material dicts (the draft counts)."""
    present = {str(m.get("kind")) for m in materials or []} | {MaterialKind.DRAFT_DECISION}
    required = required_material_kinds(case, assessment_held)
    return [
        {
            "kind": k,
            "label": str(MaterialKind(k).label),
            "required": k in required,
            "present": k in present,
        }
        for k in MaterialKind.values
    ]


def _tier_applies(tier, agency) -> bool:
    version = tier.benchmark.version
    owner = version.agency
    return bool(version.is_published) and agency.path.startswith(owner.path)


def discretion_check(case, tier=None, base_amount=None) -> dict:
    """The proposed penalty against the discretion tier (records the benchmark version)."""
    if not _is_penalty(case):
        return {
            "applicable": False,
            "checked": False,
            "within": None,
            "reason": _("非行政处罚决定，不适用裁量基准核对。"),
        }
    if tier is None:
        return {
            "applicable": True,
            "checked": False,
            "within": None,
            "reason": _("未选择适用的裁量基准档次，须书面说明理由。"),
        }
    from sanxiang.catalog.discretion import check_penalty

    if not _tier_applies(tier, case.agency):
        raise DomainError(
            _("所选裁量档次不属于本机关适用的已发布裁量基准。"), code=ErrorCode.NOT_IN_SCOPE
        )
    check = check_penalty(
        tier,
        fine=case.proposed_fine,
        base_amount=base_amount,
        penalty_kinds=case.proposed_penalty_kinds or [],
    )
    bench = tier.benchmark
    return {
        "applicable": True,
        "checked": True,
        "within": bool(check.within),
        "reason": str(check.reason),
        "minimum": _money(check.minimum),
        "maximum": _money(check.maximum),
        "fine": _money(case.proposed_fine),
        "base_amount": _money(base_amount),
        "tier": {"id": tier.pk, "name": tier.name, "standard": tier.standard},
        "benchmark": {"id": bench.pk, "code": bench.code, "violation": bench.violation[:200]},
        "version": bench.version.ref,
    }


def _store_material(review, item):
    kind = str(item.get("kind") or "")
    if kind not in MaterialKind.values:
        raise DomainError(_("未知的送审材料类别：%(k)s。") % {"k": kind}, code=ErrorCode.BAD_CHOICE)
    title = (item.get("title") or "").strip() or str(MaterialKind(kind).label)
    upload = item.get("file")
    document = item.get("document")
    reference = (item.get("reference") or "").strip()
    if upload is None and document is None and not reference:
        raise DomainError(
            _("送审材料“%(t)s”须上传文件、选择案卷文书或注明案卷内的位置。") % {"t": title},
            code=ErrorCode.MISSING_MATERIAL,
        )
    if document is not None and document.case_id != review.case_id:
        raise DomainError(
            _("送审材料“%(t)s”引用的文书不属于本案件。") % {"t": title}, code=ErrorCode.NOT_IN_SCOPE
        )
    material = ReviewMaterial(
        review=review,
        kind=kind,
        title=title[:200],
        document=document,
        reference=reference[:300],
        note=(item.get("note") or "").strip()[:500],
    )
    if upload is not None:
        if isinstance(upload, tuple):
            name, data = upload
        else:
            name, data = getattr(upload, "name", "material.bin"), upload.read()
        if not data:
            raise DomainError(
                _("送审材料“%(t)s”的文件为空。") % {"t": title}, code=ErrorCode.BAD_FILE
            )
        material.sha256 = hashlib.sha256(data).hexdigest()
        material.file.save(name.rsplit("/", 1)[-1][:100], ContentFile(data), save=False)
    material.save()
    return material


def latest_review(case):
    return Review.objects.filter(case=case).order_by("-version").first()


@transaction.atomic
def submit_for_review(
    case,
    document,
    *,
    proposal,
    materials,
    actor,
    justification="",
    tier=None,
    base_amount=None,
    assessment_held=False,
) -> Review:
    """送审: the draft decision with the required materials and the discretion check."""
    _require_handling_unit(case, actor)
    _require_case_active(case, _("提交法制审核"))
    if document is None or document.case_id != case.pk:
        raise DomainError(_("请选择本案的决定书代拟稿。"), code=ErrorCode.MISSING_MATERIAL)
    # what is reviewed is the stored draft, not a possibly stale object in memory
    document = type(document).objects.select_for_update().get(pk=document.pk)
    if not document.is_draft:
        raise DomainError(_("只能对尚未签发的决定书代拟稿提交审核。"), ErrorCode.ILLEGAL_TRANSITION)
    if not document.spec.decision:
        raise DomainError(
            _("所选文书不是决定类文书，不能作为决定书代拟稿送审。"), code=ErrorCode.MISSING_MATERIAL
        )
    scope = latest_scope(case)
    if scope is None:
        raise DomainError(_("请先完成法制审核范围评估，再提交审核。"), ErrorCode.ILLEGAL_TRANSITION)
    previous = latest_review(case)
    current_hash = draft_hash(document)
    if previous is not None:
        if previous.status in OPEN_STATUSES or previous.status == ReviewStatus.DISPUTED:
            raise DomainError(
                _("本案已有尚未办结的法制审核（第%(v)d次送审，%(s)s），不能重复送审。")
                % {"v": previous.version, "s": previous.get_status_display()},
                ErrorCode.CONFLICT,
            )
        if previous.outcome == OpinionKind.AGREE and previous.draft_hash == current_hash:
            raise DomainError(_("该代拟稿已经法制审核同意，无须重复送审。"), ErrorCode.CONFLICT)
        if previous.outcome in (OpinionKind.REFUSE, OpinionKind.TRANSFER):
            settled = getattr(previous, "dispute", None)
            discussion = getattr(settled, "discussion", None) if settled else None
            if discussion is None or discussion.conclusion != DiscussionConclusion.OVERRULE:
                raise DomainError(
                    _(
                        "法制审核意见为“%(k)s”，不得再次送审；如有异议，应提出异议，"
                        "由机关负责人经集体讨论决定。"
                    )
                    % {"k": previous.get_outcome_display()},
                    ErrorCode.ILLEGAL_TRANSITION,
                )
    proposal = (proposal or "").strip()
    materials = list(materials or [])
    checklist = material_checklist(case, materials, assessment_held)
    missing = [c["label"] for c in checklist if c["required"] and not c["present"]]
    if not proposal:
        missing.insert(0, str(_("送审说明（拟作出决定的建议）")))
    if missing:
        raise DomainError(
            _("送审材料不齐全，缺少：%(m)s。") % {"m": "、".join(missing)},
            details=missing,
            code=ErrorCode.MISSING_MATERIAL,
        )
    discretion = discretion_check(case, tier, base_amount)
    # discretion consistency (tier + comparable decisions): a flagged proposal needs the
    # reason written in the discretion app first; the check and the reason go with the review
    from sanxiang.discretion.services import require_for_submission

    consistency = require_for_submission(case, tier, base_amount, actor)
    if consistency is not None:
        discretion["consistency"] = consistency
    out_of_range = bool(discretion["applicable"]) and not discretion.get("within")
    justification = (justification or "").strip()
    if out_of_range and not justification and consistency and consistency["reason"]:
        justification = consistency["reason"]
    if out_of_range and not justification:
        raise DomainError(
            _("拟作出的处罚%(r)s须书面说明理由后才能送审。")
            % {"r": _("超出裁量基准幅度") if discretion["checked"] else _("未对照裁量基准")},
            details=[discretion["reason"]],
            code=ErrorCode.REASON_REQUIRED,
        )
    review = Review.objects.create(
        case=case,
        agency_id=case.agency_id,
        version=(previous.version + 1) if previous else 1,
        previous=previous,
        scope=scope,
        document=document,
        draft_hash=current_hash,
        draft_snapshot={"title": document.title, "content": document.content or {}},
        proposal=proposal,
        proposed_penalty=proposed_penalty(case),
        assessment_held=bool(assessment_held),
        discretion=discretion,
        discretion_out_of_range=out_of_range,
        justification=justification,
        submitted_by=actor,
        submitted_by_name=_name(actor),
    )
    ReviewMaterial.objects.create(
        review=review,
        kind=MaterialKind.DRAFT_DECISION,
        title=document.title,
        document=document,
        reference=_("代拟稿内容哈希 %(h)s") % {"h": current_hash[:16]},
    )
    for item in materials:
        _store_material(review, item)
    append_event(
        EventType.REVIEW_SUBMITTED,
        case,
        {
            "review": review.pk,
            "version": review.version,
            "document": document.pk,
            "draft_hash": current_hash,
            "materials": sorted({str(m.get("kind")) for m in materials}),
            "discretion_within": discretion.get("within"),
            "out_of_range": out_of_range,
            "version_ref": discretion.get("version"),
        },
        actor,
    )
    notify_events.review_submitted(review, actor)
    return review


@transaction.atomic
def withdraw(review, actor, *, reason) -> Review:
    """The handling unit withdraws a submission not yet accepted by the reviewer."""
    review = _lock(review)
    _require_handling_unit(review.case, actor)
    if review.status not in (ReviewStatus.SUBMITTED, ReviewStatus.ASSIGNED):
        raise DomainError(_("审核人员已受理或已出具意见，不能撤回。"), ErrorCode.ILLEGAL_TRANSITION)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("撤回须说明理由。"), code=ErrorCode.REASON_REQUIRED)
    review.status = ReviewStatus.WITHDRAWN
    review.save()
    append_event(
        EventType.REVIEW_WITHDRAWN, review, {"review": review.pk, "reason": digest(reason)}, actor
    )
    return review
