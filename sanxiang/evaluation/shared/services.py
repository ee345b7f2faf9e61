"""The rules 案卷评查 and 网上巡查 share, written once; each app describes itself by a
``Scheme`` (its models, ledger event types, subjects and texts) and calls these.

* rounds, sampling, scoring, notices and conclusion: supervisors (role ``supervisor``) of
  the supervisor agency that owns the round (``Scheme.require_organiser``);
* a score: one deduction per checklist entry, 0..points, a note required when > 0
  (``check_deductions``); submitted once, then immutable (``submit_score``);
* 整改通知: 1–120 working days (default 20) after issue (``clean_notice``,
  ``notice_deadline``); issued → reported → closed, or reported → returned (once, with a
  reason) → reported; the agency's handler or head reports (``Scheme.submit_report``,
  ``accept_report``, ``return_report``);
* a round is concluded when every entry is submitted; the summary's SHA-256 is ledgered
  (``Scheme.conclude``).

Ledger leaves commit to what a user typed (titles, notes, comments, requirements,
reasons) only by ``ledger.personal.digest`` (issue #11 item 4); kinds, ids, scores,
grades, dates and hashes stay readable. ``report_sha256`` is the SHA-256 of the 整改报告
as before.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock, draw
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger import personal
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event, canonical_sha256
from sanxiang.org.models import Agency, AgencyKind, Role
from sanxiang.org.permissions import require_role, require_same_agency
from sanxiang.workdays import calendar

from .. import checklist
from .models import AWAITING_REPORT, RectificationStatus

DEFAULT_RECTIFY_WORKDAYS = 20
MAX_RECTIFY_WORKDAYS = 120
MAX_RETURNS = 1
REPORTER_ROLES = (Role.HANDLER, Role.HEAD)
SCORING = ("sampled", "scoring")


def transition(message):
    return DomainError(message, ErrorCode.ILLEGAL_TRANSITION)


def refuse(errors):
    """Raise one validation error listing every problem (none: return)."""
    if errors:
        raise DomainError("；".join(str(e) for e in errors) + "。", code=ErrorCode.VALIDATION_ERROR)


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def evaluable_agencies(agency):
    """Enforcement agencies under the supervisor ``agency``."""
    return (
        Agency.objects.subtree_of(agency)
        .exclude(pk=agency.pk)
        .filter(kind=AgencyKind.ENFORCEMENT)
        .order_by("path")
    )


def check_agencies(agency, agencies, *, noun):
    """Errors for the agencies chosen for a round of ``agency`` (``noun``: 评查/巡查)."""
    allowed = set(evaluable_agencies(agency).values_list("pk", flat=True))
    if not agencies:
        return [_("请至少选择一个被%(w)s机关") % {"w": noun}]
    if any(a.pk not in allowed for a in agencies):
        return [_("被%(w)s机关须为本机关监督范围内的行政执法机关") % {"w": noun}]
    return []


def draw_per_agency(seed_hex, candidates, *, key, label, take):
    """The deterministic draw over ``[{"agency", key, "number"}]``: per agency (by id) its
    candidates ranked by HMAC-SHA256(seed, ``label(candidate)``), then by ``key``, and the
    first ``take(count)`` kept. Returns ``[{"agency", key, "number"}]`` in that order."""
    seed = bytes.fromhex(seed_hex)
    result = []
    for agency_id in sorted({c["agency"] for c in candidates}):
        members = [c for c in candidates if c["agency"] == agency_id]
        members = draw.ranked(members, seed, label, lambda c: c[key])
        result.extend(
            {"agency": c["agency"], key: c[key], "number": c["number"]}
            for c in members[: take(len(members))]
        )
    return result


def draw_leaf(rnd, algorithm):
    """What every sampling leaf says: the round, algorithm, seed, period, the candidates'
    count and SHA-256, the result and its SHA-256."""
    return {
        "round": rnd.pk,
        "algorithm": algorithm,
        "seed": rnd.seed,
        "period": [rnd.period_start.isoformat(), rnd.period_end.isoformat()],
        "candidates_count": len(rnd.candidates),
        "candidates_sha256": rnd.candidates_sha256,
        "result": rnd.sample_result,
        "result_sha256": canonical_sha256(rnd.sample_result),
    }


def can_report(user, notice):
    """May ``user`` report on ``notice`` now (its agency's handler or head, awaiting)?"""
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


def can_return(notice):
    return notice.returned_count < MAX_RETURNS


def check_deductions(entries, raw, *, known, noun, note_max=None):
    """``raw``: {code: (deduction, note)} over checklist ``entries`` → (errors, stored
    {code: {"deduction", "note"}}); a code not in ``known`` is an error too."""
    errors, cleaned = [], {}
    for entry in entries:
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
        cleaned[entry.code] = {"deduction": max(value, 0), "note": note[:note_max]}
    unknown = set(raw) - {i.code for i in known}
    if unknown:
        errors.append(_("未知%(w)s项目：%(c)s") % {"w": noun, "c": "、".join(sorted(unknown))})
    return errors, cleaned


def deductions_leaf(cleaned):
    """The deductions as a leaf holds them: points in clear, each note by digest."""
    return {
        code: {"deduction": v["deduction"], "note": personal.digest(v["note"])}
        for code, v in cleaned.items()
    }


def score_leaf(entry):
    """What every score's leaf says: round, checklist version, deductions (notes by
    digest), score and grade."""
    return {
        "round": entry.round_id,
        "checklist_version": entry.round.checklist_version,
        "deductions": deductions_leaf(entry.deductions),
        "score": entry.score,
        "grade": entry.grade,
    }


def clean_notice(requirements, workdays):
    """(requirements, workdays) of a new notice, or raise."""
    requirements = (requirements or "").strip()
    if not requirements:
        raise DomainError(_("请填写整改要求。"), code=ErrorCode.REQUIRED)
    if not is_int(workdays) or not 1 <= workdays <= MAX_RECTIFY_WORKDAYS:
        raise DomainError(_("整改期限应为1至120个工作日。"), ErrorCode.DEADLINE)
    return requirements, workdays


def notice_deadline(workdays):
    """(now, computed deadline) of a notice issued now with ``workdays`` working days."""
    now = clock.now()
    return now, calendar.deadline(clock.local_date(now), workdays)


def grade_counts(entries):
    return {code: sum(1 for e in entries if e.grade == code) for code, _l, _m in checklist.GRADES}


def average(scores):
    return round(sum(scores) / len(scores), 1) if scores else None


def csv_text(header, rows):
    """UTF-8 with BOM (Excel opens it as Chinese text)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


@dataclass(frozen=True)
class Events:
    """An app's ledger event types of a notice's steps and of the conclusion."""

    issued: str
    reported: str
    returned: str
    closed: str
    concluded: str

    @classmethod
    def named(cls, app, notice):
        """``EventType.<APP>_<NOTICE>_ISSUED`` … and ``EventType.<APP>_CONCLUDED``."""
        steps = ("issued", "reported", "returned", "closed")
        return cls(
            **{step: getattr(EventType, f"{app}_{notice}_{step.upper()}") for step in steps},
            concluded=getattr(EventType, f"{app}_CONCLUDED"),
        )


@dataclass(frozen=True)
class Scheme:
    """One app's way of running rounds.

    ``app``: its label (``evaluation``, ``patrol``); ``key``: what its notice is called in
    ledger payloads and subjects (``rectification``, ``notice``) — so the notice's subject
    is ``<app>_<key>:<id>``, the round's ``<app>_round:<id>``, the event types
    ``EventType.<APP>_<KEY>_ISSUED`` … and ``<APP>_CONCLUDED``; ``name``: 案卷评查 or
    网上巡查 (in refusals); ``noun``: 评查 or 巡查; ``models``: (round model, notice
    model); ``entries``: the round's related name of its scored entries; ``texts``: the
    app's wording of its refusals; ``notice_related``: what a locked notice selects with
    it."""

    app: str
    key: str
    name: str
    noun: str
    models: tuple
    entries: str
    texts: dict = field(default_factory=dict)
    notice_related: tuple = ()

    @property
    def events(self):
        return Events.named(self.app.upper(), self.key.upper())

    @property
    def round_subject(self):
        return f"{self.app}_round"

    @property
    def subject(self):
        return f"{self.app}_{self.key}"

    @property
    def round_model(self):
        return self.models[0]

    @property
    def notice_model(self):
        return self.models[1]

    # ------------------------------------------------------------------ permissions

    def is_organiser(self, user, agency):
        """May ``user`` run rounds of the supervisor ``agency``?"""
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and user.role == Role.SUPERVISOR
            and user.agency_id == agency.pk
            and agency.kind == AgencyKind.SUPERVISOR
        )

    def require_organiser(self, user, agency):
        w = {"w": self.name}
        require_role(
            user, Role.SUPERVISOR, message=_("只有司法行政部门的监督人员可以开展%(w)s。") % w
        )
        require_same_agency(user, agency.pk, message=_("您只能办理本机关组织的%(w)s。") % w)
        if agency.kind != AgencyKind.SUPERVISOR:
            raise PermissionDenied(_("只有司法行政部门（执法监督）可以组织%(w)s。") % w)

    def can_decide(self, user, notice):
        """May ``user`` accept or return ``notice`` now (a report awaits the organiser)?"""
        return (
            self.is_organiser(user, notice.round.agency)
            and notice.status == RectificationStatus.REPORTED
        )

    # ------------------------------------------------------------------ rounds

    def locked(self, rnd):
        return self.round_model.objects.select_for_update().get(pk=rnd.pk)

    def record_draw(self, rnd, actor, *, seed_hex, candidates, result):
        """Store the draw on the (locked) round: seed, candidate snapshot and its SHA-256,
        result; the round is then sampled."""
        rnd.seed = seed_hex
        rnd.candidates = candidates
        rnd.candidates_sha256 = canonical_sha256(candidates)
        rnd.sample_result = result
        rnd.status = SCORING[0]
        rnd.sampled_at = clock.now()
        rnd.sampled_by = actor
        rnd.save()
        return rnd

    def replay(self, rnd, compute):
        """``compute(rnd)`` again over the stored snapshot (raises if it changed)."""
        if not rnd.seed:
            raise transition(self.texts["not_sampled"])
        if canonical_sha256(rnd.candidates) != rnd.candidates_sha256:
            raise DomainError(self.texts["snapshot_changed"], ErrorCode.CONFLICT)
        return compute(rnd)

    @transaction.atomic
    def submit_score(self, entry, actor, *, clean, comment, event, leaf):
        """Fix ``entry``'s score (once): 100 − its ``auto_deduction`` (if any) − the
        deductions ``clean(checklist version)`` returns, at least 0; ledgered as ``event``
        under ``<app>_<entry>:<id>`` with ``score_leaf`` and ``leaf(entry)``. Returns the
        entry as saved (its round locked)."""
        self.require_organiser(actor, entry.round.agency)
        rnd = self.locked(entry.round)
        entry = type(entry).objects.select_for_update().get(pk=entry.pk)
        entry.round = rnd
        if entry.submitted_at:
            raise DomainError(self.texts["immutable"], ErrorCode.IMMUTABLE)
        if rnd.status not in SCORING:
            raise transition(self.texts["not_scoring"])
        cleaned = clean(rnd.checklist_version)
        deduction = getattr(entry, "auto_deduction", 0)
        score = max(0, 100 - deduction - sum(v["deduction"] for v in cleaned.values()))
        entry.deductions = cleaned
        entry.comment = (comment or "").strip()
        entry.score = score
        entry.grade = checklist.grade_for(score)
        entry.evaluator = actor
        entry.submitted_at = clock.now()
        entry.save()
        if rnd.status == SCORING[0]:
            rnd.status = SCORING[1]
            rnd.save(update_fields=["status"])
        subject = f"{self.app}_{self.entries.removesuffix('s')}:{entry.pk}"
        append_event(event, subject, {**score_leaf(entry), **leaf(entry)}, actor)
        return entry

    @transaction.atomic
    def conclude(self, rnd, actor, build_summary, *, summary_in_leaf=False):
        """办结: every entry submitted; the summary and its SHA-256 are stored and
        ledgered (the summary itself too with ``summary_in_leaf``, its title by digest)."""
        self.require_organiser(actor, rnd.agency)
        rnd = self.locked(rnd)
        if rnd.status not in SCORING:
            raise transition(_("只有%(w)s中的批次可以办结。") % {"w": self.noun})
        entries = getattr(rnd, self.entries)
        open_entries = entries.filter(submitted_at__isnull=True).count()
        if open_entries:
            raise transition(self.texts["open_entries"] % {"n": open_entries})
        summary = build_summary(rnd)
        rnd.summary = summary
        rnd.summary_sha256 = canonical_sha256(summary)
        rnd.status = "concluded"
        rnd.concluded_at = clock.now()
        rnd.concluded_by = actor
        rnd.save()
        payload = {"round": rnd.pk, "summary_sha256": rnd.summary_sha256}
        if summary_in_leaf:
            payload["summary"] = personal.digest_fields(summary, ["title"])
        payload[self.entries] = entries.count()
        append_event(self.events.concluded, f"{self.round_subject}:{rnd.pk}", payload, actor)
        return rnd

    # ------------------------------------------------------------------ notices

    def notice_subject(self, notice):
        return f"{self.subject}:{notice.pk}"

    def ledger_issued(self, notice, actor, **ids):
        append_event(
            self.events.issued,
            self.notice_subject(notice),
            {
                self.key: notice.pk,
                **ids,
                "agency": notice.agency_id,
                "requirements": personal.digest(notice.requirements),
                "workdays": notice.workdays,
                "deadline": notice.deadline.isoformat(),
            },
            actor,
        )

    def locked_notice(self, notice):
        qs = self.notice_model.objects.select_for_update()
        if self.notice_related:
            qs = qs.select_related(*self.notice_related)
        return qs.get(pk=notice.pk)

    @transaction.atomic
    def submit_report(self, notice, actor, *, report):
        """整改报告 by the agency's handler or head (after the notice, or after a return)."""
        require_reporter(actor, notice)
        notice = self.locked_notice(notice)
        if notice.status not in AWAITING_REPORT:
            raise transition(_("当前状态不能报送整改报告。"))
        report = (report or "").strip()
        if not report:
            raise DomainError(_("请填写整改报告。"), code=ErrorCode.REQUIRED)
        notice.report = report
        notice.reported_by = actor
        notice.reported_at = clock.now()
        notice.status = RectificationStatus.REPORTED
        notice.save()
        append_event(
            self.events.reported,
            self.notice_subject(notice),
            {
                self.key: notice.pk,
                "report_sha256": hashlib.sha256(report.encode("utf-8")).hexdigest(),
                "late": clock.local_date(notice.reported_at) > notice.deadline,
            },
            actor,
        )
        return notice

    @transaction.atomic
    def accept_report(self, notice, actor):
        self.require_organiser(actor, notice.round.agency)
        notice = self.locked_notice(notice)
        if notice.status != RectificationStatus.REPORTED:
            raise transition(_("整改报告报送后才能审核销号。"))
        notice.status = RectificationStatus.CLOSED
        notice.closed_by = actor
        notice.closed_at = clock.now()
        notice.save()
        append_event(self.events.closed, self.notice_subject(notice), {self.key: notice.pk}, actor)
        return notice

    @transaction.atomic
    def return_report(self, notice, actor, *, reason):
        """退回 once, with a reason; a second report must then be accepted."""
        self.require_organiser(actor, notice.round.agency)
        notice = self.locked_notice(notice)
        if notice.status != RectificationStatus.REPORTED:
            raise transition(_("整改报告报送后才能退回。"))
        if not can_return(notice):
            raise transition(_("整改报告已退回过一次，不能再次退回。"))
        reason = (reason or "").strip()
        if not reason:
            raise DomainError(_("请填写退回理由。"), code=ErrorCode.REASON_REQUIRED)
        notice.status = RectificationStatus.RETURNED
        notice.return_reason = reason
        notice.returned_count += 1
        notice.save()
        append_event(
            self.events.returned,
            self.notice_subject(notice),
            {self.key: notice.pk, "reason": personal.digest(reason)},
            actor,
        )
        return notice
