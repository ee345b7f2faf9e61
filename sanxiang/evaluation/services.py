"""案卷评查 services: the only writers of rounds, samples, score sheets and rectifications.

Rules:
* rounds, sampling, scoring, rectification notices and conclusion: supervisors (role
  ``supervisor``) of the supervisor agency that owns the round; the agencies evaluated must be
  enforcement agencies under it;
* eligible case files: the agency's cases closed (结案) or archived (归档) with a 结案时间 inside
  the round's period;
* the draw is reproducible: a 32-byte seed from ``secrets``; each agency's eligible cases are
  ranked by HMAC-SHA256(seed, "case:" + case number, or "case:id:" + id without a number) and
  the first max(ceil(ratio × count / 100), min_per_agency) (at most count) are taken. The seed,
  the candidate snapshot and its SHA-256 are stored and written to the ledger, so
  ``replay_sample`` recomputes the same result;
* a sheet: one deduction per checklist item, 0..item points, a note required when > 0;
  submitted once, then immutable; score = 100 − deductions; grade per ``checklist.GRADES``;
* rectification (整改): issued → reported → closed, or reported → returned (once) → reported;
  the agency's handler or head reports; the deadline is N working days after issue (default 20);
* a round is concluded when every sheet is submitted; the summary's SHA-256 goes to the ledger.
"""

from __future__ import annotations

import csv
import hashlib
import io

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.cases.models import Case, Stage
from sanxiang.core import clock, draw
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append, canonical_sha256
from sanxiang.org.models import Agency, AgencyKind, Role
from sanxiang.org.permissions import require_role, require_same_agency
from sanxiang.workdays import calendar, deadlines

from . import checklist
from .models import Rectification, RectificationStatus, Round, RoundStatus, Sheet

DEFAULT_RECTIFY_WORKDAYS = 20
ALGORITHM = "HMAC-SHA256 rank per agency, max(ceil(ratio*count/100), minimum) (v1)"
REPORTER_ROLES = (Role.HANDLER, Role.HEAD)
CLOSED_STAGES = (Stage.CLOSING, Stage.ARCHIVED)


# --------------------------------------------------------------------------- permissions


def is_evaluator(user, agency):
    """May ``user`` run evaluation rounds of the supervisor ``agency``?"""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.role == Role.SUPERVISOR
        and user.agency_id == agency.pk
        and agency.kind == AgencyKind.SUPERVISOR
    )


def require_evaluator(user, agency):
    require_role(user, Role.SUPERVISOR, message=_("只有司法行政部门的监督人员可以开展案卷评查。"))
    require_same_agency(user, agency.pk, message=_("您只能办理本机关组织的案卷评查。"))
    if agency.kind != AgencyKind.SUPERVISOR:
        raise PermissionDenied(_("只有司法行政部门（执法监督）可以组织案卷评查。"))


AWAITING_REPORT = (RectificationStatus.ISSUED, RectificationStatus.RETURNED)


def can_report(user, rectification):
    """May ``user`` report on ``rectification`` now (its agency's handler or head, awaiting)?"""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.agency_id == rectification.agency_id
        and user.role in REPORTER_ROLES
        and rectification.status in AWAITING_REPORT
    )


def require_reporter(user, rectification):
    require_role(user, *REPORTER_ROLES, message=_("只有承办人或机关负责人可以报送整改报告。"))
    require_same_agency(user, rectification.agency_id, message=_("您只能报送本机关的整改报告。"))


def evaluable_agencies(agency):
    """Enforcement agencies under the supervisor ``agency``."""
    return (
        Agency.objects.subtree_of(agency)
        .exclude(pk=agency.pk)
        .filter(kind=AgencyKind.ENFORCEMENT)
        .order_by("path")
    )


def _transition(message):
    return DomainError(message, ErrorCode.ILLEGAL_TRANSITION)


# --------------------------------------------------------------------------- rounds


@transaction.atomic
def create_round(
    agency, actor, *, title, period_start, period_end, agencies, ratio=10, min_per_agency=1
):
    require_evaluator(actor, agency)
    errors = []
    title = (title or "").strip()
    if not title:
        errors.append(_("评查批次名称不能为空"))
    if period_start is None or period_end is None:
        errors.append(_("请填写结案日期范围"))
    elif period_end < period_start:
        errors.append(_("截止日期不能早于起始日期"))
    if not isinstance(ratio, int) or isinstance(ratio, bool) or not 1 <= ratio <= 100:
        errors.append(_("抽取比例应为1至100之间的整数"))
    if not isinstance(min_per_agency, int) or not 0 <= min_per_agency <= 50:
        errors.append(_("每个机关至少抽取件数应为0至50之间的整数"))
    agencies = list(agencies or [])
    allowed = set(evaluable_agencies(agency).values_list("pk", flat=True))
    if not agencies:
        errors.append(_("请至少选择一个被评查机关"))
    elif any(a.pk not in allowed for a in agencies):
        errors.append(_("被评查机关须为本机关监督范围内的行政执法机关"))
    if errors:
        raise DomainError("；".join(str(e) for e in errors) + "。", code=ErrorCode.VALIDATION_ERROR)
    rnd = Round.objects.create(
        agency=agency,
        title=title,
        period_start=period_start,
        period_end=period_end,
        ratio=ratio,
        min_per_agency=min_per_agency,
        created_by=actor,
    )
    rnd.agencies.set(agencies)
    append(
        EventType.EVALUATION_ROUND_CREATED,
        f"evaluation_round:{rnd.pk}",
        {
            "round": rnd.pk,
            "agency": agency.pk,
            "title": title,
            "period": [period_start.isoformat(), period_end.isoformat()],
            "agencies": sorted(a.pk for a in agencies),
            "ratio": ratio,
            "min_per_agency": min_per_agency,
            "checklist_version": rnd.checklist_version,
        },
        actor,
    )
    return rnd


def _locked(rnd):
    return Round.objects.select_for_update().get(pk=rnd.pk)


def eligible_cases(rnd):
    """Closed or archived cases of the round's agencies with 结案时间 in the period."""
    return Case.objects.filter(
        agency__in=rnd.agencies.all(),
        stage__in=CLOSED_STAGES,
        closed_at__isnull=False,
        closed_at__date__gte=rnd.period_start,
        closed_at__date__lte=rnd.period_end,
    ).order_by("agency_id", "id")


# --------------------------------------------------------------------------- sampling


sample_size = draw.share  # max(ceil(ratio × count / 100), minimum), at most count


def _label(candidate):
    number = candidate.get("number") or ""
    return "case:" + number if number else f"case:id:{candidate['case']}"


def compute_sample(seed_hex, candidates, ratio, min_per_agency):
    """The deterministic draw over the stored snapshot ``[{"agency", "case", "number"}]``.

    Returns ``[{"agency", "case", "number"}, ...]`` (agencies by id, then by rank)."""
    seed = bytes.fromhex(seed_hex)
    result = []
    for agency_id in sorted({c["agency"] for c in candidates}):
        members = [c for c in candidates if c["agency"] == agency_id]
        members = draw.ranked(members, seed, _label, lambda c: c["case"])
        take = sample_size(ratio, len(members), min_per_agency)
        result.extend(
            {"agency": c["agency"], "case": c["case"], "number": c["number"]}
            for c in members[:take]
        )
    return result


@transaction.atomic
def sample(rnd, actor, *, seed_hex=None):
    """随机抽取案卷 and create one unsubmitted sheet per case. ``seed_hex`` for tests only."""
    require_evaluator(actor, rnd.agency)
    rnd = _locked(rnd)
    if rnd.status != RoundStatus.DRAFT:
        raise _transition(_("该评查批次已抽取案卷，不能重复抽取。"))
    cases = list(eligible_cases(rnd).values("id", "agency_id", "number", "title"))
    if not cases:
        raise DomainError(
            _("评查期间内被评查机关没有已结案或已归档的案卷，不能抽取。"),
            code=ErrorCode.EMPTY_SAMPLE,
        )
    candidates = [{"agency": c["agency_id"], "case": c["id"], "number": c["number"]} for c in cases]
    seed_hex = seed_hex or draw.new_seed()
    result = compute_sample(seed_hex, candidates, rnd.ratio, rnd.min_per_agency)
    if not result:
        raise DomainError(
            _("按当前抽取比例未抽中任何案卷，请调整抽取比例。"), code=ErrorCode.EMPTY_SAMPLE
        )
    titles = {c["id"]: c["title"] for c in cases}
    rnd.seed = seed_hex
    rnd.candidates = candidates
    rnd.candidates_sha256 = canonical_sha256(candidates)
    rnd.sample_result = result
    rnd.status = RoundStatus.SAMPLED
    rnd.sampled_at = clock.now()
    rnd.sampled_by = actor
    rnd.save()
    for order, row in enumerate(result, start=1):
        Sheet.objects.create(
            round=rnd,
            agency_id=row["agency"],
            case_id=row["case"],
            order=order,
            case_number=row["number"],
            case_title=titles[row["case"]][:255],
        )
    append(
        EventType.EVALUATION_SAMPLED,
        f"evaluation_round:{rnd.pk}",
        {
            "round": rnd.pk,
            "algorithm": ALGORITHM,
            "seed": seed_hex,
            "ratio": rnd.ratio,
            "min_per_agency": rnd.min_per_agency,
            "period": [rnd.period_start.isoformat(), rnd.period_end.isoformat()],
            "candidates_count": len(candidates),
            "candidates_sha256": rnd.candidates_sha256,
            "result": result,
            "result_sha256": canonical_sha256(result),
        },
        actor,
    )
    return rnd


def replay_sample(rnd):
    """Recompute the draw from the stored seed and snapshot (raises if the snapshot changed)."""
    if not rnd.seed:
        raise _transition(_("该评查批次尚未抽取案卷。"))
    if canonical_sha256(rnd.candidates) != rnd.candidates_sha256:
        raise DomainError(_("候选案卷与抽取时记录的哈希不一致。"), ErrorCode.CONFLICT)
    return compute_sample(rnd.seed, rnd.candidates, rnd.ratio, rnd.min_per_agency)


# --------------------------------------------------------------------------- score sheets


def case_facts(case):
    """Read-only facts from the case file that help the evaluator (no writes)."""
    from sanxiang.documents.models import Document
    from sanxiang.records.models import Recording
    from sanxiang.review.models import OpinionKind, Review

    review = Review.objects.filter(case=case).order_by("-version").first()
    docs = list(
        Document.objects.filter(case=case).issued().order_by("id").values_list("number", "kind")
    )
    return {
        "stage": case.get_stage_display(),
        "act_type": case.get_act_type_display(),
        "closed_at": case.closed_at,
        "archived_at": case.archived_at,
        "documents": docs,
        "documents_count": len(docs),
        "recordings_count": Recording.objects.filter(case=case).count(),
        "review_required": case.review_required,
        "review_exists": review is not None,
        "review_status": review.get_status_display() if review else "",
        "review_passed": bool(review and review.outcome == OpinionKind.AGREE),
        "review_outcome": review.get_outcome_display() if review and review.outcome else "",
        "is_major": case.is_major,
    }


def clean_deductions(version, raw):
    """``raw``: {code: (deduction, note)} → stored {code: {"deduction", "note"}}; raises with
    every problem."""
    items = checklist.items(version)
    errors, cleaned = [], {}
    for item in items:
        value, note = raw.get(item.code, (0, ""))
        note = (note or "").strip()
        try:
            value = int(value if value not in (None, "") else 0)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= item.points:
            errors.append(
                _("“%(l)s”扣分应为0至%(p)s之间的整数") % {"l": item.label, "p": item.points}
            )
        elif value > 0 and not note:
            errors.append(_("“%(l)s”有扣分，须写明扣分理由") % {"l": item.label})
        cleaned[item.code] = {"deduction": max(value, 0), "note": note}
    unknown = set(raw) - {i.code for i in items}
    if unknown:
        errors.append(_("未知评查项目：%(c)s") % {"c": "、".join(sorted(unknown))})
    if errors:
        raise DomainError("；".join(str(e) for e in errors) + "。", code=ErrorCode.VALIDATION_ERROR)
    return cleaned


@transaction.atomic
def submit_sheet(sheet, actor, *, deductions, comment=""):
    """Fix a sheet's score (once). ``deductions``: {code: (points, note)}."""
    rnd = sheet.round
    require_evaluator(actor, rnd.agency)
    rnd = _locked(rnd)
    sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.submitted_at:
        raise DomainError(_("评分表已提交，不可更改。"), ErrorCode.IMMUTABLE)
    if rnd.status not in (RoundStatus.SAMPLED, RoundStatus.SCORING):
        raise _transition(_("该评查批次不在评查阶段，不能提交评分表。"))
    cleaned = clean_deductions(rnd.checklist_version, deductions)
    score = 100 - sum(v["deduction"] for v in cleaned.values())
    sheet.deductions = cleaned
    sheet.comment = (comment or "").strip()
    sheet.score = score
    sheet.grade = checklist.grade_for(score)
    sheet.evaluator = actor
    sheet.submitted_at = clock.now()
    sheet.save()
    if rnd.status == RoundStatus.SAMPLED:
        rnd.status = RoundStatus.SCORING
        rnd.save(update_fields=["status"])
    append(
        EventType.EVALUATION_SHEET_SUBMITTED,
        f"evaluation_sheet:{sheet.pk}",
        {
            "round": rnd.pk,
            "sheet": sheet.pk,
            "case": sheet.case_id,
            "case_number": sheet.case_number,
            "checklist_version": rnd.checklist_version,
            "deductions": cleaned,
            "score": score,
            "grade": sheet.grade,
            "comment": sheet.comment,
        },
        actor,
    )
    return sheet


# --------------------------------------------------------------------------- rectification


def needs_rectification(sheet):
    """Below 合格 (score < 75): a notice is expected (the evaluator may issue others too)."""
    return sheet.score is not None and sheet.score < checklist.GRADES[1][2]


def has_deductions(sheet):
    return any(v["deduction"] for v in sheet.deductions.values())


def can_issue_rectification(user, sheet, rectification=None):
    """May ``user`` issue a notice for ``sheet`` (submitted, deducted, none issued yet)?"""
    return bool(
        sheet.submitted_at
        and rectification is None
        and is_evaluator(user, sheet.round.agency)
        and has_deductions(sheet)
    )


@transaction.atomic
def issue_rectification(sheet, actor, *, requirements, workdays=DEFAULT_RECTIFY_WORKDAYS):
    require_evaluator(actor, sheet.round.agency)
    sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
    if not sheet.submitted_at:
        raise _transition(_("评分表提交后才能发出整改通知。"))
    if Rectification.objects.filter(sheet=sheet).exists():
        raise _transition(_("该案卷已发出整改通知。"))
    if not has_deductions(sheet):
        raise DomainError(_("该案卷没有扣分项，无须整改。"), code=ErrorCode.WRONG_STATE)
    requirements = (requirements or "").strip()
    if not requirements:
        raise DomainError(_("请填写整改要求。"), code=ErrorCode.REQUIRED)
    if not isinstance(workdays, int) or not 1 <= workdays <= 120:
        raise DomainError(_("整改期限应为1至120个工作日。"), ErrorCode.DEADLINE)
    now = clock.now()
    computed = calendar.deadline(clock.local_date(now), workdays)
    deadline = computed.date
    rect = Rectification.objects.create(
        sheet=sheet,
        round=sheet.round,
        agency=sheet.agency,
        requirements=requirements,
        workdays=workdays,
        deadline=deadline,
        issued_by=actor,
        issued_at=now,
    )
    deadlines.track("evaluation.rectification", rect, computed)
    append(
        EventType.EVALUATION_RECTIFICATION_ISSUED,
        f"evaluation_rectification:{rect.pk}",
        {
            "rectification": rect.pk,
            "sheet": sheet.pk,
            "agency": sheet.agency_id,
            "requirements": requirements,
            "workdays": workdays,
            "deadline": deadline.isoformat(),
        },
        actor,
    )
    return rect


def _locked_rect(rect):
    return Rectification.objects.select_for_update().get(pk=rect.pk)


@transaction.atomic
def submit_report(rect, actor, *, report):
    """整改报告 by the agency's handler or head (after the notice, or after a return)."""
    require_reporter(actor, rect)
    rect = _locked_rect(rect)
    if rect.status not in AWAITING_REPORT:
        raise _transition(_("当前状态不能报送整改报告。"))
    report = (report or "").strip()
    if not report:
        raise DomainError(_("请填写整改报告。"), code=ErrorCode.REQUIRED)
    rect.report = report
    rect.reported_by = actor
    rect.reported_at = clock.now()
    rect.status = RectificationStatus.REPORTED
    rect.save()
    append(
        EventType.EVALUATION_RECTIFICATION_REPORTED,
        f"evaluation_rectification:{rect.pk}",
        {
            "rectification": rect.pk,
            "report_sha256": hashlib.sha256(report.encode("utf-8")).hexdigest(),
            "late": rect.reported_at.date() > rect.deadline,
        },
        actor,
    )
    return rect


@transaction.atomic
def accept_report(rect, actor):
    require_evaluator(actor, rect.round.agency)
    rect = _locked_rect(rect)
    if rect.status != RectificationStatus.REPORTED:
        raise _transition(_("整改报告报送后才能审核销号。"))
    rect.status = RectificationStatus.CLOSED
    rect.closed_by = actor
    rect.closed_at = clock.now()
    rect.save()
    append(
        EventType.EVALUATION_RECTIFICATION_CLOSED,
        f"evaluation_rectification:{rect.pk}",
        {"rectification": rect.pk},
        actor,
    )
    return rect


MAX_RETURNS = 1


def can_decide(user, rectification):
    """May ``user`` accept or return ``rectification`` now (a report awaits the evaluator)?"""
    return (
        is_evaluator(user, rectification.round.agency)
        and rectification.status == RectificationStatus.REPORTED
    )


def can_return(rectification):
    return rectification.returned_count < MAX_RETURNS


@transaction.atomic
def return_report(rect, actor, *, reason):
    """退回 once, with a reason; a second report must then be accepted."""
    require_evaluator(actor, rect.round.agency)
    rect = _locked_rect(rect)
    if rect.status != RectificationStatus.REPORTED:
        raise _transition(_("整改报告报送后才能退回。"))
    if not can_return(rect):
        raise _transition(_("整改报告已退回过一次，不能再次退回。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写退回理由。"), code=ErrorCode.REASON_REQUIRED)
    rect.status = RectificationStatus.RETURNED
    rect.return_reason = reason
    rect.returned_count += 1
    rect.save()
    append(
        EventType.EVALUATION_RECTIFICATION_RETURNED,
        f"evaluation_rectification:{rect.pk}",
        {"rectification": rect.pk, "reason": reason},
        actor,
    )
    return rect


# --------------------------------------------------------------------------- conclusion


def build_summary(rnd):
    """Per agency: files, average score, grade counts, open rectifications."""
    sheets = list(rnd.sheets.select_related("agency").order_by("agency__path", "order"))
    open_by_agency = {}
    for rect in Rectification.objects.filter(round=rnd):
        if rect.is_open:
            open_by_agency[rect.agency_id] = open_by_agency.get(rect.agency_id, 0) + 1
    rows, by_agency = [], {}
    for sheet in sheets:
        by_agency.setdefault(sheet.agency, []).append(sheet)
    for agency, items in by_agency.items():
        scores = [s.score for s in items if s.score is not None]
        rows.append(
            {
                "agency": agency.pk,
                "agency_name": agency.name,
                "files": len(items),
                "average": round(sum(scores) / len(scores), 1) if scores else None,
                "grades": {
                    code: sum(1 for s in items if s.grade == code)
                    for code, _l, _m in checklist.GRADES
                },
                "rectifications_open": open_by_agency.get(agency.pk, 0),
            }
        )
    return {
        "round": rnd.pk,
        "title": rnd.title,
        "period": [rnd.period_start.isoformat(), rnd.period_end.isoformat()],
        "checklist_version": rnd.checklist_version,
        "agencies": rows,
    }


def summary_csv(summary):
    """UTF-8 with BOM (Excel opens it as Chinese text)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [_("被评查机关"), _("抽查案卷数"), _("平均分")]
        + [label for _c, label, _m in checklist.GRADES]
        + [_("未销号整改")]
    )
    for row in summary.get("agencies", []):
        writer.writerow(
            [row["agency_name"], row["files"], "" if row["average"] is None else row["average"]]
            + [row["grades"][code] for code, _l, _m in checklist.GRADES]
            + [row["rectifications_open"]]
        )
    return "\ufeff" + out.getvalue()


@transaction.atomic
def conclude(rnd, actor):
    require_evaluator(actor, rnd.agency)
    rnd = _locked(rnd)
    if rnd.status not in (RoundStatus.SAMPLED, RoundStatus.SCORING):
        raise _transition(_("只有评查中的批次可以办结。"))
    open_sheets = rnd.sheets.filter(submitted_at__isnull=True).count()
    if open_sheets:
        raise _transition(_("还有%(n)s份评分表未提交，不能办结。") % {"n": open_sheets})
    summary = build_summary(rnd)
    rnd.summary = summary
    rnd.summary_sha256 = canonical_sha256(summary)
    rnd.status = RoundStatus.CONCLUDED
    rnd.concluded_at = clock.now()
    rnd.concluded_by = actor
    rnd.save()
    append(
        EventType.EVALUATION_CONCLUDED,
        f"evaluation_round:{rnd.pk}",
        {"round": rnd.pk, "summary_sha256": rnd.summary_sha256, "sheets": rnd.sheets.count()},
        actor,
    )
    return rnd
