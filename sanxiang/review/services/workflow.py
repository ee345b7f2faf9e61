"""Review services: reviewers, clock, findings / opinion, dispute, transfer / refusal.

Every leaf commits to the text a person typed (reasons, notes, the participants of a
collective discussion, the transfer's authority and materials) by ``personal.digest``
only (issue #11 item 4); the rows keep the text."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger.events import EventType
from sanxiang.ledger.personal import digest
from sanxiang.ledger.services import append_event
from sanxiang.notifications import events as notify_events
from sanxiang.org.models import Role, User
from sanxiang.workdays import calendar, deadlines

from .. import signing
from ..models import (
    OPEN_STATUSES,
    CheckPoint,
    DeadlineExtension,
    DiscussionConclusion,
    Dispute,
    DisputeDiscussion,
    ExtensionStatus,
    FindingResult,
    Opinion,
    OpinionKind,
    Review,
    ReviewAssignment,
    ReviewStatus,
    Transfer,
)
from ._base import (
    NEARING_WORKDAYS,
    REVIEW_WORKDAYS,
    _is_case_handler,
    _lock,
    _name,
    _require_agency,
    _require_handling_unit,
    draft_hash,
    workdays_between,
)

# --------------------------------------------------------------------------- reviewers


def open_workload(reviewer_ids) -> dict[int, int]:
    rows = (
        Review.objects.filter(reviewer_id__in=list(reviewer_ids), status__in=OPEN_STATUSES)
        .values("reviewer_id")
        .annotate(n=Count("id"))
    )
    return {r["reviewer_id"]: r["n"] for r in rows}


def reviewer_refusal(review_or_case, user):
    """Why ``user`` may not review this case (None when eligible)."""
    case = getattr(review_or_case, "case", review_or_case)
    if user is None or not user.is_active:
        return _("审核人员账号无效。")
    if user.role != Role.REVIEWER:
        return _("%(u)s 不是法制审核人员。") % {"u": _name(user)}
    if user.agency_id != case.agency_id:
        return _("%(u)s 不是本机关的法制审核人员。") % {"u": _name(user)}
    if _is_case_handler(case, user):
        return _("%(u)s 是本案的办案人员，按照办、审分离的要求不能审核本案。") % {"u": _name(user)}
    submitted_by = getattr(review_or_case, "submitted_by_id", None)
    if submitted_by and submitted_by == user.pk:
        return _("%(u)s 是本案的送审人，不能审核本案。") % {"u": _name(user)}
    return None


def eligible_reviewers(review) -> list:
    """Eligible reviewers of the agency, least loaded first (``.open_reviews`` set)."""
    users = list(
        User.objects.filter(
            agency_id=review.agency_id, role=Role.REVIEWER, is_active=True
        ).order_by("id")
    )
    users = [u for u in users if reviewer_refusal(review, u) is None]
    load = open_workload(u.pk for u in users)
    for u in users:
        u.open_reviews = load.get(u.pk, 0)
    return sorted(users, key=lambda u: (u.open_reviews, u.pk))


def suggest_reviewer(review):
    users = eligible_reviewers(review)
    return users[0] if users else None


@transaction.atomic
def assign_reviewer(review, reviewer, actor, reason="") -> Review:
    """Assign (or reassign, with a reason) the review to an eligible legal reviewer."""
    review = _lock(review)
    _require_agency(actor, review, Role.HEAD, Role.REVIEWER)
    if review.status not in OPEN_STATUSES:
        raise DomainError(
            _("该审核已%(s)s，不能分配审核人员。") % {"s": review.get_status_display()},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    refusal = reviewer_refusal(review, reviewer)
    if refusal:
        raise DomainError(refusal, ErrorCode.PERMISSION_DENIED)
    reason = (reason or "").strip()
    previous = review.reviewer
    if previous is not None:
        if previous.pk == reviewer.pk:
            raise DomainError(
                _("该审核已由 %(u)s 承担。") % {"u": _name(reviewer)}, code=ErrorCode.WRONG_STATE
            )
        if not reason:
            raise DomainError(_("改派审核人员须说明理由。"), code=ErrorCode.REASON_REQUIRED)
    assignment = ReviewAssignment.objects.create(
        review=review,
        reviewer=reviewer,
        reviewer_name=_name(reviewer),
        previous_reviewer=previous,
        assigned_by=actor,
        assigned_by_name=_name(actor),
        reason=reason[:500],
    )
    review.reviewer = reviewer
    if review.status == ReviewStatus.SUBMITTED:
        review.status = ReviewStatus.ASSIGNED
    review.save()
    append_event(
        EventType.REVIEW_ASSIGNED,
        review,
        {
            "review": review.pk,
            "reviewer": reviewer.pk,
            "previous_reviewer": previous.pk if previous else None,
            "reason": digest(assignment.reason),  # the text as kept (#11.4)
        },
        actor,
    )
    notify_events.review_assigned(review, actor)
    return review


def _require_reviewer(review, actor):
    _require_agency(actor, review, Role.REVIEWER)
    if review.reviewer_id != actor.pk:
        raise PermissionDenied(_("该审核未分配给您。"))
    refusal = reviewer_refusal(review, actor)
    if refusal:
        raise PermissionDenied(refusal)


@transaction.atomic
def accept(review, actor, *, today=None) -> Review:
    """受理: starts the 10-working-day clock."""
    review = _lock(review)
    _require_reviewer(review, actor)
    if review.status != ReviewStatus.ASSIGNED:
        raise DomainError(
            _("该审核当前为“%(s)s”，不能受理。") % {"s": review.get_status_display()},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    today = today or clock.today()
    review.accepted_at = clock.now()
    review.accepted_on = today
    computed = calendar.deadline(today, REVIEW_WORKDAYS)
    review.deadline = computed.date
    review.status = ReviewStatus.IN_REVIEW
    review.save()
    deadlines.track("review.deadline", review, computed)
    append_event(
        EventType.REVIEW_ACCEPTED,
        review,
        {"review": review.pk, "accepted_on": today, "deadline": review.deadline},
        actor,
    )
    return review


# --------------------------------------------------------------------------- clock


@transaction.atomic
def request_extension(review, actor, *, new_deadline, reason, today=None) -> DeadlineExtension:
    review = _lock(review)
    _require_reviewer(review, actor)
    if review.status != ReviewStatus.IN_REVIEW:
        raise DomainError(_("只有审核中的事项可以申请延长期限。"), ErrorCode.ILLEGAL_TRANSITION)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("申请延长审核期限须说明理由。"), code=ErrorCode.REASON_REQUIRED)
    current = review.effective_deadline
    if new_deadline is None or new_deadline <= current:
        raise DomainError(
            _("延长后的期限须晚于当前期限（%(d)s）。") % {"d": current.isoformat()},
            ErrorCode.DEADLINE,
        )
    if review.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise DomainError(_("已有待审批的延期申请。"), ErrorCode.CONFLICT)
    ext = DeadlineExtension.objects.create(
        review=review,
        requested_by=actor,
        requested_by_name=_name(actor),
        reason=reason,
        current_deadline=current,
        new_deadline=new_deadline,
    )
    append_event(
        EventType.REVIEW_EXTENSION_REQUESTED,
        review,
        {
            "review": review.pk,
            "extension": ext.pk,
            "new_deadline": new_deadline,
            "reason": digest(reason),
        },
        actor,
    )
    return ext


@transaction.atomic
def decide_extension(extension, actor, *, approve, note="") -> DeadlineExtension:
    """The agency head approves or refuses an extension."""
    ext = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    review = _lock(ext.review)
    _require_agency(actor, review, Role.HEAD)
    if ext.status != ExtensionStatus.PENDING:
        raise DomainError(_("该延期申请已审批。"), ErrorCode.ILLEGAL_TRANSITION)
    if review.status != ReviewStatus.IN_REVIEW:
        raise DomainError(_("该审核已不在审核中。"), ErrorCode.ILLEGAL_TRANSITION)
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError(_("不予批准延期须说明理由。"), code=ErrorCode.REASON_REQUIRED)
    ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    ext.decided_by = actor
    ext.decided_by_name = _name(actor)
    ext.decided_at = clock.now()
    ext.decision_note = note[:500]
    ext.save()
    if approve:
        review.extended_deadline = ext.new_deadline
        review.save()
    append_event(
        EventType.REVIEW_EXTENDED if approve else EventType.REVIEW_EXTENSION_REJECTED,
        review,
        {
            "review": review.pk,
            "extension": ext.pk,
            "new_deadline": ext.new_deadline,
            "note": digest(ext.decision_note),  # the text as kept (#11.4)
        },
        actor,
    )
    return ext


def deadline_state(review, today=None):
    """(code, workdays_left): code in "", "nearing", "overdue"."""
    deadline = review.effective_deadline
    if deadline is None or review.status != ReviewStatus.IN_REVIEW:
        return "", None
    today = today or clock.today()
    left = workdays_between(today, deadline)
    if today > deadline:
        return "overdue", left
    if left <= NEARING_WORKDAYS:
        return "nearing", left
    return "", left


def deadline_flags(user, today=None) -> list[dict]:
    """Reviews nearing or past their deadline the user must see: a reviewer its own, the
    head its agency's, a supervisor its subtree's."""
    from sanxiang.org.scoping import scope

    qs = Review.objects.filter(status=ReviewStatus.IN_REVIEW).select_related("case", "reviewer")
    if user.role == Role.REVIEWER:
        qs = qs.filter(reviewer=user)
    elif user.role not in (Role.HEAD, Role.SUPERVISOR, Role.ADMIN) and not user.is_superuser:
        return []
    qs = scope(qs, user)
    flags = []
    for review in qs.order_by("deadline", "id")[:500]:
        code, left = deadline_state(review, today)
        if code:
            flags.append({"review": review, "state": code, "workdays_left": left})
    return flags


# --------------------------------------------------------------------------- findings / opinion


def _clean_findings(findings, complete=True) -> dict:
    findings = findings or {}
    unknown = set(findings) - set(CheckPoint.values)
    if unknown:
        raise DomainError(
            _("未知的审核要点：%(k)s。") % {"k": "、".join(sorted(unknown))},
            code=ErrorCode.BAD_CHOICE,
        )
    clean = {}
    missing = []
    for point in CheckPoint.values:
        item = findings.get(point)
        if item is None:
            if complete:
                missing.append(str(CheckPoint(point).label))
            continue
        if isinstance(item, str):
            item = {"result": item}
        result = item.get("result")
        if result not in FindingResult.values:
            if complete:
                missing.append(str(CheckPoint(point).label))
            continue
        clean[point] = {"result": result, "note": (item.get("note") or "").strip()}
        if result == FindingResult.PROBLEM and not clean[point]["note"]:
            raise DomainError(
                _("审核要点“%(p)s”存在问题，须写明具体问题。") % {"p": CheckPoint(point).label},
                code=ErrorCode.REQUIRED,
            )
    if missing:
        raise DomainError(
            _("审核要点未逐项填写：%(m)s。") % {"m": "、".join(missing)},
            details=missing,
            code=ErrorCode.MISSING_MATERIAL,
        )
    return clean


@transaction.atomic
def save_findings(review, findings, actor) -> Review:
    """Save the checklist while the review is in progress (not yet final)."""
    review = _lock(review)
    _require_reviewer(review, actor)
    if review.status != ReviewStatus.IN_REVIEW:
        raise DomainError(_("只有审核中的事项可以填写审核要点。"), ErrorCode.ILLEGAL_TRANSITION)
    review.draft_findings = _clean_findings(findings, complete=False)
    review.save()
    return review


def _check_consistency(kind, findings):
    problems = [p for p, f in findings.items() if f["result"] == FindingResult.PROBLEM]
    if kind == OpinionKind.AGREE and problems:
        raise DomainError(
            _("审核要点中存在问题，不能出具同意意见：%(p)s。")
            % {"p": "、".join(str(CheckPoint(p).label) for p in problems)},
            code=ErrorCode.INCONSISTENT,
        )
    if kind in (OpinionKind.CORRECT, OpinionKind.REFUSE) and not problems:
        raise DomainError(
            _("出具纠正或不予作出意见，须在审核要点中写明存在的问题。"), code=ErrorCode.REQUIRED
        )
    if (
        kind == OpinionKind.TRANSFER
        and findings[CheckPoint.CRIME]["result"] != FindingResult.PROBLEM
    ):
        raise DomainError(
            _("出具移送意见，须在“是否涉嫌犯罪”要点中写明涉嫌犯罪的事实。"), code=ErrorCode.REQUIRED
        )


def _opinion_content(review, kind, reasoning, findings, actor):
    case = review.case
    materials = "；".join(
        f"{m.get_kind_display()}：{m.title}" for m in review.materials.order_by("id")
    )
    items = "\n".join(
        f"{i}. {CheckPoint(p).label}：{FindingResult(f['result']).label}"
        + (f"（{f['note']}）" if f["note"] else "")
        for i, (p, f) in enumerate(findings.items(), 1)
    )
    return {
        "agency_name": case.agency.name,
        "case_number": case.number or "",
        "case_name": case.title,
        "submitted_materials": materials or "—",
        "review_items": items,
        "opinion": str(OpinionKind(kind).label),
        "reasoning": reasoning,
        "reviewer": _name(actor),
        "seal_name": case.agency.name,
    }


def _file_opinion_document(review, kind, reasoning, findings, actor):
    """The 法制审核意见书 issued into the case file through the documents app."""
    from sanxiang.documents import services as documents
    from sanxiang.documents.kinds import DocumentKind

    content = _opinion_content(review, kind, reasoning, findings, actor)
    doc = documents.create_draft(review.case, DocumentKind.REVIEW_OPINION, content, actor)
    return documents.issue_document(doc, actor)


def _read_file(fieldfile) -> bytes:
    fieldfile.open("rb")
    try:
        return fieldfile.read()
    finally:
        fieldfile.close()


@transaction.atomic
def give_opinion(review, actor, *, kind, reasoning, findings, now=None) -> Opinion:
    """The written, reasoned opinion with the 7-point checklist; the signed 意见书 PDF is
    issued into the case file."""
    review = _lock(review)
    _require_reviewer(review, actor)
    if review.status != ReviewStatus.IN_REVIEW:
        raise DomainError(
            _("该审核当前为“%(s)s”，不能出具意见（须先受理）。")
            % {"s": review.get_status_display()},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    if kind not in OpinionKind.values:
        raise DomainError(_("未知的审核意见：%(k)s。") % {"k": kind}, code=ErrorCode.BAD_CHOICE)
    reasoning = (reasoning or "").strip()
    if not reasoning:
        raise DomainError(_("审核意见须写明理由。"), code=ErrorCode.REASON_REQUIRED)
    findings = _clean_findings(findings, complete=True)
    _check_consistency(kind, findings)
    if kind == OpinionKind.AGREE and draft_hash(review.document) != review.draft_hash:
        raise DomainError(
            _(
                "决定书代拟稿在送审后已被修改，不能对修改后的内容出具同意意见；请出具纠正意见或由承办人重新送审。"
            ),
            ErrorCode.CONFLICT,
        )
    now = now or clock.now()
    doc = _file_opinion_document(review, kind, reasoning, findings, actor)
    pdf = _read_file(doc.pdf)
    sig = signing.sign_pdf(review.agency_id, pdf)
    deadline = review.effective_deadline
    opinion = Opinion.objects.create(
        review=review,
        kind=kind,
        reasoning=reasoning,
        draft_hash=review.draft_hash,
        given_by=actor,
        given_by_name=_name(actor),
        late=bool(deadline and timezone.localdate(now) > deadline),
        document=doc,
        pdf=doc.pdf.name,
        pdf_sha256=sig["sha256"],
        signature=sig["signature"],
        signature_alg=sig["algorithm"],
        public_key=sig["public_key"],
        key_fingerprint=sig["fingerprint"],
    )
    from ..models import ChecklistFinding

    ChecklistFinding.objects.bulk_create(
        [
            ChecklistFinding(opinion=opinion, point=p, result=f["result"], note=f["note"])
            for p, f in findings.items()
        ]
    )
    review.status = ReviewStatus.CONCLUDED
    review.outcome = kind
    review.concluded_at = now
    review.draft_findings = findings
    review.save()
    append_event(
        EventType.REVIEW_OPINION,
        review,
        {
            "review": review.pk,
            "opinion": opinion.pk,
            "kind": kind,
            "draft_hash": review.draft_hash,
            "document": doc.pk,
            "pdf_sha256": sig["sha256"],
            "signature": sig["signature"],
            "key_fingerprint": sig["fingerprint"],
            "late": opinion.late,
        },
        actor,
    )
    notify_events.opinion_given(review, actor)
    return opinion


def verify_opinion(opinion) -> bool:
    """Does the stored PDF still match its SHA-256 and the agency's detached signature?"""
    if not opinion.pdf:
        return False
    pdf = _read_file(opinion.pdf)
    if hashlib.sha256(pdf).hexdigest() != opinion.pdf_sha256:
        return False
    return signing.verify_pdf(pdf, opinion.signature, opinion.public_key)


# --------------------------------------------------------------------------- dispute


@transaction.atomic
def dispute_opinion(review, actor, *, reason) -> Dispute:
    """The handling unit disagrees with a non-agreeing opinion; the head decides after
    collective discussion."""
    review = _lock(review)
    _require_handling_unit(review.case, actor)
    if review.status != ReviewStatus.CONCLUDED or review.outcome == OpinionKind.AGREE:
        raise DomainError(
            _("只能对已出具的纠正、不予作出或移送意见提出异议。"), ErrorCode.ILLEGAL_TRANSITION
        )
    if Transfer.objects.filter(review=review).exists():
        raise DomainError(_("案件已移送司法机关，不能再提出异议。"), ErrorCode.ILLEGAL_TRANSITION)
    newer = Review.objects.filter(case_id=review.case_id, version__gt=review.version).exists()
    if newer:
        raise DomainError(
            _("已重新送审，不能对以前的审核意见提出异议。"), ErrorCode.ILLEGAL_TRANSITION
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("提出异议须说明理由。"), code=ErrorCode.REASON_REQUIRED)
    dispute = Dispute.objects.create(
        review=review,
        opinion=review.opinion,
        reason=reason,
        raised_by=actor,
        raised_by_name=_name(actor),
    )
    review.status = ReviewStatus.DISPUTED
    review.save()
    append_event(
        EventType.REVIEW_DISPUTED,
        review,
        {"review": review.pk, "dispute": dispute.pk, "reason": digest(reason)},
        actor,
    )
    return dispute


@transaction.atomic
def record_collective_discussion(
    dispute,
    actor,
    *,
    held_on,
    participants,
    minutes,
    conclusion,
    decision,
    chair="",
    late_reason="",
) -> DisputeDiscussion:
    """The head records the decision taken after collective discussion of a dispute."""
    review = _lock(dispute.review)
    _require_agency(actor, review, Role.HEAD)
    if review.status != ReviewStatus.DISPUTED:
        raise DomainError(_("该审核没有待讨论的异议。"), ErrorCode.ILLEGAL_TRANSITION)
    if conclusion not in DiscussionConclusion.values:
        raise DomainError(_("请选择集体讨论的结论。"), code=ErrorCode.REQUIRED)
    names = list(dict.fromkeys(str(p).strip() for p in participants or [] if str(p).strip()))
    if len(names) < 3:
        raise DomainError(_("集体讨论的参加人员应不少于三人。"), code=ErrorCode.LEGAL_REQUIREMENT)
    minutes = (minutes or "").strip()
    decision = (decision or "").strip()
    if not minutes or not decision:
        raise DomainError(_("请填写讨论记录和决定内容。"), code=ErrorCode.REQUIRED)
    if held_on is None:
        raise DomainError(_("请填写讨论日期。"), code=ErrorCode.REQUIRED)
    if held_on > clock.today():
        raise DomainError(_("讨论日期不能晚于今天。"), code=ErrorCode.BAD_DATE)
    discussion = DisputeDiscussion.objects.create(
        dispute=dispute,
        held_on=held_on,
        participants=names,
        minutes=minutes,
        conclusion=conclusion,
        decision=decision,
        draft_hash=review.draft_hash,
        decided_by=actor,
        decided_by_name=_name(actor),
    )
    review.status = ReviewStatus.SETTLED
    review.save()
    case = review.case
    if case.stage == "decision" and not case.decision_at:
        # The case's own timeline (行政处罚法 第五十七条第二款) gets the discussion too.
        import datetime as dt

        from sanxiang.cases import services as cases

        # 9:00 of the day it was held, or now for a discussion held earlier this morning
        held_at = min(timezone.make_aware(dt.datetime.combine(held_on, dt.time(9, 0))), clock.now())
        cases.collective_discussion(
            case,
            actor,
            held_at=held_at,
            chair=(chair or _name(actor)),
            participants=names,
            minutes=minutes,
            conclusion=f"{DiscussionConclusion(conclusion).label}：{decision}",
            late_reason=late_reason,
        )
    append_event(
        EventType.REVIEW_COLLECTIVE_DISCUSSION,
        review,
        {
            "review": review.pk,
            "dispute": dispute.pk,
            "discussion": discussion.pk,
            "conclusion": conclusion,
            "participants": [digest(name) for name in names],
            "draft_hash": review.draft_hash,
        },
        actor,
    )
    return discussion


# --------------------------------------------------------------------------- transfer / refusal


def _outcome_stands(review, kind) -> bool:
    if review.outcome != kind:
        return False
    if review.status == ReviewStatus.CONCLUDED:
        return True
    if review.status == ReviewStatus.SETTLED:
        return review.dispute.discussion.conclusion == DiscussionConclusion.ADOPT
    return False


@transaction.atomic
def record_transfer(
    review,
    actor,
    *,
    receiving_authority,
    transferred_on,
    materials,
    case_summary,
    approved_by_name="",
) -> Transfer:
    """移送: record the transfer of the suspected crime to the public-security organ."""
    review = _lock(review)
    _require_handling_unit(review.case, actor)
    if not _outcome_stands(review, OpinionKind.TRANSFER):
        raise DomainError(
            _("只有审核意见为移送（且未被集体讨论推翻）时才能记录移送。"),
            ErrorCode.ILLEGAL_TRANSITION,
        )
    if Transfer.objects.filter(review=review).exists():
        raise DomainError(_("已记录移送。"), ErrorCode.CONFLICT)
    receiving_authority = (receiving_authority or "").strip()
    case_summary = (case_summary or "").strip()
    items = [str(m).strip() for m in materials or [] if str(m).strip()]
    if not receiving_authority:
        raise DomainError(_("请填写接受移送的公安机关。"), code=ErrorCode.REQUIRED)
    if not case_summary:
        raise DomainError(_("请填写涉嫌犯罪案件情况。"), code=ErrorCode.REQUIRED)
    if transferred_on is None:
        raise DomainError(_("请填写移送日期。"), code=ErrorCode.REQUIRED)
    missing = [
        need
        for need, word in (
            ("涉嫌犯罪案件移送书", "移送书"),
            ("涉嫌犯罪案件情况的调查报告", "调查报告"),
        )
        if not any(word in m for m in items)
    ]
    if missing:
        raise DomainError(
            _("移送材料不全（行政执法机关移送涉嫌犯罪案件的规定第六条），缺少：%(m)s。")
            % {"m": "、".join(missing)},
            code=ErrorCode.MISSING_MATERIAL,
        )
    transfer = Transfer.objects.create(
        review=review,
        opinion=review.opinion,
        receiving_authority=receiving_authority,
        transferred_on=transferred_on,
        materials=items,
        case_summary=case_summary,
        approved_by_name=(approved_by_name or "").strip()[:50],
        recorded_by=actor,
        recorded_by_name=_name(actor),
    )
    append_event(
        EventType.REVIEW_TRANSFERRED,
        review,
        {
            "review": review.pk,
            "transfer": transfer.pk,
            "receiving_authority": digest(receiving_authority),
            "transferred_on": transferred_on,
            "materials": [digest(item) for item in items],
        },
        actor,
    )
    return transfer


@transaction.atomic
def end_case_after_refusal(review, actor, *, reason=""):
    """不予作出 stands: the head ends the case without that decision (cases.terminate_case)."""
    from sanxiang.cases import services as cases

    review = _lock(review)
    _require_agency(actor, review, Role.HEAD)
    if not _outcome_stands(review, OpinionKind.REFUSE):
        raise DomainError(
            _("只有审核意见为不予作出（且未被集体讨论推翻）时才能据此终止案件。"),
            ErrorCode.ILLEGAL_TRANSITION,
        )
    text = _("法制审核意见为不予作出行政执法决定：%(r)s") % {"r": review.opinion.reasoning[:200]}
    if (reason or "").strip():
        text = f"{text}；{reason.strip()}"
    return cases.terminate_case(review.case, actor, reason=text)
