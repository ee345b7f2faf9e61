"""Demo data of the discretion consistency check.

1. Every issued demo penalty decision with a fine is in the comparables index; the demo's
   decisions were made without a recorded tier, so the tier is inferred here from the
   benchmark of the case's power whose range holds the fine (demo only — a real decision takes
   its tier from the assessment or the 送审).
2. Every demo case waiting for its decision with a proposed fine gets one assessment by its
   registering handler, against the tier that holds the fine (or the first tier), with a
   written reason when the check flags it.

Deterministic: cases in id order, no randomness needed.
"""

from decimal import Decimal

from sanxiang.core.errors import DomainError

from . import services
from .models import DecidedFine

REASON = "当事人在责令改正期限内拒不改正，且违法行为持续时间较长，依法从重处罚。"


def _tier_for(case, fine):
    from sanxiang.catalog.discretion import check_penalty, find_benchmarks

    if not case.power_id:
        return None
    first = None
    for bench in find_benchmarks(case.agency, case.power):
        for tier in bench.tiers.all():
            first = first or tier
            try:
                if check_penalty(tier, fine=Decimal(fine)).within:
                    return tier
            except DomainError:
                continue
    return first


def load(ctx):
    from sanxiang.cases.models import Case

    out = ctx.get("stdout")
    decided = Case.objects.filter(
        decision_at__isnull=False, decision_outcome="penalty", fine__isnull=False
    ).select_related("agency", "power")
    indexed = 0
    for case in decided.order_by("id"):
        row = services.index_decision(case)
        if row is None:
            continue
        indexed += 1
        if not row.tier_name:
            tier = _tier_for(case, case.fine)
            if tier is not None:
                DecidedFine.objects.filter(pk=row.pk).update(
                    benchmark_code=tier.benchmark.code, tier_name=tier.name
                )
    pending = Case.objects.filter(
        stage="decision", decision_at__isnull=True, proposed_fine__isnull=False
    ).select_related("agency", "power", "created_by")
    recorded = 0
    for case in pending.order_by("id"):
        tier = _tier_for(case, case.proposed_fine)
        if tier is None or case.created_by is None or not services.is_penalty(case):
            continue
        try:
            result = services.evaluate(case, tier)
            services.record_assessment(
                case, case.created_by, tier=tier, reason=REASON if result["flagged"] else ""
            )
            recorded += 1
        except DomainError:
            continue
    if out is not None:
        out.write(f"    discretion: {indexed} decided fines indexed, {recorded} checks recorded")
    _flagged_without_reason(ctx)


# --------------------------------------------------------------------------- alert rule 5

RULE5_KEY = "scj"


def _flagged_without_reason(ctx):
    """Alert rule 5 in the demo (issue #15): a decision whose fine the head lowered below the
    tier's minimum after the 陈述申辩, with no written reason for that amount. Made through
    the real services: the case demo's builder opens, investigates and notifies the case,
    the 送审 names the tier (the proposed fine is inside it, so no reason was needed then),
    and ``cases.services.decide`` issues the lower fine."""
    from django.db import transaction

    from sanxiang.alerts.demo import _tier

    out = ctx.get("stdout")
    if not ctx.get("agencies") or RULE5_KEY not in ctx["agencies"]:
        return
    try:
        with transaction.atomic():
            builder = _LoweredFineBuilder(ctx, RULE5_KEY)
            tier = _tier(builder.agency)
            if tier is None or tier.fine_min is None or tier.fine_min < 2:
                return
            builder.tier = tier
            case = builder.decide_lowered(tier)
    except Exception as exc:  # noqa: BLE001 — a demo condition that cannot be made is reported
        if out is not None:
            out.write(f"    discretion: could not create the rule-5 case: {exc}")
        return
    if out is not None:
        out.write(f"    discretion: {case.number} decided below its tier without a reason")


def _lowered_base():
    from sanxiang.alerts.demo import _TierBuilder

    return _TierBuilder


class _LoweredFineBuilder(_lowered_base()):
    """Proposes the tier's minimum in 送审 (reasoned only if the comparables flag it) and
    lets the head decide half of it without a written reason (the condition of rule 5)."""

    JUSTIFICATION = "按裁量基准该档次的下限提出处罚建议。"
    PROPOSAL = "建议依法给予罚款处罚，罚款数额在裁量档次幅度内。"

    def _before_submit(self, case, user):
        from sanxiang.discretion import services

        flagged = services.evaluate(case, self.tier)["flagged"]
        services.record_assessment(case, user, tier=self.tier, reason=REASON if flagged else "")

    def decide_lowered(self, tier, n=2, start=50, decided_days=25):
        """As ``Builder.decide`` with the proposed fine = the tier's minimum and the decided
        fine half of it (the head's own reduction, not reasoned in writing)."""
        from sanxiang.alerts.demo import _fine
        from sanxiang.cases import demo as cases_demo

        self.tier = tier
        proposed = tier.fine_min
        decided = (Decimal(proposed) / 2).quantize(Decimal("1"))
        statement = (
            "当事人称系初次违法且已全部召回问题商品，请求减轻处罚。",
            True,
            "当事人所述属实，予以采纳。",
        )
        with _fine(cases_demo, self.field, n, str(proposed)):
            case, _officers = self.decide(
                n, start, decided_days, fine=str(decided), statement=statement
            )
        case.refresh_from_db()
        return case
