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

The rules shared with 案卷评查 are written once in ``sanxiang.evaluation.shared.services``;
this module plugs 网上巡查 into it (``SCHEME``). Leaves hold what a user typed (title, notes,
整改要求, return reason) by keyed digest (#11.4).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from sanxiang.core import clock, draw
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.evaluation.shared import services as shared
from sanxiang.evaluation.shared.services import (  # noqa: F401  (the app's surface)
    AWAITING_REPORT,
    DEFAULT_RECTIFY_WORKDAYS,
    MAX_RETURNS,
    REPORTER_ROLES,
    can_report,
    can_return,
    evaluable_agencies,
    require_reporter,
)
from sanxiang.ledger import personal
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event, canonical_sha256
from sanxiang.org.models import Role
from sanxiang.publicity.models import Publication
from sanxiang.workdays import deadlines

from . import checklist, checks
from .labels import quarter_label
from .models import NoticeStatus, PatrolItem, PatrolNotice, PatrolRound, RoundStatus

__all__ = ["evaluable_agencies"]

MAX_SAMPLE = 50
ALGORITHM = "HMAC-SHA256 rank per agency of publication:<id>, first sample_size (v1)"
FINDING_KINDS = ("fields", "timeliness", "redaction", "portal", "manual")
FINDING_LABELS = {
    "fields": "公示要素缺失",
    "timeliness": "逾期公示",
    "redaction": "脱敏不到位",
    "portal": "公开页面状态错误（含撤下后仍可访问）",
    "manual": "人工巡查扣分",
}

SCHEME = shared.Scheme(
    app="patrol",
    key="notice",
    name=_lazy("网上巡查"),
    noun=_lazy("巡查"),
    models=(PatrolRound, PatrolNotice),
    entries="items",
    texts={
        "not_sampled": _lazy("该巡查批次尚未抽取。"),
        "snapshot_changed": _lazy("候选公示信息与抽取时记录的哈希不一致。"),
        "immutable": _lazy("巡查结果已提交，不可更改。"),
        "not_scoring": _lazy("该巡查批次不在巡查阶段，不能提交巡查结果。"),
        "open_entries": _lazy("还有%(n)s条巡查结果未提交，不能办结。"),
    },
    notice_related=("round", "agency"),
)


# --------------------------------------------------------------------------- permissions


is_patroller = SCHEME.is_organiser
require_patroller = SCHEME.require_organiser
can_decide = SCHEME.can_decide
_transition = shared.transition
_is_int = shared.is_int


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
    errors += shared.check_agencies(agency, agencies, noun=SCHEME.noun)
    shared.refuse(errors)
    start, end = quarter_period(year, quarter)
    if start > clock.today():
        raise DomainError(_("该季度尚未开始，不能开展巡查。"), code=ErrorCode.WRONG_STATE)
    if PatrolRound.objects.filter(agency=agency, year=year, quarter=quarter).exists():
        raise DomainError(
            _("%(quarter)s的网上巡查已创建。") % {"quarter": quarter_label(year, quarter)},
            ErrorCode.CONFLICT,
        )
    title = (title or "").strip() or _("%(quarter)s行政执法公示网上巡查") % {
        "quarter": quarter_label(year, quarter)
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
    append_event(
        EventType.PATROL_ROUND_CREATED,
        f"patrol_round:{rnd.pk}",
        {
            "round": rnd.pk,
            "agency": agency.pk,
            "title": personal.digest(rnd.title),
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


_locked = SCHEME.locked


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
    return shared.draw_per_agency(
        seed_hex, candidates, key="publication", label=_label, take=lambda count: sample_size
    )


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
    SCHEME.record_draw(rnd, actor, seed_hex=seed_hex, candidates=candidates, result=result)
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
            checked_at=rnd.sampled_at,
        )
        checked.append({"item": item.pk, "publication": pub.pk, "checks_sha256": _digest(results)})
    append_event(
        EventType.PATROL_SAMPLED,
        f"patrol_round:{rnd.pk}",
        {
            **shared.draw_leaf(rnd, ALGORITHM),
            "sample_size": rnd.sample_size,
            "checks": checked,
        },
        actor,
    )
    return rnd


def _digest(results):
    return canonical_sha256(results)


def replay_sample(rnd):
    """Recompute the draw from the stored seed and snapshot (raises if the snapshot changed)."""
    return SCHEME.replay(rnd, lambda r: compute_sample(r.seed, r.candidates, r.sample_size))


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
    append_event(
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
    errors, cleaned = shared.check_deductions(
        checklist.manual_items(version),
        raw,
        known=checklist.items(version),
        noun=SCHEME.noun,
        note_max=1000,
    )
    if set(raw) & {i.code for i in checklist.auto_items(version)}:
        errors.append(_("自动检查项目由系统评分，不能人工扣分"))
    shared.refuse(errors)
    return cleaned


def submit_item(item, actor, *, deductions, comment=""):
    """Fix an item's score (once). ``deductions``: {manual code: (points, note)}."""
    return SCHEME.submit_score(
        item,
        actor,
        clean=lambda version: clean_deductions(version, deductions),
        comment=comment,
        event=EventType.PATROL_ITEM_SCORED,
        leaf=lambda i: {
            "item": i.pk,
            "publication": i.publication_id,
            "checks_sha256": _digest(i.checks),
            "auto_deduction": i.auto_deduction,
            "findings": finding_kinds(i),
        },
    )


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
    requirements, workdays = shared.clean_notice(requirements, workdays)
    now, computed = shared.notice_deadline(workdays)
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
    SCHEME.ledger_issued(notice, actor, round=rnd.pk, items=notice.item_ids)
    from sanxiang.notifications.services import notify
    from sanxiang.org.models import User

    notify(
        User.objects.filter(agency=agency, role=Role.HEAD, is_active=True),
        _("网上巡查整改通知"),
        _("%(t)s：请于%(d)s前报送整改报告。") % {"t": rnd.title, "d": computed.display()},
        url=reverse("patrol:notice", args=[notice.pk]),
    )
    return notice


@transaction.atomic
def submit_report(notice, actor, *, report):
    """整改报告 by the agency's handler or head; the issuer is told."""
    notice = SCHEME.submit_report(notice, actor, report=report)
    if notice.issued_by_id:
        from sanxiang.notifications.services import notify

        notify(
            [notice.issued_by],
            _("网上巡查整改报告待审核"),
            _("%(a)s已报送整改报告。") % {"a": notice.agency.name},
            url=reverse("patrol:notice", args=[notice.pk]),
        )
    return notice


accept_report = SCHEME.accept_report
return_report = SCHEME.return_report


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
                "average": shared.average(scores),
                "grades": shared.grade_counts(group),
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
    labels = dict(NoticeStatus.choices)
    return shared.csv_text(
        [_("被巡查机关"), _("巡查条数"), _("已评分"), _("平均分")]
        + [label for _c, label, _m in checklist.GRADES]
        + [FINDING_LABELS[k] for k in FINDING_KINDS]
        + [_("整改通知")],
        (
            [row["agency_name"], row["items"], row["scored"]]
            + ["" if row["average"] is None else row["average"]]
            + [row["grades"].get(code, 0) for code, _l, _m in checklist.GRADES]
            + [row["findings"].get(k, 0) for k in FINDING_KINDS]
            + [str(labels.get(row["notice_status"], "")) or "—"]
            for row in summary.get("agencies", [])
        ),
    )


def conclude(rnd, actor):
    return SCHEME.conclude(rnd, actor, build_summary, summary_in_leaf=True)
