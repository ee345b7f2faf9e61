"""Public pages of 双随机抽查结果 under /gs/sj/. No login.

Reads only plans with ``published_at`` set, and only their ``public_snapshot`` (frozen at
publication by ``services.publish_plan``): never the live tasks, officers or drafts.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Plan, RiskClass


def _published():
    return Plan.objects.filter(published_at__isnull=False)


@require_GET
def plans(request):
    items = (
        _published()
        .order_by("-published_at", "-id")
        .values("pk", "published_at", "public_snapshot")
    )
    return render(request, "inspections/public/plans.html", {"plans": items})


@require_GET
def plan(request, pk):
    row = _published().filter(pk=pk).values("pk", "published_at", "public_snapshot").first()
    if row is None:
        return render(
            request,
            "publicity/public/not_found.html",
            {"message": "您查找的抽查结果不存在或尚未公示。"},
            status=404,
        )
    snap = row["public_snapshot"]
    labels = dict(RiskClass.choices)
    counts = snap.get("class_counts", {})
    ratios = [
        (cls, str(labels[cls]), snap["ratios"].get(cls, 0), counts.get(cls, 0))
        for cls in RiskClass.values
    ]
    return render(
        request,
        "inspections/public/plan.html",
        {"plan": row, "snap": snap, "ratios": ratios},
    )
