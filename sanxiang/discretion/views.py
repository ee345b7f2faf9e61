"""The discretion consistency page of a case (thin: the rules are in ``services``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from sanxiang.cases.models import Case
from sanxiang.catalog.models import DiscretionTier
from sanxiang.core.errors import DomainError
from sanxiang.org.models import Role
from sanxiang.org.scoping import scope

from . import services


def applicable_tiers(case):
    """Published tiers of the case's agency and its ancestors; the case's item first."""
    tiers = list(
        DiscretionTier.objects.filter(
            benchmark__version__agency__in=case.agency.ancestors(),
            benchmark__version__status="published",
        )
        .select_related("benchmark", "benchmark__version", "benchmark__version__agency")
        .order_by("benchmark__code", "order")[:300]
    )
    code = services.power_code(case)
    return sorted(tiers, key=lambda t: (t.benchmark.power_code != code,))


@login_required
def case_page(request, case_id):
    case = get_object_or_404(
        scope(Case.objects.select_related("agency", "power"), request.user), pk=case_id
    )
    tiers = applicable_tiers(case)
    data = request.POST if request.method == "POST" else request.GET
    tier_id = data.get("tier", "")
    tier = next((t for t in tiers if str(t.pk) == tier_id), None)
    base_amount = data.get("base_amount", "").strip()
    result, error = None, None
    if request.method == "POST":
        try:
            services.record_assessment(
                case,
                request.user,
                tier=tier,
                base_amount=base_amount or None,
                reason=data.get("reason", ""),
            )
            messages.success(request, "已记录裁量一致性核对结果。")
            return redirect(services.assessment_url(case, tier, base_amount or None))
        except DomainError as exc:
            error = exc
    if tier is not None:
        try:
            result = services.evaluate(case, tier, base_amount or None)
        except DomainError as exc:
            error = error or exc
    user = request.user
    may_record = user.agency_id == case.agency_id and user.role in (Role.HANDLER, Role.HEAD)
    return render(
        request,
        "discretion/case.html",
        {
            "case": case,
            "tiers": tiers,
            "tier": tier,
            "base_amount": base_amount,
            "reason": data.get("reason", ""),
            "result": result,
            "error": error,
            "may_record": may_record and not case.decision_at,
            "min_comparables": services.min_comparables(),
            "history": case.discretion_assessments.order_by("-id")[:20],
            "scopes": [
                (s, services.SCOPE_LABELS[s], (result or {}).get("distribution", {}).get(s))
                for s in services.SCOPES
            ],
        },
    )
