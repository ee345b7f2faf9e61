"""网上巡查 services: the only writers of patrol rounds, items and rectification notices.

Rules:
* rounds, sampling, scoring, notices and conclusion: supervisors (role ``supervisor``) of the
  supervisor agency that owns the round; the patrolled agencies are the enforcement agencies
  under it (``evaluation.services.evaluable_agencies``); one round per agency and quarter;
* candidates: the agency's publications first published (``published_at``) inside the
  quarter, whatever their status now (a withdrawn one is patrolled too: is it really down?);
* the draw is reproducible (``sanxiang.core.draw``): a 32-byte seed; each agency's candidates
  are ranked by HMAC-SHA256(seed, "publication:<id>") — the id of the public page /gs/jd/<id>/
  — and the first ``sample_size`` are taken. Seed, candidate snapshot and its SHA-256 and the
  result go to the ledger; ``replay_sample`` recomputes the same result;
* on sampling each item gets the automatic checks (``checks.run_checks``), ledgered with the
  sample; ``recheck`` runs them again on an unscored item (ledgered);
* an item's score: 100 − automatic deductions − the supervisor's deductions on the manual
  checklist items (0..points each, a note when > 0); submitted once, then immutable;
* notices (整改通知): one per round and agency, only for an agency with findings on submitted
  items; issued → reported → closed, or reported → returned (once) → reported; the agency's
  handler or head reports; deadline N working days after issue (default 20, 1–120);
* a round is concluded when every item is submitted; the summary's SHA-256 is ledgered.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core import clock, draw
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.evaluation.services import evaluable_agencies
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append, canonical_sha256
from sanxiang.org.models import AgencyKind, Role
from sanxiang.org.permissions import require_role, require_same_agency
from sanxiang.publicity.models import Publication
from sanxiang.workdays import calendar, deadlines

from . import checklist, checks
from .models import NoticeStatus, PatrolItem, PatrolNotice, PatrolRound, RoundStatus

__all__ = ["evaluable_agencies"]

DEFAULT_RECTIFY_WORKDAYS = 20
MAX_SAMPLE = 50
MAX_RETURNS = 1
ALGORITHM = "HMAC-SHA256 rank per agency of publication:<id>, first sample_size (v1)"
REPORTER_ROLES = (Role.HANDLER, Role.HEAD)
AWAITING_REPORT = (NoticeStatus.ISSUED, NoticeStatus.RETURNED)
FINDING_KINDS = ("fields", "timeliness", "redaction", "portal", "manual")
FINDING_LABELS = {
    "fields": "公示要素缺失",
    "timeliness": "逾期公示",
    "redaction": "脱敏不到位",
    "portal": "公开页面状态错误（含撤下后仍可访问）",
    "manual": "人工巡查扣分",
}


# --------------------------------------------------------------------------- permissions


def is_patroller(user, agency):
    """May ``user`` run patrol rounds of the supervisor ``agency``?"""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.role == Role.SUPERVISOR
        and user.agency_id == agency.pk
        and agency.kind == AgencyKind.SUPERVISOR
    )


def require_patroller(user, agency):
    require_role(user, Role.SUPERVISOR, message=_("只有司法行政部门的监督人员可以开展网上巡查。"))
    require_same_agency(user, agency.pk, message=_("您只能办理本机关组织的网上巡查。"))
    if agency.kind != AgencyKind.SUPERVISOR:
        raise PermissionDenied(_("只有司法行政部门（执法监督）可以组织网上巡查。"))


def can_report(user, notice):
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.agency_id == notice.agency_id
        and user.role in REPORTER_ROLES
        and notice.status in AWAITING_REPORT
    )


def require_reporter(user, notice):
    require_role(user, *REPORTER_ROLES, message=_("只有承办人或机关负责人可以报送整改报告。"))
    require_same_agency(user, notice.agency_id, message=_("您只能报送本机关的整改报告。"))


def can_decide(user, notice):
    return is_patroller(user, notice.round.agency) and notice.status == NoticeStatus.REPORTED


def can_return(notice):
    return notice.returned_count < MAX_RETURNS


def _transition(message):
    return DomainError(message, ErrorCode.ILLEGAL_TRANSITION)


# --------------------------------------------------------------------------- rounds


def quarter_period(year, quarter):
    """(first day, last day) of a calendar quarter."""
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    end = (
        dt.date(year, 12, 31)
        if quarter == 4
        else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)
    )
    return start, end


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


@transaction.atomic
def create_round(agency, actor, *, year, quarter, agencies, sample_size=5, title=""):
    require_patroller(actor, agency)
    errors = []
    if not _is_int(year) or not 2000 <= year <= 2100:
        errors.append(_("年度无效"))
    if not _is_int(quarter) or not 1 <= quarter <= 4:
        errors.append(_("季度应为1至4"))
    if not _is_int(sample_size) or not 1 <= sample_size <= MAX_SAMPLE:
        errors.append(_("每个机关抽取条数应为1至%(n)s之间的整数") % {"n": MAX_SAMPLE})
    agencies = list(agencies or [])
    allowed = set(evaluable_agencies(agency).values_list("pk", flat=True))
    if not agencies:
        errors.append(_("请至少选择一个被巡查机关"))
    elif any(a.pk not in allowed for a in agencies):
        errors.append(_("被巡查机关须为本机关监督范围内的行政执法机关"))
    if errors:
        raise DomainError("；".join(str(e) for e in errors) + "。", code=ErrorCode.VALIDATION_ERROR)
    start, end = quarter_period(year, quarter)
    if start > clock.today():
        raise DomainError(_("该季度尚未开始，不能开展巡查。"), code=ErrorCode.WRONG_STATE)
    if PatrolRound.objects.filter(agency=agency, year=year, quarter=quarter).exists():
        raise DomainError(
            _("%(y)s年第%(q)s季度的网上巡查已创建。") % {"y": year, "q": quarter},
            ErrorCode.CONFLICT,
        )
    title = (title or "").strip() or _("%(y)s年第%(q)s季度行政执法公示网上巡查") % {
        "y": year,
        "q": quarter,
    }
    try:
        with transaction.atomic():
            rnd = PatrolRound.objects.create(
                agency=agency,
                title=title[:200],
                year=year,
                quarter=quarter,
                period_start=start,
                period_end=end,
                sample_size=sample_size,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise DomainError(_("该季度的网上巡查已创建。"), ErrorCode.CONFLICT) from exc
    rnd.agencies.set(agencies)
    append(
        EventType.PATROL_ROUND_CREATED,
        f"patrol_round:{rnd.pk}",
        {
            "round": rnd.pk,
            "agency": agency.pk,
            "title": rnd.title,
            "year": year,
            "quarter": quarter,
            "period": [start.isoformat(), end.isoformat()],
            "agencies": sorted(a.pk for a in agencies),
            "sample_size": sample_size,
            "checklist_version": rnd.checklist_version,
        },
        actor,
    )
    return rnd


def _locked(rnd):
    return PatrolRound.objects.select_for_update().get(pk=rnd.pk)


def eligible_publications(rnd):
    """Publications of the round's agencies first published inside its quarter."""
    start = dt.datetime.combine(rnd.period_start, dt.time.min)
    end = dt.datetime.combine(rnd.period_end + dt.timedelta(days=1), dt.time.min)
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    return Publication.objects.filter(
        agency__in=rnd.agencies.all(),
        published_at__isnull=False,
        published_at__gte=start.replace(tzinfo=tz),
        published_at__lt=end.replace(tzinfo=tz),
    ).order_by("agency_id", "id")


# --------------------------------------------------------------------------- sampling


def _label(candidate):
    return f"publication:{candidate['publication']}"


def compute_sample(seed_hex, candidates, sample_size):
    """The deterministic draw over ``[{"agency", "publication", "number"}]``: per agency (by
    id) the first ``sample_size`` by HMAC rank. Returns the chosen candidates in that order."""
    seed = bytes.fromhex(seed_hex)
    result = []
    for agency_id in sorted({c["agency"] for c in candidates}):
        members = [c for c in candidates if c["agency"] == agency_id]
        members = draw.ranked(members, seed, _label, lambda c: c["publication"])
        result.extend(
            {"agency": c["agency"], "publication": c["publication"], "number": c["number"]}
            for c in members[:sample_size]
        )
    return result


@transaction.atomic
def sample(rnd, actor, *, seed_hex=None):
    """随机抽取公示信息, one item per publication with its automatic checks.
    ``seed_hex`` for tests and the demo only."""
    require_patroller(actor, rnd.agency)
    rnd = _locked(rnd)
    if rnd.status != RoundStatus.DRAFT:
        raise _transition(_("该巡查批次已抽取，不能重复抽取。"))
    pubs = {p.pk: p for p in eligible_publications(rnd).select_related("agency")}
    if not pubs:
        raise DomainError(
            _("本季度被巡查机关没有公示信息，不能抽取。"), code=ErrorCode.EMPTY_SAMPLE
        )
    candidates = [
        {"agency": p.agency_id, "publication": p.pk, "number": p.document_number}
        for p in pubs.values()
    ]
    seed_hex = seed_hex or draw.new_seed()
    result = compute_sample(seed_hex, candidates, rnd.sample_size)
    now = clock.now()
    rnd.seed = seed_hex
    rnd.candidates = candidates
    rnd.candidates_sha256 = canonical_sha256(candidates)
    rnd.sample_result = result
    rnd.status = RoundStatus.SAMPLED
    rnd.sampled_at = now
    rnd.sampled_by = actor
    rnd.save()
    checked = []
    for order, row in enumerate(result, start=1):
        pub = pubs[row["publication"]]
        results = checks.run_checks(pub, rnd.checklist_version)
        item = PatrolItem.objects.create(
            round=rnd,
            agency_id=row["agency"],
            publication=pub,
            order=order,
            document_number=pub.document_number,
            title=((pub.source or {}).get("title") or "")[:300],
            checks=results,
            checked_at=now,
        )
        checked.append({"item": item.pk, "publication": pub.pk, "checks_sha256": _digest(results)})
    append(
        EventType.PATROL_SAMPLED,
        f"patrol_round:{rnd.pk}",
        {
            "round": rnd.pk,
            "algorithm": ALGORITHM,
            "seed": seed_hex,
            "sample_size": rnd.sample_size,
            "period": [rnd.period_start.isoformat(), rnd.period_end.isoformat()],
            "candidates_count": len(candidates),
            "candidates_sha256": rnd.candidates_sha256,
            "result": result,
            "result_sha256": canonical_sha256(result),
            "checks": checked,
        },
        actor,
    )
    return rnd


def _digest(results):
    return canonical_sha256(results)


def replay_sample(rnd):
    """Recompute the draw from the stored seed and snapshot (raises if the snapshot changed)."""
    if not rnd.seed:
        raise _transition(_("该巡查批次尚未抽取。"))
    if canonical_sha256(rnd.candidates) != rnd.candidates_sha256:
        raise DomainError(_("候选公示信息与抽取时记录的哈希不一致。"), ErrorCode.CONFLICT)
    return compute_sample(rnd.seed, rnd.candidates, rnd.sample_size)


@transaction.atomic
def recheck(item, actor):
    """Run the automatic checks again on an unscored item (e.g. after the agency fixed it)."""
    require_patroller(actor, item.round.agency)
    item = PatrolItem.objects.select_for_update().select_related("publication").get(pk=item.pk)
    if item.submitted_at:
        raise DomainError(_("巡查结果已提交，不可更改。"), ErrorCode.IMMUTABLE)
    results = checks.run_checks(item.publication, item.round.checklist_version)
    item.checks = results
    item.checked_at = clock.now()
    item.save(update_fields=["checks", "checked_at"])
    append(
        EventType.PATROL_RECHECKED,
        f"patrol_item:{item.pk}",
        {"item": item.pk, "publication": item.publication_id, "checks": results},
        actor,
    )
    return item


# --------------------------------------------------------------------------- scoring


def clean_deductions(version, raw):
    """``raw``: {code: (deduction, note)} for the manual items → {code: {deduction, note}};
    raises with every problem (automatic items cannot be scored by hand)."""
    manual = checklist.manual_items(version)
    errors, cleaned = [], {}
    for entry in manual:
        value, note = raw.get(entry.code, (0, ""))
        note = (note or "").strip()
        try:
            value = int(value if value not in (None, "") else 0)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= entry.points:
            errors.append(
                _("“%(l)s”扣分应为0至%(p)s之间的整数") % {"l": entry.label, "p": entry.points}
            )
        elif value > 0 and not note:
            errors.append(_("“%(l)s”有扣分，须写明扣分理由") % {"l": entry.label})
        cleaned[entry.code] = {"deduction": max(value, 0), "note": note[:1000]}
    auto = {i.code for i in checklist.auto_items(version)}
    if set(raw) & auto:
        errors.append(_("自动检查项目由系统评分，不能人工扣分"))
    unknown = set(raw) - {i.code for i in checklist.items(version)}
    if unknown:
        errors.append(_("未知巡查项目：%(c)s") % {"c": "、".join(sorted(unknown))})
    if errors:
        raise DomainError("；".join(str(e) for e in errors) + "。", code=ErrorCode.VALIDATION_ERROR)
    return cleaned


@transaction.atomic
def submit_item(item, actor, *, deductions, comment=""):
    """Fix an item's score (once). ``deductions``: {manual code: (points, note)}."""
    rnd = item.round
    require_patroller(actor, rnd.agency)
    rnd = _locked(rnd)
    item = PatrolItem.objects.select_for_update().get(pk=item.pk)
    if item.submitted_at:
        raise DomainError(_("巡查结果已提交，不可更改。"), ErrorCode.IMMUTABLE)
    if rnd.status not in (RoundStatus.SAMPLED, RoundStatus.SCORING):
        raise _transition(_("该巡查批次不在巡查阶段，不能提交巡查结果。"))
    cleaned = clean_deductions(rnd.checklist_version, deductions)
    score = max(0, 100 - item.auto_deduction - sum(v["deduction"] for v in cleaned.values()))
    item.deductions = cleaned
    item.comment = (comment or "").strip()
    item.score = score
    item.grade = checklist.grade_for(score)
    item.evaluator = actor
    item.submitted_at = clock.now()
    item.save()
    if rnd.status == RoundStatus.SAMPLED:
        rnd.status = RoundStatus.SCORING
        rnd.save(update_fields=["status"])
    append(
        EventType.PATROL_ITEM_SCORED,
        f"patrol_item:{item.pk}",
        {
            "round": rnd.pk,
            "item": item.pk,
            "publication": item.publication_id,
            "checklist_version": rnd.checklist_version,
            "checks_sha256": _digest(item.checks),
            "auto_deduction": item.auto_deduction,
            "deductions": cleaned,
            "score": score,
            "grade": item.grade,
            "findings": finding_kinds(item),
        },
        actor,
    )
    return item


def finding_kinds(item):
    """Kinds of finding on an item: failed automatic checks, ``manual`` for hand deductions."""
    kinds = [c["code"] for c in item.checks or [] if not c.get("ok", True)]
    if any(v.get("deduction") for v in (item.deductions or {}).values()):
        kinds.append("manual")
    return kinds


# --------------------------------------------------------------------------- notices


def items_with_findings(rnd, agency_id):
    return [
        i
        for i in rnd.items.filter(agency_id=agency_id, submitted_at__isnull=False).order_by("order")
        if finding_kinds(i)
    ]


def can_issue_notice(user, rnd, agency_id):
    return bool(
        is_patroller(user, rnd.agency)
        and rnd.status != RoundStatus.DRAFT
        and not PatrolNotice.objects.filter(round=rnd, agency_id=agency_id).exists()
        and items_with_findings(rnd, agency_id)
    )


@transaction.atomic
def issue_notice(rnd, agency, actor, *, requirements, workdays=DEFAULT_RECTIFY_WORKDAYS):
    require_patroller(actor, rnd.agency)
    rnd = _locked(rnd)
    if rnd.status == RoundStatus.DRAFT:
        raise _transition(_("抽取并巡查后才能发出整改通知。"))
    if not rnd.agencies.filter(pk=agency.pk).exists():
        raise DomainError(_("该机关不在本批次巡查范围内。"), code=ErrorCode.NOT_IN_SCOPE)
    if PatrolNotice.objects.filter(round=rnd, agency=agency).exists():
        raise _transition(_("已向该机关发出本批次的整改通知。"))
    found = items_with_findings(rnd, agency.pk)
    if not found:
        raise DomainError(
            _("该机关已提交的巡查结果中没有问题，无须整改。"), code=ErrorCode.WRONG_STATE
        )
    requirements = (requirements or "").strip()
    if not requirements:
        raise DomainError(_("请填写整改要求。"), code=ErrorCode.REQUIRED)
    if not _is_int(workdays) or not 1 <= workdays <= 120:
        raise DomainError(_("整改期限应为1至120个工作日。"), ErrorCode.DEADLINE)
    now = clock.now()
    computed = calendar.deadline(clock.local_date(now), workdays)
    notice = PatrolNotice.objects.create(
        round=rnd,
        agency=agency,
        item_ids=[i.pk for i in found],
        requirements=requirements,
        workdays=workdays,
        deadline=computed.date,
        issued_by=actor,
        issued_at=now,
    )
    deadlines.track("patrol.rectification", notice, computed)
    append(
        EventType.PATROL_NOTICE_ISSUED,
        f"patrol_notice:{notice.pk}",
        {
            "notice": notice.pk,
            "round": rnd.pk,
            "agency": agency.pk,
            "items": notice.item_ids,
            "requirements": requirements,
            "workdays": workdays,
            "deadline": computed.date.isoformat(),
        },
        actor,
    )
    from sanxiang.notifications.services import notify
    from sanxiang.org.models import User

    notify(
        User.objects.filter(agency=agency, role=Role.HEAD, is_active=True),
        _("网上巡查整改通知"),
        _("%(t)s：请于%(d)s前报送整改报告。") % {"t": rnd.title, "d": computed.display()},
        url=reverse("patrol:notice", args=[notice.pk]),
    )
    return notice


def _locked_notice(notice):
    return (
        PatrolNotice.objects.select_for_update().select_related("round", "agency").get(pk=notice.pk)
    )


@transaction.atomic
def submit_report(notice, actor, *, report):
    require_reporter(actor, notice)
    notice = _locked_notice(notice)
    if notice.status not in AWAITING_REPORT:
        raise _transition(_("当前状态不能报送整改报告。"))
    report = (report or "").strip()
    if not report:
        raise DomainError(_("请填写整改报告。"), code=ErrorCode.REQUIRED)
    notice.report = report
    notice.reported_by = actor
    notice.reported_at = clock.now()
    notice.status = NoticeStatus.REPORTED
    notice.save()
    append(
        EventType.PATROL_NOTICE_REPORTED,
        f"patrol_notice:{notice.pk}",
        {
            "notice": notice.pk,
            "report_sha256": hashlib.sha256(report.encode("utf-8")).hexdigest(),
            "late": clock.local_date(notice.reported_at) > notice.deadline,
        },
        actor,
    )
    if notice.issued_by_id:
        from sanxiang.notifications.services import notify

        notify(
            [notice.issued_by],
            _("网上巡查整改报告待审核"),
            _("%(a)s已报送整改报告。") % {"a": notice.agency.name},
            url=reverse("patrol:notice", args=[notice.pk]),
        )
    return notice


@transaction.atomic
def accept_report(notice, actor):
    require_patroller(actor, notice.round.agency)
    notice = _locked_notice(notice)
    if notice.status != NoticeStatus.REPORTED:
        raise _transition(_("整改报告报送后才能审核销号。"))
    notice.status = NoticeStatus.CLOSED
    notice.closed_by = actor
    notice.closed_at = clock.now()
    notice.save()
    append(
        EventType.PATROL_NOTICE_CLOSED,
        f"patrol_notice:{notice.pk}",
        {"notice": notice.pk},
        actor,
    )
    return notice


@transaction.atomic
def return_report(notice, actor, *, reason):
    """退回 once, with a reason."""
    require_patroller(actor, notice.round.agency)
    notice = _locked_notice(notice)
    if notice.status != NoticeStatus.REPORTED:
        raise _transition(_("整改报告报送后才能退回。"))
    if not can_return(notice):
        raise _transition(_("整改报告已退回过一次，不能再次退回。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写退回理由。"), code=ErrorCode.REASON_REQUIRED)
    notice.status = NoticeStatus.RETURNED
    notice.return_reason = reason
    notice.returned_count += 1
    notice.save()
    append(
        EventType.PATROL_NOTICE_RETURNED,
        f"patrol_notice:{notice.pk}",
        {"notice": notice.pk, "reason": reason},
        actor,
    )
    return notice


# --------------------------------------------------------------------------- summary


def build_summary(rnd):
    """Per agency: items, scored, average, grade counts, findings by kind, notice status."""
    items = list(rnd.items.select_related("agency").order_by("agency__path", "order"))
    notices = {n.agency_id: n for n in PatrolNotice.objects.filter(round=rnd)}
    by_agency = {}
    for agency in rnd.agencies.order_by("path"):
        by_agency[agency] = []
    for item in items:
        by_agency.setdefault(item.agency, []).append(item)
    rows = []
    for agency, group in by_agency.items():
        scores = [i.score for i in group if i.score is not None]
        findings = dict.fromkeys(FINDING_KINDS, 0)
        for i in group:
            for kind in finding_kinds(i):
                findings[kind] += 1
        notice = notices.get(agency.pk)
        rows.append(
            {
                "agency": agency.pk,
                "agency_name": agency.name,
                "items": len(group),
                "scored": len(scores),
                "score_sum": sum(scores),
                "average": round(sum(scores) / len(scores), 1) if scores else None,
                "grades": {
                    code: sum(1 for i in group if i.grade == code)
                    for code, _l, _m in checklist.GRADES
                },
                "findings": findings,
                "notice": notice.pk if notice else None,
                "notice_status": notice.status if notice else "",
            }
        )
    return {
        "round": rnd.pk,
        "title": rnd.title,
        "year": rnd.year,
        "quarter": rnd.quarter,
        "checklist_version": rnd.checklist_version,
        "agencies": rows,
    }


def summary_csv(summary):
    """UTF-8 with BOM (Excel opens it as Chinese text)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [_("被巡查机关"), _("巡查条数"), _("已评分"), _("平均分")]
        + [label for _c, label, _m in checklist.GRADES]
        + [FINDING_LABELS[k] for k in FINDING_KINDS]
        + [_("整改通知")]
    )
    labels = dict(NoticeStatus.choices)
    for row in summary.get("agencies", []):
        writer.writerow(
            [row["agency_name"], row["items"], row["scored"]]
            + ["" if row["average"] is None else row["average"]]
            + [row["grades"].get(code, 0) for code, _l, _m in checklist.GRADES]
            + [row["findings"].get(k, 0) for k in FINDING_KINDS]
            + [str(labels.get(row["notice_status"], "")) or "—"]
        )
    return "\ufeff" + out.getvalue()


@transaction.atomic
def conclude(rnd, actor):
    require_patroller(actor, rnd.agency)
    rnd = _locked(rnd)
    if rnd.status not in (RoundStatus.SAMPLED, RoundStatus.SCORING):
        raise _transition(_("只有巡查中的批次可以办结。"))
    open_items = rnd.items.filter(submitted_at__isnull=True).count()
    if open_items:
        raise _transition(_("还有%(n)s条巡查结果未提交，不能办结。") % {"n": open_items})
    summary = build_summary(rnd)
    rnd.summary = summary
    rnd.summary_sha256 = canonical_sha256(summary)
    rnd.status = RoundStatus.CONCLUDED
    rnd.concluded_at = clock.now()
    rnd.concluded_by = actor
    rnd.save()
    append(
        EventType.PATROL_CONCLUDED,
        f"patrol_round:{rnd.pk}",
        {
            "round": rnd.pk,
            "summary": summary,
            "summary_sha256": rnd.summary_sha256,
            "items": rnd.items.count(),
        },
        actor,
    )
    return rnd
