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
