"""Workbench pages of the legal review (thin: every change goes through services)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sanxiang.cases.models import Case
from sanxiang.catalog.models import DiscretionTier
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.lists import Column, agency_name, filter_list
from sanxiang.documents.models import Document
from sanxiang.org.models import Role, User
from sanxiang.org.scoping import scope

from . import services
from .models import (
    OPEN_STATUSES,
    CheckPoint,
    Criterion,
    DeadlineExtension,
    DiscussionConclusion,
    ExtensionStatus,
    FindingResult,
    MaterialKind,
    OpinionKind,
    Review,
    ReviewMaterial,
    ReviewStatus,
)


def _reviews(user):
    return scope(Review.objects.select_related("case", "reviewer", "agency"), user)


def _date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise DomainError("日期格式应为 YYYY-MM-DD。", code=ErrorCode.BAD_FORMAT) from None


REVIEW_COLUMNS = [
    Column("案件编号", lambda r: r.case.number or "（未编号）", 24),
    Column("案由", lambda r: r.case.title, 36),
    Column("执法主体", lambda r: agency_name(r.agency), 20),
    Column("送审次序", lambda r: r.version),
    Column("状态", lambda r: r.get_status_display()),
    Column("审核意见", lambda r: r.get_outcome_display() if r.outcome else ""),
    Column("审核人员", lambda r: r.reviewer.display_name if r.reviewer_id else ""),
    Column("审核期限", lambda r: r.extended_deadline or r.deadline),
    Column("送审时间", lambda r: r.submitted_at),
]


@login_required
def review_list(request):
    lf = filter_list(
        request,
        _reviews(request.user),
        status_field="status",
        status_choices=ReviewStatus.choices,
        date_field="submitted_at",
        date_label="送审日期",
    )
    qs = lf.qs.order_by("-id")
    status = lf.status_value
    if lf.wants_export:
        return lf.export(REVIEW_COLUMNS, qs, title="法制审核", filename="reviews.xlsx")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    # cases in the 审查决定 stage without a review in progress: the entry to 送审
    waiting = (
        scope(Case.objects.filter(stage="decision", decision_at__isnull=True), request.user)
        .exclude(reviews__status__in=[*OPEN_STATUSES, ReviewStatus.DISPUTED])
        .order_by("-id")[:30]
    )
    return render(
        request,
        "review/list.html",
        {
            "page": page,
            "statuses": ReviewStatus.choices,
            "status": status,
            "waiting": waiting,
            "lf": lf,
        },
    )


@login_required
def queue(request):
    user = request.user
    if user.role != Role.REVIEWER:
        return redirect("review:list")
    rows = []
    for review in services.reviewer_queue(user):
        code, left = services.deadline_state(review)
        rows.append({"review": review, "state": code, "left": left})
    return render(
        request,
        "review/queue.html",
        {"rows": rows, "workload": services.workload(user.agency)},
    )


@login_required
def case_page(request, case_id):
    """The case's review page: why review is or is not required, the assessment form,
    submissions and the gate status."""
    case = get_object_or_404(scope(Case.objects.select_related("agency"), request.user), pk=case_id)
    scope_ = services.latest_scope(case)
    if request.method == "POST":
        answers = {c: request.POST.get(c) == "on" for c in Criterion.values}
        doc_id = request.POST.get("document")
        document = Document.objects.filter(case=case, pk=doc_id).first() if doc_id else None
        try:
            services.assess_scope(
                case, answers, request.user, document=document, note=request.POST.get("note", "")
            )
            messages.success(request, "已记录法制审核范围评估。")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("review:case", case_id=case.pk)
    evaluation = services.evaluate_scope(case, scope_.answers if scope_ else {})
    drafts = Document.objects.filter(case=case, status="draft").order_by("-id")
    drafts = [d for d in drafts if d.spec.decision]
    answers = scope_.answers if scope_ else {}
    return render(
        request,
        "review/case.html",
        {
            "case": case,
            "scope": scope_,
            "evaluation": evaluation,
            "criteria": [(c.value, c.label, answers.get(c.value, False)) for c in Criterion],
            "gate": services.gate_status(case, drafts[0] if drafts else None),
            "reviews": case.reviews.order_by("-version"),
            "drafts": drafts,
        },
    )


@login_required
def submit(request, case_id):
    case = get_object_or_404(scope(Case.objects.select_related("agency"), request.user), pk=case_id)
    drafts = [
        d
        for d in Document.objects.filter(case=case, status="draft").order_by("-id")
        if d.spec.decision
    ]
    tiers = DiscretionTier.objects.filter(
        benchmark__version__agency__in=case.agency.ancestors(),
        benchmark__version__status="published",
    ).select_related("benchmark")[:200]
    assessment = request.POST.get("assessment_held") == "on"
    reason_url = ""  # where a flagged discretion proposal's reason is written
    if request.method == "POST":
        materials = []
        for kind in MaterialKind.values:
            if kind == MaterialKind.DRAFT_DECISION:
                continue
            upload = request.FILES.get(f"file_{kind}")
            reference = request.POST.get(f"ref_{kind}", "").strip()
            if upload or reference:
                materials.append(
                    {
                        "kind": kind,
                        "title": request.POST.get(f"title_{kind}", ""),
                        "file": upload,
                        "reference": reference,
                    }
                )
        document = next((d for d in drafts if str(d.pk) == request.POST.get("document")), None)
        tier = None
        if request.POST.get("tier", "").isdigit():
            tier = next((t for t in tiers if t.pk == int(request.POST["tier"])), None)
        try:
            base = request.POST.get("base_amount", "").strip() or None
            review = services.submit_for_review(
                case,
                document,
                proposal=request.POST.get("proposal", ""),
                materials=materials,
                actor=request.user,
                justification=request.POST.get("justification", ""),
                tier=tier,
                base_amount=base,
                assessment_held=assessment,
            )
            messages.success(request, "已提交法制审核。")
            return redirect("review:detail", pk=review.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
            for d in exc.details:
                messages.error(request, d)
            reason_url = getattr(exc, "url", "")
    return render(
        request,
        "review/submit.html",
        {
            "case": case,
            "reason_url": reason_url,
            "drafts": drafts,
            "tiers": tiers,
            "checklist": services.material_checklist(case, [], assessment),
            "penalty_labels": services.proposed_penalty(case)["kind_labels"],
            # each material row with what was typed (a refused 送审 keeps it, issue #13.2)
            "kinds": [
                (
                    value,
                    label,
                    request.POST.get(f"title_{value}", ""),
                    request.POST.get(f"ref_{value}", ""),
                )
                for value, label in MaterialKind.choices
                if value != MaterialKind.DRAFT_DECISION
            ],
            "files_dropped": [
                label
                for value, label in MaterialKind.choices
                if request.method == "POST" and request.FILES.get(f"file_{value}")
            ],
            "required": services.required_material_kinds(case, assessment),
            "post": request.POST,
        },
    )


@login_required
def detail(request, pk):
    review = get_object_or_404(_reviews(request.user), pk=pk)
    return render(request, "review/detail.html", _detail_context(request, review))


def _detail_context(request, review, posted=None, posted_action=""):
    """The review page's context; ``posted``: the form that was refused, re-rendered with what
    the user typed (issue #13 item 2: a refusal never wipes the checklist or the texts)."""
    user = request.user
    try:
        opinion = review.opinion
    except Exception:  # noqa: BLE001 - no opinion yet
        opinion = None
    try:
        dispute = review.dispute
    except Exception:  # noqa: BLE001
        dispute = None
    try:
        transfer = review.transfer
    except Exception:  # noqa: BLE001
        transfer = None
    code, left = services.deadline_state(review)
    same_agency = user.agency_id == review.agency_id
    findings = review.draft_findings or {}
    if posted is not None and posted_action in ("opinion", "findings"):
        findings = _findings_from(posted)
        for p in CheckPoint.values:  # a note typed without choosing the answer is kept too
            if posted.get(f"note_{p}") and p not in findings:
                findings[p] = {"result": "", "note": posted.get(f"note_{p}", "")}
    points = [
        (
            p.value,
            p.label,
            (findings.get(p.value) or {}).get("result", ""),
            (findings.get(p.value) or {}).get("note", ""),
        )
        for p in CheckPoint
    ]
    return {
        "posted": posted if posted is not None else {},
        "posted_action": posted_action,
        "review": review,
        "case": review.case,
        "opinion": opinion,
        "findings": opinion.findings.all() if opinion else [],
        "dispute": dispute,
        "discussion": getattr(dispute, "discussion", None) if dispute else None,
        "transfer": transfer,
        "materials": review.materials.order_by("id"),
        "assignments": review.assignments.order_by("id"),
        "extensions": review.extensions.order_by("-id"),
        "deadline_state": code,
        "workdays_left": left,
        "points": points,
        "results": FindingResult.choices,
        "opinion_kinds": OpinionKind.choices,
        "conclusions": DiscussionConclusion.choices,
        "eligible": services.eligible_reviewers(review) if same_agency else [],
        "is_reviewer": user.pk == review.reviewer_id,
        "is_head": same_agency and user.role == Role.HEAD,
        "is_handling": same_agency and user.role in (Role.HANDLER, Role.HEAD),
        "can_assign": same_agency and user.role in (Role.HEAD, Role.REVIEWER),
        "transfer_materials": services.TRANSFER_MATERIALS,
        "has_diff": review.previous_id is not None,
        "verified": services.verify_opinion(opinion) if opinion else None,
    }


def _findings_from(post):
    out = {}
    for p in CheckPoint.values:
        result = post.get(f"result_{p}", "")
        if result:
            out[p] = {"result": result, "note": post.get(f"note_{p}", "")}
    return out


@login_required
@require_POST
def act(request, pk, action):
    review = get_object_or_404(_reviews(request.user), pk=pk)
    post, user = request.POST, request.user
    done = {
        "assign": "已分配审核人员。",
        "accept": "已受理，审核期限为 10 个工作日。",
        "extension": "已提交延期申请，待机关负责人审批。",
        "findings": "已暂存审核要点。",
        "opinion": "已出具审核意见，意见书已签章并归入案卷。",
        "dispute": "已提出异议，待机关负责人集体讨论决定。",
        "discussion": "已记录集体讨论决定。",
        "transfer": "已记录移送。",
        "withdraw": "已撤回。",
        "end_case": "已终止案件办理。",
    }
    if action not in done:
        raise Http404
    try:
        if action == "assign":
            reviewer = get_object_or_404(User.objects.all(), pk=post.get("reviewer") or 0)
            services.assign_reviewer(review, reviewer, user, post.get("reason", ""))
        elif action == "accept":
            services.accept(review, user)
        elif action == "extension":
            services.request_extension(
                review,
                user,
                new_deadline=_date(post.get("new_deadline")),
                reason=post.get("reason", ""),
            )
        elif action == "findings":
            services.save_findings(review, _findings_from(post), user)
        elif action == "opinion":
            services.give_opinion(
                review,
                user,
                kind=post.get("kind", ""),
                reasoning=post.get("reasoning", ""),
                findings=_findings_from(post),
            )
        elif action == "dispute":
            services.dispute_opinion(review, user, reason=post.get("reason", ""))
        elif action == "discussion":
            services.record_collective_discussion(
                review.dispute,
                user,
                held_on=_date(post.get("held_on")),
                participants=[
                    p
                    for p in post.get("participants", "")
                    .replace("，", ",")
                    .replace("、", ",")
                    .split(",")
                ],
                minutes=post.get("minutes", ""),
                conclusion=post.get("conclusion", ""),
                decision=post.get("decision", ""),
                chair=post.get("chair", ""),
                late_reason=post.get("late_reason", ""),
            )
        elif action == "transfer":
            services.record_transfer(
                review,
                user,
                receiving_authority=post.get("receiving_authority", ""),
                transferred_on=_date(post.get("transferred_on")),
                materials=post.getlist("materials")
                + [m for m in post.get("other_materials", "").splitlines() if m.strip()],
                case_summary=post.get("case_summary", ""),
                approved_by_name=post.get("approved_by_name", ""),
            )
        elif action == "withdraw":
            services.withdraw(review, user, reason=post.get("reason", ""))
        elif action == "end_case":
            services.end_case_after_refusal(review, user, reason=post.get("reason", ""))
        messages.success(request, done[action])
    except DomainError as exc:
        messages.error(request, exc.message)
        for d in exc.details:
            messages.error(request, d)
        if action not in ("accept",):  # a form was refused: show it again with its input
            review = get_object_or_404(_reviews(request.user), pk=review.pk)
            context = _detail_context(request, review, posted=post, posted_action=action)
            return render(request, "review/detail.html", context, status=400)
    return redirect("review:detail", pk=review.pk)


@login_required
def diff(request, pk):
    review = get_object_or_404(_reviews(request.user), pk=pk)
    if review.previous_id is None:
        raise Http404
    return render(
        request,
        "review/diff.html",
        {"review": review, "fields": services.draft_diff(review)},
    )


@login_required
def extensions(request):
    qs = scope(
        DeadlineExtension.objects.select_related("review", "review__case"),
        request.user,
        "review__agency",
    ).order_by("-id")
    if request.method == "POST":
        ext = get_object_or_404(qs, pk=request.POST.get("extension") or 0)
        try:
            services.decide_extension(
                ext,
                request.user,
                approve=request.POST.get("approve") == "1",
                note=request.POST.get("note", ""),
            )
            messages.success(request, "已审批延期申请。")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("review:extensions")
    return render(
        request,
        "review/extensions.html",
        {
            "pending": qs.filter(status=ExtensionStatus.PENDING),
            "decided": qs.exclude(status=ExtensionStatus.PENDING)[:50],
            "is_head": request.user.role == Role.HEAD,
        },
    )


@login_required
def stats(request):
    rows = services.stats(request.user)
    totals = {
        k: sum(r[k] for r in rows)
        for k in (
            "submitted",
            "reviewed",
            "agreed",
            "corrected",
            "refused",
            "transferred",
            "overdue",
            "open",
            "disputed",
        )
    }
    return render(
        request,
        "review/stats.html",
        {"rows": rows, "totals": totals, "flags": services.deadline_flags(request.user)},
    )


def _file_response(fieldfile, name):
    if not fieldfile:
        raise Http404
    return FileResponse(fieldfile.open("rb"), as_attachment=True, filename=name)


@login_required
def opinion_pdf(request, pk):
    review = get_object_or_404(_reviews(request.user), pk=pk)
    try:
        opinion = review.opinion
    except Exception:  # noqa: BLE001
        raise Http404 from None
    name = f"法制审核意见书-{review.case_id}-{review.version}.pdf"
    if opinion.document_id and opinion.document.is_issued:
        # the opinion's PDF is the issued document's file: checked against its SHA-256 and
        # the ledger like every other download of it (refused and alerted when tampered)
        from sanxiang.documents import services as documents
        from sanxiang.documents.views import file_response

        data = documents.render_pdf(opinion.document, request.user)
        return file_response(data, name, "application/pdf")
    return _file_response(opinion.pdf, name)


@login_required
def material_file(request, pk):
    material = get_object_or_404(
        scope(ReviewMaterial.objects.select_related("review"), request.user, "review__agency"),
        pk=pk,
    )
    return _file_response(material.file, material.file.name.rsplit("/", 1)[-1])
