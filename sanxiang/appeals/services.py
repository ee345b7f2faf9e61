"""行政复议 / 行政诉讼 against a decision: record, accept, extend, outcome, figures.

Every change is ledgered (subject ``case:<id>``) through ``leaves.record``: the notes and
outcome texts a user typed only as keyed digests (issue #11 item 4). An outcome that
revokes or confirms the decision illegal withdraws it through
``cases.services.withdraw_decision`` (whose signal makes publicity take the publication
down); for an archived case, whose record can no longer change, the publication is withdrawn
through ``publicity.services.withdraw_for_case``. A 变更 outcome corrects the live
publication through ``publicity.services.correct_publication``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.ledger.events import EventType
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_role, require_same_agency

from . import leaves, limits, storage
from .models import (
    CORRECTED_OUTCOMES,
    Appeal,
    AppealDocument,
    AppealKind,
    AppealStatus,
    Outcome,
)

RECORDER_ROLES = (Role.HANDLER, Role.REVIEWER, Role.HEAD)
NOT_COUNTED_OUTCOMES = ("transfer", "revoke")


# --------------------------------------------------------------------------- helpers


def require_recorder(actor, agency_id, roles=(), message=None):
    """``actor`` holds one of ``roles`` (default ``RECORDER_ROLES``) in the agency that
    answers for the row (the 被申请人/被告 of an appeal, the agency of a transfer)."""
    require_role(actor, *(roles or RECORDER_ROLES))
    require_same_agency(
        actor, agency_id, message or _("您只能登记本机关作为被申请人/被告的复议、诉讼。")
    )


def _require_recorder(actor, agency_id, *roles):
    require_recorder(actor, agency_id, roles)


def _date(value, label, required=True):
    if value in (None, ""):
        if required:
            raise DomainError(_("请填写%(f)s。") % {"f": label}, code=ErrorCode.REQUIRED)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DomainError(
            _("%(f)s不是有效的日期。") % {"f": label}, code=ErrorCode.BAD_FORMAT
        ) from exc


def _not_future(day, label):
    if day > clock.today():
        raise DomainError(_("%(f)s不能晚于今天。") % {"f": label}, code=ErrorCode.BAD_DATE)


def _not_before(day, earlier, label, earlier_label):
    if earlier is not None and day < earlier:
        raise DomainError(
            _("%(f)s（%(d)s）不能早于%(e)s（%(x)s）。")
            % {"f": label, "d": day, "e": earlier_label, "x": earlier},
            ErrorCode.DEADLINE,
        )


def past_date(value, label, *earlier):
    """``value`` (required) as the date of a step taken: not in the future and not before
    any of ``earlier``, ``(day, label)`` pairs (a ``None`` day is not checked)."""
    day = _date(value, label)
    _not_future(day, label)
    for before, before_label in earlier:
        _not_before(day, before, label, before_label)
    return day


def decision_date(case):
    return clock.local_date(case.decision_at) if case.decision_at else None


def _lock(appeal):
    return Appeal.objects.select_for_update().select_related("case", "agency").get(pk=appeal.pk)


def _pending_reconsideration(case, exclude=None):
    """An accepted 复议 of ``case`` without a decision whose time limit has not run out."""
    qs = Appeal.objects.filter(
        case=case, kind=AppealKind.RECONSIDERATION, status=AppealStatus.ACCEPTED
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    today = clock.today()
    return [a for a in qs if a.decision_deadline is None or a.decision_deadline >= today]


def application_deadline(kind, known_on, prior=None, prior_received_on=None):
    """(deadline, article) for applying / filing."""
    if kind == AppealKind.RECONSIDERATION:
        return (
            limits.days_limit(known_on, limits.RECONSIDERATION_APPLY_DAYS),
            _("行政复议法第二十条"),
        )
    if prior is not None:
        start = prior_received_on or prior.decided_on or prior.decision_deadline
        return (
            limits.days_limit(start, limits.LITIGATION_AFTER_RECONSIDERATION_DAYS),
            _("行政诉讼法第四十五条"),
        )
    return (
        limits.months_limit(known_on, limits.LITIGATION_DIRECT_MONTHS),
        _("行政诉讼法第四十六条"),
    )


def decision_deadline_for(appeal) -> dt.date | None:
    if appeal.accepted_on is None:
        return None
    if appeal.kind == AppealKind.RECONSIDERATION:
        days = (
            limits.RECONSIDERATION_SIMPLE_DAYS
            if appeal.simple_procedure
            else limits.RECONSIDERATION_DECIDE_DAYS + appeal.extension_days
        )
        return limits.days_limit(appeal.accepted_on, days)
    if appeal.simple_procedure:
        return limits.days_limit(appeal.accepted_on, limits.LITIGATION_SIMPLE_DAYS)
    return limits.months_limit(appeal.accepted_on, limits.LITIGATION_FIRST_INSTANCE_MONTHS)


def acceptance_deadline_for(appeal) -> dt.date:
    if appeal.kind == AppealKind.RECONSIDERATION:
        return limits.workdays_limit(appeal.applied_on, limits.RECONSIDERATION_ACCEPT_WORKDAYS)
    return limits.days_limit(appeal.applied_on, limits.LITIGATION_FILING_DAYS)


# --------------------------------------------------------------------------- record


@transaction.atomic
def record_appeal(
    case,
    actor,
    *,
    kind,
    body,
    applied_on,
    known_on=None,
    reference="",
    applicant="",
    prior=None,
    prior_received_on=None,
    simple_procedure=False,
) -> Appeal:
    """登记: a 复议 application or a 诉讼 filing against the decision of ``case``."""
    from sanxiang.cases.models import Case

    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_recorder(actor, case.agency_id)
    if kind not in AppealKind.values:
        raise DomainError(_("请选择行政复议或行政诉讼。"), code=ErrorCode.REQUIRED)
    decided = decision_date(case)
    if decided is None:
        raise DomainError(_("本案尚未作出决定，不能登记复议或诉讼。"), ErrorCode.ILLEGAL_TRANSITION)
    body = (body or "").strip()
    if not body:
        raise DomainError(
            _("请填写复议机关。") if kind == AppealKind.RECONSIDERATION else _("请填写人民法院。"),
            code=ErrorCode.REQUIRED,
        )
    applied_on = _date(applied_on, _("申请/起诉日期"))
    served = clock.local_date(case.served_at) if case.served_at else None
    known_on = _date(known_on, _("知道行政行为之日"), required=False) or served or decided
    _not_future(applied_on, _("申请/起诉日期"))
    _not_before(known_on, decided, _("知道行政行为之日"), _("决定日期"))
    _not_before(applied_on, known_on, _("申请/起诉日期"), _("知道行政行为之日"))
    prior_received_on = _date(prior_received_on, _("收到复议决定书之日"), required=False)
    if prior is not None:
        if kind != AppealKind.LITIGATION:
            raise DomainError(
                _("只有行政诉讼可以关联此前的行政复议。"), code=ErrorCode.INCONSISTENT
            )
        if prior.case_id != case.pk or prior.kind != AppealKind.RECONSIDERATION:
            raise DomainError(_("关联的行政复议不属于本案。"), code=ErrorCode.NOT_IN_SCOPE)
        ended = prior.status == AppealStatus.DECIDED or (
            prior.decision_deadline is not None and prior.decision_deadline < applied_on
        )
        if prior.status == AppealStatus.PENDING or not ended:
            raise DomainError(
                _("关联的行政复议尚未作出决定且未超过复议期限，不能起诉（行政复议法第二十九条）。"),
                ErrorCode.ILLEGAL_TRANSITION,
            )
        if prior_received_on is not None:
            _not_before(
                prior_received_on, prior.decided_on, _("收到复议决定书之日"), _("复议决定日期")
            )
            _not_before(applied_on, prior_received_on, _("起诉日期"), _("收到复议决定书之日"))
    elif kind == AppealKind.LITIGATION and _pending_reconsideration(case):
        raise DomainError(
            _(
                "本案的行政复议已经受理，复议期间不得向人民法院提起行政诉讼（行政复议法第二十九条）；"
                "复议决定后登记诉讼时请关联该复议。"
            ),
            ErrorCode.ILLEGAL_TRANSITION,
        )
    deadline, _article = application_deadline(kind, known_on, prior, prior_received_on)
    appeal = Appeal.objects.create(
        agency=case.agency,
        case=case,
        kind=kind,
        body=body[:200],
        reference=(reference or "").strip()[:100],
        applicant=(applicant or "").strip()[:100],
        prior=prior,
        known_on=known_on,
        prior_received_on=prior_received_on,
        applied_on=applied_on,
        application_deadline=deadline,
        late_application=applied_on > deadline,
        simple_procedure=bool(simple_procedure),
        recorded_by=actor,
    )
    appeal.acceptance_deadline = acceptance_deadline_for(appeal)
    appeal.save(update_fields=["acceptance_deadline"])
    leaves.record(
        EventType.APPEAL_RECORDED,
        appeal,
        {
            "kind": kind,
            "body": appeal.body,
            "reference": appeal.reference,
            "prior": prior.pk if prior else None,
            "known_on": known_on,
            "applied_on": applied_on,
            "application_deadline": deadline,
            "late_application": appeal.late_application,
            "simple_procedure": appeal.simple_procedure,
        },
        actor,
        key="appeal",
    )
    return appeal


@transaction.atomic
def accept(appeal, actor, *, accepted_on) -> Appeal:
    """受理 (复议) / 立案 (诉讼): starts the time limit for the decision or judgment."""
    appeal = _lock(appeal)
    _require_recorder(actor, appeal.agency_id)
    if appeal.status != AppealStatus.PENDING:
        raise DomainError(_("该复议/诉讼已受理。"), ErrorCode.ILLEGAL_TRANSITION)
    accepted_on = past_date(
        accepted_on, _("受理/立案日期"), (appeal.applied_on, _("申请/起诉日期"))
    )
    appeal.accepted_on = accepted_on
    appeal.status = AppealStatus.ACCEPTED
    appeal.decision_deadline = decision_deadline_for(appeal)
    appeal.save()
    leaves.record(
        EventType.APPEAL_ACCEPTED,
        appeal,
        {"accepted_on": accepted_on, "decision_deadline": appeal.decision_deadline},
        actor,
        key="appeal",
    )
    return appeal


@transaction.atomic
def extend(appeal, actor, *, days, note) -> Appeal:
    """行政复议法第六十二条: 情况复杂，经批准延长，最多不得超过三十日 (普通程序)."""
    appeal = _lock(appeal)
    _require_recorder(actor, appeal.agency_id)
    if appeal.kind != AppealKind.RECONSIDERATION:
        raise DomainError(_("只有行政复议可以登记延长审理期限。"), code=ErrorCode.INCONSISTENT)
    if appeal.simple_procedure:
        raise DomainError(
            _(
                "简易程序的行政复议不能延长（行政复议法第六十二条第二款）；如需延长请先转为普通程序。"
            ),
            code=ErrorCode.LEGAL_REQUIREMENT,
        )
    if appeal.status != AppealStatus.ACCEPTED:
        raise DomainError(
            _("只有已受理、尚未作出决定的行政复议可以延长。"), ErrorCode.ILLEGAL_TRANSITION
        )
    try:
        days = int(days)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("请填写延长天数。"), code=ErrorCode.REQUIRED) from exc
    if days < 1 or appeal.extension_days + days > limits.RECONSIDERATION_EXTEND_MAX_DAYS:
        raise DomainError(
            _("延长期限最多不得超过三十日（行政复议法第六十二条），已延长 %(n)s 日。")
            % {"n": appeal.extension_days},
            ErrorCode.DEADLINE,
        )
    note = (note or "").strip()
    if not note:
        raise DomainError(
            _("请填写延长理由（情况复杂的具体情形）及批准情况。"), code=ErrorCode.REASON_REQUIRED
        )
    appeal.extension_days += days
    appeal.extension_note = note[:500]
    appeal.decision_deadline = decision_deadline_for(appeal)
    appeal.save()
    leaves.record(
        EventType.APPEAL_EXTENDED,
        appeal,
        {
            "days": days,
            "total": appeal.extension_days,
            "note": note,
            "deadline": appeal.decision_deadline,
        },
        actor,
        key="appeal",
        typed=("note",),
    )
    return appeal


# --------------------------------------------------------------------------- outcome


def _withdraw_publication(appeal, actor, kind, reason):
    """Take the decision down through the cases service (publicity follows its signal), or
    through publicity directly when the case record can no longer change (archived)."""
    from sanxiang.cases import services as cases
    from sanxiang.cases.models import Stage
    from sanxiang.publicity import services as publicity

    case = appeal.case
    case.refresh_from_db()
    if case.withdrawal_kind:
        return "already"
    if case.stage == Stage.ARCHIVED:
        publicity.withdraw_for_case(case.pk, kind=kind, reason=reason, actor=actor)
        return "publicity"
    cases.withdraw_decision(case, kind, reason, actor)
    return "case"


def _correct_publication(appeal, actor, conclusion, note):
    from sanxiang.publicity import services as publicity
    from sanxiang.publicity.models import Publication, PublicationStatus

    done = 0
    live = Publication.objects.filter(case_id=appeal.case_id, status=PublicationStatus.PUBLISHED)
    for publication in live:
        publicity.correct_publication(
            publication, changes={"conclusion": conclusion}, note=note, actor=actor, checked=True
        )
        done += 1
    return done


@transaction.atomic
def record_outcome(
    appeal,
    actor,
    *,
    outcome,
    decided_on,
    document,
    note="",
    redo_ordered=False,
    changed_conclusion="",
) -> Appeal:
    """结果: the 复议决定 / 判决 / 裁定 / 调解 / 撤回 with its document (name, bytes)."""
    from sanxiang.cases.models import WithdrawalKind

    appeal = _lock(appeal)
    if outcome not in Outcome.values:
        raise DomainError(_("请选择复议/诉讼结果。"), code=ErrorCode.REQUIRED)
    touches_decision = outcome in (Outcome.REVOKED, Outcome.CONFIRMED_ILLEGAL, Outcome.CHANGED)
    if touches_decision:
        _require_recorder(actor, appeal.agency_id, Role.HEAD)
    else:
        _require_recorder(actor, appeal.agency_id)
    if appeal.status == AppealStatus.DECIDED:
        raise DomainError(_("该复议/诉讼已登记结果。"), ErrorCode.CONFLICT)
    if appeal.status == AppealStatus.PENDING and outcome != Outcome.WITHDRAWN:
        raise DomainError(
            _("尚未受理/立案，不能登记结果；请先登记受理日期（申请人撤回的除外）。"),
            ErrorCode.ILLEGAL_TRANSITION,
        )
    decided_on = past_date(
        decided_on,
        _("决定/裁判日期"),
        (appeal.applied_on, _("申请/起诉日期")),
        (appeal.accepted_on, _("受理/立案日期")),
    )
    note = (note or "").strip()
    changed_conclusion = (changed_conclusion or "").strip()
    if outcome == Outcome.CHANGED and not changed_conclusion:
        raise DomainError(
            _("变更决定须填写变更后的处理结果（用于更正公示信息）。"), code=ErrorCode.REQUIRED
        )
    if redo_ordered and outcome != Outcome.REVOKED:
        raise DomainError(
            _("只有撤销的结果可以同时责令重新作出行政行为。"), code=ErrorCode.INCONSISTENT
        )
    if document is None:
        raise DomainError(
            _("请上传结果文书（复议决定书、判决书、裁定书或调解书）。"),
            code=ErrorCode.MISSING_MATERIAL,
        )
    name, data = document if isinstance(document, tuple) else (document.name, document.read())
    found = storage.check(name, data)
    key, sha = storage.put(data)
    AppealDocument.objects.create(
        appeal=appeal,
        name=str(name).rsplit("/", 1)[-1][:200],
        content_type=found.mime,
        size=len(data),
        sha256=sha,
        storage_key=key,
        uploaded_by=actor,
    )
    appeal.outcome = outcome
    appeal.redo_ordered = bool(redo_ordered)
    appeal.decided_on = decided_on
    appeal.outcome_note = note
    appeal.changed_conclusion = changed_conclusion
    appeal.status = AppealStatus.DECIDED
    appeal.decided_late = bool(appeal.decision_deadline and decided_on > appeal.decision_deadline)
    appeal.save()
    label = f"{appeal.get_kind_display()}{appeal.reference and '（' + appeal.reference + '）'}"
    effect = ""
    if outcome in (Outcome.REVOKED, Outcome.CONFIRMED_ILLEGAL):
        kind = (
            WithdrawalKind.CONFIRMED_ILLEGAL
            if outcome == Outcome.CONFIRMED_ILLEGAL
            else (WithdrawalKind.ORDERED_REDONE if redo_ordered else WithdrawalKind.REVOKED)
        )
        reason = _("%(l)s：%(b)s作出%(o)s决定。%(n)s") % {
            "l": label,
            "b": appeal.body,
            "o": appeal.get_outcome_display(),
            "n": note,
        }
        effect = _withdraw_publication(appeal, actor, kind, reason.strip())
    elif outcome == Outcome.CHANGED:
        count = _correct_publication(
            appeal,
            actor,
            changed_conclusion,
            _("%(l)s：%(b)s变更原决定。") % {"l": label, "b": appeal.body},
        )
        effect = f"corrected:{count}"
    leaves.record(
        EventType.APPEAL_DECIDED,
        appeal,
        {
            "outcome": outcome,
            "redo_ordered": appeal.redo_ordered,
            "decided_on": decided_on,
            "decided_late": appeal.decided_late,
            "document_sha256": sha,
            "note": note,
            "changed_conclusion": changed_conclusion,
            "corrected": outcome in CORRECTED_OUTCOMES,
            "effect": effect,
        },
        actor,
        key="appeal",
        typed=("note", "changed_conclusion"),
    )
    return appeal


# --------------------------------------------------------------------------- reading


def flags(appeal, today=None) -> list[str]:
    """Time-limit findings (Chinese) for display."""
    today = today or clock.today()
    out = []
    if appeal.late_application:
        out.append(_("申请/起诉超过法定期限（截止 %(d)s）") % {"d": appeal.application_deadline})
    if appeal.status == AppealStatus.PENDING and appeal.acceptance_deadline:
        if today > appeal.acceptance_deadline:
            out.append(
                _("受理审查期限已过（%(d)s）；行政复议未决定不予受理的，视为受理（第三十条）")
                % {"d": appeal.acceptance_deadline}
            )
    if appeal.status == AppealStatus.ACCEPTED and appeal.decision_deadline:
        if today > appeal.decision_deadline:
            out.append(_("已超过决定/裁判期限（%(d)s）") % {"d": appeal.decision_deadline})
    if appeal.decided_late:
        out.append(_("结果晚于期限（%(d)s）作出") % {"d": appeal.decision_deadline})
    return out


def figures_year(raw) -> int:
    """The year asked for the figures: empty or not a number → this year; a number outside
    2000–2100 is refused (a far year is no report and broke the date lookups)."""
    try:
        year = int(raw or clock.today().year)
    except (TypeError, ValueError):
        return clock.today().year
    if not 2000 <= year <= 2100:
        raise DomainError(_("年度应在 2000 至 2100 之间。"), code=ErrorCode.OUT_OF_RANGE)
    return year


def appeal_figures(agencies, year) -> list[dict]:
    """Per agency: decisions made in ``year`` and how many of them were 被复议 / 被诉 / 被纠错.

    被复议率 = decisions of the year with at least one recorded 行政复议 / decisions of the
    year; 被诉率 likewise with 行政诉讼; 被纠错率 = decisions of the year with an outcome of
    撤销、变更、确认违法 or 责令履行 in a 复议 or 诉讼 / decisions of the year. Rates are
    percentages with one decimal, ``None`` without decisions.
    """
    from sanxiang.cases.models import CaseEvent, EventKind

    rows = []
    for agency in agencies:
        # decisions towards a party made in the year, from the append-only case timeline
        # (a decision later withdrawn still counts; 移送 / 撤销案件 are not decisions towards
        # the party and do not count)
        ids = set(
            CaseEvent.objects.filter(case__agency=agency, kind=EventKind.DECISION, at__year=year)
            .exclude(data__outcome__in=NOT_COUNTED_OUTCOMES)
            .values_list("case_id", flat=True)
        )
        appeals = Appeal.objects.filter(case_id__in=ids)
        recon = set(
            appeals.filter(kind=AppealKind.RECONSIDERATION).values_list("case_id", flat=True)
        )
        litig = set(appeals.filter(kind=AppealKind.LITIGATION).values_list("case_id", flat=True))
        corrected = set(
            appeals.filter(Q(outcome__in=CORRECTED_OUTCOMES)).values_list("case_id", flat=True)
        )
        n = len(ids)

        def rate(k, n=n):
            return round(100.0 * k / n, 1) if n else None

        rows.append(
            {
                "agency_id": agency.pk,
                "agency": str(agency),
                "year": year,
                "decisions": n,
                "reconsidered": len(recon),
                "litigated": len(litig),
                "corrected": len(corrected),
                "reconsideration_rate": rate(len(recon)),
                "litigation_rate": rate(len(litig)),
                "correction_rate": rate(len(corrected)),
            }
        )
    return rows
