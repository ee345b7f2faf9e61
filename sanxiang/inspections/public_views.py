"""Public pages of 双随机抽查结果 under /gs/sj/. No login.

Reads only the publicity app's snapshots of plan publications (written, redacted and
ledgered by ``services.publish_plan`` through ``publicity.services``): never the live
plans, tasks, officers or drafts. The list shows published snapshots still inside their
window; a withdrawn result shows the withdrawal notice only, like a withdrawn decision.
"""

from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sanxiang.core import clock
from sanxiang.publicity.models import Publication, Snapshot, SnapshotState
from sanxiang.publicity.services import public_snapshot_for

from .models import RiskClass
from .services import PUBLICATION_PREFIX, publication_key

MAX_DB_INT = 2**31 - 1


def _not_found(request):
    return render(
        request,
        "publicity/public/not_found.html",
        {"message": "您查找的抽查结果不存在或尚未公示。"},
        status=404,
    )


@require_GET
def plans(request):
    today = clock.today()
    snaps = (
        Snapshot.objects.filter(
            state=SnapshotState.PUBLISHED,
            publication__source_key__startswith=PUBLICATION_PREFIX,
        )
        .filter(Q(visible_until__isnull=True) | Q(visible_until__gte=today))
        .select_related("publication")
        .order_by("-published_at", "-id")
    )
    items = [
        {
            "pk": int(snap.publication.source_key[len(PUBLICATION_PREFIX) :]),
            "published_at": snap.published_at,
            "public_snapshot": snap.details.get("inspection", {}),
        }
        for snap in snaps
    ]
    return render(request, "inspections/public/plans.html", {"plans": items})


@require_GET
def plan(request, pk):
    if pk > MAX_DB_INT:
        return _not_found(request)
    publication = Publication.objects.filter(source_key=publication_key(pk)).first()
    snap = public_snapshot_for(publication.pk) if publication else None
    if snap is None:
        return _not_found(request)
    today = clock.today()
    gone = snap.state in (SnapshotState.EXPIRED, SnapshotState.REMOVED) or (
        snap.state == SnapshotState.PUBLISHED and snap.visible_until and snap.visible_until < today
    )
    withdrawn = snap.state == SnapshotState.WITHDRAWN
    content = {} if (gone or withdrawn) else snap.details.get("inspection", {})
    labels = dict(RiskClass.choices)
    counts = content.get("class_counts", {})
    ratios = [
        (cls, str(labels[cls]), content.get("ratios", {}).get(cls, 0), counts.get(cls, 0))
        for cls in RiskClass.values
    ]
    return render(
        request,
        "inspections/public/plan.html",
        {
            "plan": {"pk": pk, "published_at": snap.published_at},
            "snap": content,
            "record": snap,
            "withdrawn": withdrawn,
            "gone": gone,
            "ratios": ratios,
        },
        status=410 if gone else 200,
    )
