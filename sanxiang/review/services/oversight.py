"""Review services: diff, oversight."""

from __future__ import annotations

import contextlib
import difflib
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.org.models import Officer, Role, User
from sanxiang.org.permissions import require_role

from ..models import (
    OPEN_STATUSES,
    Opinion,
    OpinionKind,
    Review,
    ReviewStatus,
)
from ._base import (
    REVIEWER_RATIO,
)
from .workflow import open_workload

# --------------------------------------------------------------------------- diff


def _text_diff(a: str, b: str) -> list[tuple[str, str]]:
    """Character diff (Chinese has no spaces) made readable: equal runs of one or two
    characters between changes are folded into the change, so a rewritten phrase shows as
    one deletion and one insertion instead of confetti."""
    ops = []  # [tag, old, new]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        ops.append(["equal" if tag == "equal" else "change", a[i1:i2], b[j1:j2]])
    for i in range(1, len(ops) - 1):
        if (
            ops[i][0] == "equal"
            and len(ops[i][1]) <= 2
            and ops[i - 1][0] == ops[i + 1][0] == "change"
        ):
            ops[i][0] = "change"
    merged = []
    for op in ops:
        if merged and op[0] == "change" and merged[-1][0] == "change":
            merged[-1][1] += op[1]
            merged[-1][2] += op[2]
        else:
            merged.append(list(op))
    out = []
    for tag, old, new in merged:
        if tag == "equal":
            out.append(("equal", old))
            continue
        if old:
            out.append(("delete", old))
        if new:
            out.append(("insert", new))
    return out


def draft_diff(review) -> list[dict]:
    """Field-by-field differences between the previous submission's draft and this one."""
    if review.previous_id is None:
        return []
    old = (review.previous.draft_snapshot or {}).get("content", {}) or {}
    new = (review.draft_snapshot or {}).get("content", {}) or {}
    labels = {}
    with contextlib.suppress(
        AttributeError, DomainError
    ):  # no document / unknown kind: keys as labels
        for f in review.document.spec.fields:
            labels[f.key] = str(f.label)
    keys = list(labels) + sorted(k for k in set(old) | set(new) if k not in labels)
    out = []
    for key in keys:
        a, b = str(old.get(key, "") or ""), str(new.get(key, "") or "")
        if key not in old and key not in new:
            continue
        segments = _text_diff(a, b) if a != b else [("equal", a)]
        out.append(
            {
                "key": key,
                "label": labels.get(key, key),
                "changed": a != b,
                "segments": [{"op": op, "text": t} for op, t in segments],
            }
        )
    return out


# --------------------------------------------------------------------------- oversight


def reviewer_ratio(agency, officers=None, reviewers=None) -> dict:
    """法制审核人员 against 5 % of the agency's active officers. ``officers``/``reviewers``:
    counts already read (``stats`` reads them for all agencies in two grouped queries)."""
    if officers is None:
        officers = Officer.objects.filter(agency=agency, is_active=True).count()
    if reviewers is None:
        reviewers = User.objects.filter(agency=agency, role=Role.REVIEWER, is_active=True).count()
    needed = int((Decimal(officers) * REVIEWER_RATIO).to_integral_value(rounding="ROUND_CEILING"))
    ok = reviewers >= needed
    return {
        "agency": agency,
        "officers": officers,
        "reviewers": reviewers,
        "needed": needed,
        "ok": ok,
        "warning": ""
        if ok
        else _("法制审核人员 %(r)d 人，少于执法人员总数（%(o)d 人）的 5%%（应不少于 %(n)d 人）。")
        % {"r": reviewers, "o": officers, "n": needed},
    }


def stats(user, today=None) -> list[dict]:
    """Per agency visible to ``user``: reviewed, agreed, corrected, refused, transferred,
    overdue (open past the deadline or opinion given late), open, reviewer ratio."""
    from sanxiang.org.scoping import visible_agencies

    require_role(user, Role.SUPERVISOR, Role.HEAD, Role.REVIEWER, Role.ADMIN)
    today = today or clock.today()
    agencies = [a for a in visible_agencies(user).order_by("path") if not a.is_supervisor]
    ids = [a.pk for a in agencies]
    counts = {
        r["agency_id"]: r
        for r in Review.objects.filter(agency_id__in=ids)
        .values("agency_id")
        .annotate(
            submitted=Count("id", filter=~Q(status=ReviewStatus.WITHDRAWN)),
            reviewed=Count("id", filter=~Q(outcome="")),
            agreed=Count("id", filter=Q(outcome=OpinionKind.AGREE)),
            corrected=Count("id", filter=Q(outcome=OpinionKind.CORRECT)),
            refused=Count("id", filter=Q(outcome=OpinionKind.REFUSE)),
            transferred=Count("id", filter=Q(outcome=OpinionKind.TRANSFER)),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            disputed=Count("id", filter=Q(status=ReviewStatus.DISPUTED)),
            late=Count("id", filter=Q(opinion__late=True)),
        )
    }
    officers = dict(
        Officer.objects.filter(agency_id__in=ids, is_active=True)
        .values_list("agency_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    reviewers = dict(
        User.objects.filter(agency_id__in=ids, role=Role.REVIEWER, is_active=True)
        .values_list("agency_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    overdue_open = {}
    for r in Review.objects.filter(agency_id__in=ids, status=ReviewStatus.IN_REVIEW).only(
        "agency_id", "deadline", "extended_deadline", "status"
    ):
        d = r.effective_deadline
        if d and today > d:
            overdue_open[r.agency_id] = overdue_open.get(r.agency_id, 0) + 1
    rows = []
    empty = dict.fromkeys(
        (
            "submitted",
            "reviewed",
            "agreed",
            "corrected",
            "refused",
            "transferred",
            "open",
            "disputed",
            "late",
        ),
        0,
    )
    for agency in agencies:
        row = dict(
            empty, **{k: v for k, v in counts.get(agency.pk, {}).items() if k != "agency_id"}
        )
        row["overdue"] = row["late"] + overdue_open.get(agency.pk, 0)
        row["agency"] = agency
        row["ratio"] = reviewer_ratio(
            agency, officers.get(agency.pk, 0), reviewers.get(agency.pk, 0)
        )
        rows.append(row)
    return rows


def reviewer_queue(user):
    """Open reviews of the reviewer (assigned to them) plus unassigned ones of the agency."""
    qs = Review.objects.select_related("case", "reviewer").filter(agency_id=user.agency_id)
    return qs.filter(
        Q(reviewer=user, status__in=OPEN_STATUSES) | Q(status=ReviewStatus.SUBMITTED)
    ).order_by("status", "deadline", "id")


def workload(agency) -> list[dict]:
    users = list(
        User.objects.filter(agency=agency, role=Role.REVIEWER, is_active=True).order_by("id")
    )
    load = open_workload(u.pk for u in users)
    done = dict(
        Opinion.objects.filter(given_by__in=users)
        .values("given_by_id")
        .annotate(n=Count("id"))
        .values_list("given_by_id", "n")
    )
    return [{"user": u, "open": load.get(u.pk, 0), "done": done.get(u.pk, 0)} for u in users]
