"""Demo data of 监督预警: run the rules over the demo county and make sure every rule has at
least one alert there, creating the missing conditions the way they arise in an office:

* decisions through the case services (``cases.demo.Builder``): late publication (rule 1),
  a fine outside its tier and repeated minimum fines (6, 8), a decision revoked after
  行政复议 (15, ``cases.services.withdraw_decision``);
* paper records entered afterwards (a timeline entry, no A/V, rules 3, 4), an inspection by
  one certified officer with a colleague from another field (10, 11), a case past its time
  limit (9), a handler facing the same party again and again (7), a review assigned to a
  member of the case team and not concluded in time (2, 12) — rows of the other apps
  written with their models (no decision, so nothing the ledger reconciles);
* a complaint left unanswered (14, submitted through the complaints service), an agency
  without a legal reviewer (13, org service), and a STAGED TAMPER for rule 16: the demo
  itself appends bytes to one stored PDF (the attack simulated explicitly, announced in the
  demo output) and the documents fixity job finds it.

Rule 5 (a fine decided outside its tier with no written reason) is produced by the
discretion demo through the case and discretion services (``discretion/demo.py``).

Then the head of the market bureau acknowledges one alert and the county supervisor
dismisses one. Deterministic: fixed choices, no randomness needed.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from sanxiang.core import clock

log = logging.getLogger("sanxiang.alerts.demo")

KEY = "scj"


def _say(ctx, text):
    if ctx.get("stdout"):
        ctx["stdout"].write(f"    alerts: {text}\n")


def _live_rules(county_ids):
    from .models import LIVE_STATUSES, Alert

    return set(
        Alert.objects.filter(agency_id__in=county_ids, status__in=LIVE_STATUSES).values_list(
            "rule", flat=True
        )
    )


class Conditions:
    def __init__(self, ctx):
        self.ctx = ctx
        self.agency = ctx["agencies"][KEY]
        self.head = ctx["heads"][KEY]
        self.officers = [o for o in ctx["officers"][KEY] if o.user]
        self.handlers = [o for o in self.officers if o.user.role == "handler"]
        self.reviewers = [o for o in self.officers if o.user.role == "reviewer"]
        self.today = clock.today()
        self.n = 0
        self._orm_cases = []

    def at(self, days_ago, hour=10):
        day = self.today - dt.timedelta(days=days_ago)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))

    # ------------------------------------------------------------------ model-level rows

    def orm_case(self, title, **fields):
        from sanxiang.cases.models import Case, CaseHandler, CaseSource, OpeningStatus, Party, Stage

        self.n += 1
        data = {
            "agency": self.agency,
            "act_type": "penalty_general",
            "number": f"{self.agency.short_name or '市监'}立〔{self.today.year}〕Y{self.n:03d}号",
            "title": title,
            "stage": Stage.INVESTIGATION,
            "opening_status": OpeningStatus.APPROVED,
            "field": self.agency.fields[0],
            "region": self.agency.region,
            "place": "青禾县城关镇兴业路8号",
            "source": CaseSource.COMPLAINT,
            "opened_at": self.at(40),
            "deadline": self.today + dt.timedelta(days=50),
            "created_by": self.handlers[0].user,
            "approved_by": self.head,
        }
        data.update(fields)
        case = Case.objects.create(**data)
        for role, officer in (("main", self.handlers[0]), ("investigator", self.handlers[1])):
            CaseHandler.objects.create(case=case, officer=officer, role=role)
        Party.objects.create(
            case=case,
            party_type="legal_person",
            name="青禾县惠民百货超市有限公司",
            usci="91339921MA2QH9001X",
            legal_representative="周某",
        )
        self._orm_cases.append(case)
        return case

    def paper_activity(self, case, officers, days_ago, activity="on_site_inspection"):
        from sanxiang.cases.models import CaseEvent, EventKind

        return CaseEvent.objects.create(
            case=case,
            kind=EventKind.ACTIVITY,
            stage="investigation",
            activity=activity,
            at=self.at(days_ago),
            actor=officers[0].user if officers[0].user else None,
            actor_name=officers[0].name,
            summary="现场检查（纸质笔录补录）",
            data={
                "description": "对当事人经营场所进行现场检查（纸质笔录补录）。",
                "officers": [{"id": o.pk, "name": o.name} for o in officers],
            },
            late_entry=True,
            late_reason="现场使用纸质笔录，事后补录。",
        )

    # ------------------------------------------------------------------ per rule

    def same_handler_party(self):
        for k in range(4):
            self.orm_case(f"销售超过保质期的食品（第{k + 1}次被举报）")

    def case_stalled(self):
        self.orm_case("未按规定明码标价", deadline=self.today - dt.timedelta(days=6))

    def certificate_problem(self):
        other = next(o for o in self.ctx["officers"]["sthj"] if o.user and o.user.role == "handler")
        case = self.orm_case("经营标签不符合规定的预包装食品")
        self.paper_activity(case, [self.handlers[0], other], 12, activity="interview")

    too_few_officers = certificate_problem

    def av_upload_overdue(self):
        from sanxiang.records.requirements import requirement_for

        case = self.orm_case("销售不合格电动自行车头盔")
        for activity in ("on_site_inspection", "evidence_preservation", "seizure", "interview"):
            if requirement_for(case, activity, self.today - dt.timedelta(days=10)):
                self.paper_activity(case, self.handlers[:2], 10, activity=activity)
                return

    def review_overdue(self):
        from sanxiang.documents.models import Document
        from sanxiang.review.models import Review, ReviewScope

        case = self.orm_case("虚假宣传", stage="decision")
        reviewer_officer = self.reviewers[0]
        from sanxiang.cases.models import CaseHandler

        CaseHandler.objects.create(case=case, officer=reviewer_officer, role="investigator")
        doc = Document.objects.create(
            agency=self.agency,
            case=case,
            kind="penalty_decision",
            title="行政处罚决定书",
            content={"facts": "当事人发布虚假广告。"},
            created_by=self.handlers[0].user,
        )
        scope = ReviewScope.objects.create(
            case=case, agency=self.agency, document=doc, required=True, policy_applies=True
        )
        review = Review.objects.create(
            case=case,
            agency=self.agency,
            version=1,
            scope=scope,
            document=doc,
            draft_hash="0" * 64,
            proposal="建议依法给予罚款处罚。",
            submitted_by=self.handlers[0].user,
            status="in_review",
            reviewer=reviewer_officer.user,
            accepted_at=self.at(25),
            accepted_on=self.today - dt.timedelta(days=25),
            deadline=self.today - dt.timedelta(days=10),
        )
        # the leaves review.services would have written (submitted → assigned → accepted):
        # review.Review is reconciled against them (#11.10), so the staged row has them too
        from sanxiang.ledger.events import EventType
        from sanxiang.ledger.personal import digest
        from sanxiang.ledger.services import append_event

        append_event(
            EventType.REVIEW_SUBMITTED,
            case,
            {
                "review": review.pk,
                "version": 1,
                "document": doc.pk,
                "draft_hash": review.draft_hash,
                "materials": [],
                "discretion_within": None,
                "out_of_range": False,
                "version_ref": None,
            },
            self.handlers[0].user,
        )
        append_event(
            EventType.REVIEW_ASSIGNED,
            review,
            {
                "review": review.pk,
                "reviewer": review.reviewer_id,
                "previous_reviewer": None,
                "reason": digest(""),
            },
            self.head,
        )
        append_event(
            EventType.REVIEW_ACCEPTED,
            review,
            {"review": review.pk, "accepted_on": review.accepted_on, "deadline": review.deadline},
            review.reviewer,
        )

    reviewer_on_team = review_overdue

    def complaint_overdue(self):
        from sanxiang.complaints import services as complaints
        from sanxiang.complaints.models import Complaint

        complaint, _code = complaints.submit(
            kind="complaint",
            agency=self.agency,
            content="县市场监管局执法人员检查时未出示执法证件，态度粗暴。",
            name="陈某",
            phone="13905701234",
        )
        Complaint.objects.filter(pk=complaint.pk).update(
            submitted_at=self.at(21), clock_start=self.today - dt.timedelta(days=21)
        )

    def few_reviewers(self):
        from sanxiang.org import services as org
        from sanxiang.org.demo import REGION_CODE, make_usci
        from sanxiang.org.models import AgencyLevel, Officer

        agency = org.create_agency(
            name="青禾县应急管理局",
            short_name="县应急管理局",
            level=AgencyLevel.COUNTY,
            parent=self.ctx["supervisor_agency"],
            usci=make_usci("11", REGION_CODE, "MA2QH0055"),
            region=self.agency.region,
            fields=["emergency"] if "emergency" in _fields() else [],
            address="青禾县城关镇政通路20号",
        )
        for k, name in enumerate(("许建国", "韩立新", "冯志强"), start=1):
            Officer.objects.create(
                agency=agency, name=name, position="执法队员", unit=f"执法{k}中队"
            )

    def integrity_failure(self):
        from sanxiang.documents.integrity import fixity_check
        from sanxiang.documents.models import Document

        doc = (
            Document.objects.filter(agency=self.agency, status="issued")
            .exclude(pdf="")
            .exclude(kind="penalty_decision")
            .order_by("id")
            .first()
        )
        if doc is None:
            return
        # STAGED TAMPER: no service alters an issued document, so the demo simulates the
        # attack itself (a file changed on disk behind the platform's back) and says so.
        try:
            with open(doc.pdf.path, "ab") as fh:
                fh.write(b"\n%% altered outside the platform\n")
        except (OSError, NotImplementedError, ValueError):
            return
        _say(
            self.ctx,
            f"STAGED TAMPER (demo only): appended bytes to the stored PDF of document "
            f"{doc.pk} ({doc.number or doc.title}) to show alert rule 16; the fixity job "
            "finds it",
        )
        fixity_check()

    # ------------------------------------------------------------------ real decisions

    def decisions(self, want):
        """Rules 1, 4, 6, 8, 15 need decided cases: made through the case services."""
        from sanxiang.cases import demo as cases_demo

        builder = _TierBuilder(self.ctx, KEY)
        made = []
        if want & {"fine_outside_tier", "publication_overdue", "listed_act_without_av"}:
            tier = _tier(self.agency)
            if tier is not None and tier.fine_max is not None:
                with _fine(cases_demo, builder.field, 0, str(tier.fine_max + 3000)):
                    builder.tier = tier
                    case, _o = builder.decide(0, 60, 20)
                    made.append(case)
        if "repeated_minimum_fines" in want:
            tier = _tier(self.agency)
            if tier is not None and tier.fine_min is not None:
                builder.tier = tier
                with _fine(cases_demo, builder.field, 0, str(tier.fine_min)):
                    for k in range(5):
                        case, _o = builder.decide(3, 70 + k * 3, 30 + k)
                        made.append(case)
        if "decision_corrected" in want:
            builder.tier = None
            case, _o = builder.decide(1, 80, 40)
            from sanxiang.cases import services as cases

            cases.withdraw_decision(
                case,
                "revoked",
                f"青禾县人民政府行政复议决定书（青政复决字〔{self.today.year}〕3号）撤销该处罚决定。",
                self.head,
            )
        if made and "listed_act_without_av" in want:
            from sanxiang.records.requirements import requirement_for

            case = made[0]
            for activity in ("on_site_inspection", "evidence_preservation", "seizure"):
                if requirement_for(case, activity, self.today - dt.timedelta(days=65)):
                    self.paper_activity(case, builder.officers[:2], 65, activity=activity)
                    break


def _fields():
    from sanxiang.core.fields import EnforcementField

    return set(EnforcementField.values)


def _tier(agency):
    from sanxiang.catalog.models import DiscretionTier, FineBasis

    path_ids = [int(x) for x in agency.path.strip("/").split("/") if x]
    return (
        DiscretionTier.objects.filter(
            benchmark__version__agency_id__in=path_ids,
            benchmark__version__status="published",
            fine_basis=FineBasis.FIXED,
            fine_min__gt=0,
            fine_max__isnull=False,
        )
        .order_by("benchmark__version__agency__path", "id")
        .first()
    )


class _fine:
    """Temporarily set the fine of one of the cases demo's scenarios."""

    def __init__(self, module, field, index, amount):
        self.module, self.field, self.index, self.amount = module, field, index, amount

    def __enter__(self):
        rows = self.module.SCENARIOS[self.field]
        self.saved = list(rows)
        for k in range(len(rows)):
            row = list(rows[k])
            row[5] = self.amount
            rows[k] = tuple(row)

    def __exit__(self, *exc):
        self.module.SCENARIOS[self.field][:] = self.saved
        return False


def _tier_builder_base():
    from sanxiang.cases import demo as cases_demo

    return cases_demo.Builder


class _TierBuilder(_tier_builder_base()):
    """The cases demo builder whose legal review records the discretion tier applied, with a
    written reason for a fine outside it (the 送审 of ``Builder._pass_review``)."""

    REVIEW_NOTE = "一般程序处罚决定一律审核。"
    PROPOSAL = "建议依法给予罚款处罚。"
    JUSTIFICATION = "当事人多次违法，情节较重，按裁量档次以外数额提出处罚建议。"
    REASONING = "经审核，同意。"
    TIER_REASON = "当事人一年内多次销售过期食品，情节较重，按档次以外数额提出处罚建议。"

    def _before_submit(self, case, user):
        if self.tier is not None:
            from sanxiang.discretion.services import record_assessment

            record_assessment(case, user, tier=self.tier, reason=self.TIER_REASON)


BUILDERS = [
    "same_handler_party",
    "case_stalled",
    "certificate_problem",
    "too_few_officers",
    "av_upload_overdue",
    "review_overdue",
    "reviewer_on_team",
    "complaint_overdue",
    "few_reviewers",
    "integrity_failure",
]
DECISION_RULES = {
    "publication_overdue",
    "listed_act_without_av",
    "fine_outside_tier",
    "repeated_minimum_fines",
    "decision_corrected",
}


def load(ctx):
    from sanxiang.org.models import Agency, User

    from . import services
    from .models import Alert, AlertStatus
    from .rules import RULES

    sfj = ctx.get("supervisor_agency")
    if sfj is None or not ctx.get("agencies") or KEY not in ctx["agencies"]:
        return
    county = lambda: list(Agency.objects.subtree_of(sfj).values_list("pk", flat=True))  # noqa: E731
    services.run_rules(None)
    have = _live_rules(county())
    missing = {r.code for r in RULES} - have
    cond = Conditions(ctx)
    done = set()
    for name in BUILDERS:
        if name in missing and name not in done:
            try:
                from django.db import transaction

                with transaction.atomic():
                    getattr(cond, name)()
            except Exception as exc:  # a demo condition that cannot be made is reported
                log.exception("alerts demo: %s", name)
                _say(ctx, f"could not create the condition of {name}: {exc}")
            done.add(name)
    want = missing & DECISION_RULES
    if want:
        try:
            from django.db import transaction

            with transaction.atomic():
                cond.decisions(want)
        except Exception as exc:
            log.exception("alerts demo: decisions")
            _say(ctx, f"could not create decided cases: {exc}")
    run = services.run_rules(None)
    still = {r.code for r in RULES} - _live_rules(county())
    _say(ctx, f"{run.raised} alerts raised; rules without an alert in the county: {sorted(still)}")
    # the lifecycle in action
    head = ctx["heads"][KEY]
    supervisor = (
        User.objects.filter(agency=sfj, role="supervisor", is_active=True).order_by("id").first()
    )
    own = Alert.objects.filter(agency=cond.agency, status=AlertStatus.OPEN).order_by("id")
    first = own.filter(rule="case_stalled").first() or own.first()
    if first is not None:
        services.acknowledge(first, head, "已收到预警，责成承办科室三日内报告办理进度。")
    if supervisor is not None:
        other = own.exclude(pk=getattr(first, "pk", None)).filter(rule="same_handler_party").first()
        if other is not None:
            services.dismiss(
                other, supervisor, "经核查，系同一当事人多处门店分别被举报，不属于选择性执法。"
            )
    ctx["alerts_missing"] = sorted(still)
