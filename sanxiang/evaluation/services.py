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

What 网上巡查 shares (permissions, scoring, the notice's state machine, conclusion) is written
once in ``shared.services``; this module plugs 案卷评查 into it (``SCHEME``). Leaves hold
what a user typed (title, notes, comment, 整改要求, return reason) by keyed digest (#11.4).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from sanxiang.cases.models import Case, Stage
from sanxiang.core import draw
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.ledger import personal
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event
from sanxiang.workdays import deadlines

from . import checklist
from .models import Rectification, Round, RoundStatus, Sheet
from .shared import services as shared
from .shared.services import (  # noqa: F401  (the app's surface)
    AWAITING_REPORT,
    DEFAULT_RECTIFY_WORKDAYS,
    MAX_RETURNS,
    REPORTER_ROLES,
    can_report,
    can_return,
    evaluable_agencies,
    require_reporter,
)

ALGORITHM = "HMAC-SHA256 rank per agency, max(ceil(ratio*count/100), minimum) (v1)"
CLOSED_STAGES = (Stage.CLOSING, Stage.ARCHIVED)

SCHEME = shared.Scheme(
    app="evaluation",
    key="rectification",
    name=_lazy("案卷评查"),
    noun=_lazy("评查"),
    models=(Round, Rectification),
    entries="sheets",
    texts={
        "not_sampled": _lazy("该评查批次尚未抽取案卷。"),
        "snapshot_changed": _lazy("候选案卷与抽取时记录的哈希不一致。"),
        "immutable": _lazy("评分表已提交，不可更改。"),
        "not_scoring": _lazy("该评查批次不在评查阶段，不能提交评分表。"),
        "open_entries": _lazy("还有%(n)s份评分表未提交，不能办结。"),
    },
)


# --------------------------------------------------------------------------- permissions

is_evaluator = SCHEME.is_organiser
require_evaluator = SCHEME.require_organiser
can_decide = SCHEME.can_decide
_transition = shared.transition


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
    errors += shared.check_agencies(agency, agencies, noun=SCHEME.noun)
    shared.refuse(errors)
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
    append_event(
        EventType.EVALUATION_ROUND_CREATED,
        f"evaluation_round:{rnd.pk}",
        {
            "round": rnd.pk,
            "agency": agency.pk,
            "title": personal.digest(title),
            "period": [period_start.isoformat(), period_end.isoformat()],
            "agencies": sorted(a.pk for a in agencies),
            "ratio": ratio,
            "min_per_agency": min_per_agency,
            "checklist_version": rnd.checklist_version,
        },
        actor,
    )
    return rnd


_locked = SCHEME.locked


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
    return shared.draw_per_agency(
        seed_hex,
        candidates,
        key="case",
        label=_label,
        take=lambda count: sample_size(ratio, count, min_per_agency),
    )


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
    SCHEME.record_draw(rnd, actor, seed_hex=seed_hex, candidates=candidates, result=result)
    for order, row in enumerate(result, start=1):
        Sheet.objects.create(
            round=rnd,
            agency_id=row["agency"],
            case_id=row["case"],
            order=order,
            case_number=row["number"],
            case_title=titles[row["case"]][:255],
        )
    append_event(
        EventType.EVALUATION_SAMPLED,
        f"evaluation_round:{rnd.pk}",
        {
            **shared.draw_leaf(rnd, ALGORITHM),
            "ratio": rnd.ratio,
            "min_per_agency": rnd.min_per_agency,
        },
        actor,
    )
    return rnd


def replay_sample(rnd):
    """Recompute the draw from the stored seed and snapshot (raises if the snapshot changed)."""
    return SCHEME.replay(
        rnd, lambda r: compute_sample(r.seed, r.candidates, r.ratio, r.min_per_agency)
    )


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
    errors, cleaned = shared.check_deductions(items, raw, known=items, noun=SCHEME.noun)
    shared.refuse(errors)
    return cleaned


def submit_sheet(sheet, actor, *, deductions, comment=""):
    """Fix a sheet's score (once). ``deductions``: {code: (points, note)}."""
    return SCHEME.submit_score(
        sheet,
        actor,
        clean=lambda version: clean_deductions(version, deductions),
        comment=comment,
        event=EventType.EVALUATION_SHEET_SUBMITTED,
        leaf=lambda s: {
            "sheet": s.pk,
            "case": s.case_id,
            "case_number": s.case_number,
            "comment": personal.digest(s.comment),
        },
    )


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
    requirements, workdays = shared.clean_notice(requirements, workdays)
    now, computed = shared.notice_deadline(workdays)
    rect = Rectification.objects.create(
        sheet=sheet,
        round=sheet.round,
        agency=sheet.agency,
        requirements=requirements,
        workdays=workdays,
        deadline=computed.date,
        issued_by=actor,
        issued_at=now,
    )
    deadlines.track("evaluation.rectification", rect, computed)
    SCHEME.ledger_issued(rect, actor, sheet=sheet.pk)
    return rect


submit_report = SCHEME.submit_report
accept_report = SCHEME.accept_report
return_report = SCHEME.return_report


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
        rows.append(
            {
                "agency": agency.pk,
                "agency_name": agency.name,
                "files": len(items),
                "average": shared.average([s.score for s in items if s.score is not None]),
                "grades": shared.grade_counts(items),
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
    return shared.csv_text(
        [_("被评查机关"), _("抽查案卷数"), _("平均分")]
        + [label for _c, label, _m in checklist.GRADES]
        + [_("未销号整改")],
        (
            [row["agency_name"], row["files"], "" if row["average"] is None else row["average"]]
            + [row["grades"][code] for code, _l, _m in checklist.GRADES]
            + [row["rectifications_open"]]
            for row in summary.get("agencies", [])
        ),
    )


def conclude(rnd, actor):
    return SCHEME.conclude(rnd, actor, build_summary)
