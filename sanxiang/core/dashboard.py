"""The supervisor's dashboard (监督看板, issue #13 item 6): per-agency figures as SVG charts
(``core.charts``) with the table behind each chart, every bar and figure a link to the
filtered list (``core.lists``) that holds its rows.

Figures, for the agencies the user may see (``org.scoping``), over the last 12 months:
cases opened/closed by month, legal-review outcomes and overdue reviews (all time, from
``review.services.stats``), publication timeliness, A/V coverage of the activities the
catalogue lists as to be filmed, complaints; and (issue #15 item 5) 监督预警 raised/resolved
by month and by rule, 网上巡查 scores and 整改通知 by quarter, 复议/诉讼 outcomes by month —
each computed by its own app's ``trends`` module.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from sanxiang.core import clock
from sanxiang.core.charts import Series, bar_chart, legend
from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.core.months import counts_by_month, month_end
from sanxiang.org.models import Role
from sanxiang.org.scoping import scope, visible_agencies, visible_agency_ids

MONTHS = 12


def may_see(user):
    return user.is_authenticated and (
        user.role in (Role.SUPERVISOR, Role.ADMIN) or user.is_superuser
    )


def _months(today, n=MONTHS):
    """The first days of the last ``n`` months, oldest first."""
    out = []
    y, m = today.year, today.month
    for _i in range(n):
        out.append(dt.date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return list(reversed(out))


def _url(name, _paths=None, **params):
    """``reverse(name)`` with a query string; ``_paths`` (a dict) keeps the reversed paths
    for a loop that builds many links to the same few pages."""
    params = {k: v for k, v in params.items() if v not in (None, "")}
    if _paths is None:
        path = reverse(name)
    else:
        path = _paths.get(name)
        if path is None:
            path = _paths[name] = reverse(name)
    return path + ("?" + urlencode(params) if params else "")


def _aware(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


ROLLUP_TABLE = "cases_case_month"


def _rollup() -> bool:
    """PostgreSQL keeps per-agency monthly case counts (``cases_case_month``, filled by
    triggers on ``cases_case``, cases migration 0009): the dashboard reads those, at most 12
    rows per agency, instead of every case of the window. SQLite counts the cases."""
    return connection.vendor == "postgresql"


def _scoped_ids(user):
    """The agency ids ``scope`` restricts cases to; None: every agency (a bare superuser)."""
    if user is not None and user.is_authenticated and user.is_superuser and user.agency_id is None:
        return None
    return visible_agency_ids(user)


def _month_counts(agency_ids, since: dt.date, by: str):
    """(key, opened, closed) from the rollup for months from ``since`` on, grouped by
    ``month`` or ``agency_id``; ``agency_ids`` None: all agencies."""
    if by not in ("month", "agency_id"):
        raise ValueError(by)
    where, params = "month >= %s", [since]
    if agency_ids is not None:
        where += " AND agency_id = ANY(%s)"
        params.append(list(agency_ids))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {by}, SUM(opened), SUM(closed) FROM {ROLLUP_TABLE} "  # noqa: S608 - constant identifiers; values are %s parameters
            f"WHERE {where} GROUP BY {by}",
            params,
        )
        return [(k, int(o), int(c)) for k, o, c in cur.fetchall()]


PUBLICATION_ROLLUP_TABLE = "publicity_publication_month"


def _publication_month_counts(agency_ids, since: dt.date):
    """(agency_id, on time, late): published decisions by the month of the decision from
    ``since`` on, from the rollup the database keeps (publicity migration 0007)."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT agency_id, SUM(on_time), SUM(late) FROM {PUBLICATION_ROLLUP_TABLE} "  # noqa: S608 - constant identifier; values are %s parameters
            "WHERE month >= %s AND agency_id = ANY(%s) GROUP BY agency_id",
            [since, list(agency_ids)],
        )
        return [(a, int(o), int(late)) for a, o, late in cur.fetchall()]


def cases_by_month(user, months):
    from sanxiang.cases.models import Case

    start = _aware(months[0])
    if _rollup():
        opened, closed = {}, {}
        for month, o, c in _month_counts(_scoped_ids(user), months[0], "month"):
            opened[month], closed[month] = o, c
    else:
        qs = scope(Case.objects.all(), user)
        opened = counts_by_month(qs.filter(opened_at__gte=start), "opened_at")
        closed = counts_by_month(qs.filter(closed_at__gte=start), "closed_at")
    rows = []
    for first in months:
        last = month_end(first)
        dates = {"date_from": first.isoformat(), "date_to": last.isoformat()}
        rows.append(
            {
                "label": f"{first.year}年{first.month}月",
                "short": f"{first.month}月",
                "opened": opened.get(first, 0),
                "closed": closed.get(first, 0),
                "opened_url": _url("cases:list", **dates),
                "closed_url": _url("cases:list", date_on="closed", **dates),
            }
        )
    return rows


def agency_rows(user, months, today):
    from sanxiang.cases.models import Case
    from sanxiang.complaints.models import OPEN_STATUSES as COMPLAINT_OPEN
    from sanxiang.complaints.models import Complaint
    from sanxiang.publicity.models import Publication, PublicationStatus

    agencies = [a for a in visible_agencies(user).order_by("path") if not a.is_supervisor]
    ids = [a.pk for a in agencies]
    start = _aware(months[0])
    window = {"date_from": months[0].isoformat(), "date_to": today.isoformat()}

    if _rollup():
        cases = {
            agency_id: {"opened": o, "closed": c}
            for agency_id, o, c in _month_counts(ids, months[0], "agency_id")
        }
    else:
        cases = {
            r["agency_id"]: r
            # only the window's cases: read through the (agency, opened_at/closed_at) indexes
            for r in Case.objects.filter(agency_id__in=ids)
            .filter(Q(opened_at__gte=start) | Q(closed_at__gte=start))
            .values("agency_id")
            .annotate(
                opened=Count("id", filter=Q(opened_at__gte=start)),
                closed=Count("id", filter=Q(closed_at__gte=start)),
            )
        }
    if _rollup():
        # published on time / late from the rollup (publicity migration 0007); the pending
        # ones, few, counted live through the (agency, status, due date) index
        pubs = {
            agency_id: {"on_time": on_time, "late": late}
            for agency_id, on_time, late in _publication_month_counts(ids, months[0])
        }
        for r in (
            Publication.objects.filter(
                agency_id__in=ids,
                status=PublicationStatus.PENDING,
                decision_date__gte=months[0],
            )
            .values("agency_id")
            .annotate(overdue=Count("id", filter=Q(due_date__lt=today)), pending=Count("id"))
        ):
            pubs.setdefault(r["agency_id"], {}).update(overdue=r["overdue"], pending=r["pending"])
    else:
        pubs = {
            r["agency_id"]: r
            for r in Publication.objects.filter(agency_id__in=ids, decision_date__gte=months[0])
            .values("agency_id")
            .annotate(
                on_time=Count("id", filter=Q(published_at__isnull=False, published_late=False)),
                late=Count("id", filter=Q(published_at__isnull=False, published_late=True)),
                overdue=Count("id", filter=Q(status=PublicationStatus.PENDING, due_date__lt=today)),
                pending=Count("id", filter=Q(status=PublicationStatus.PENDING)),
            )
        }
    complaints = {
        r["agency_id"]: r
        for r in Complaint.objects.filter(agency_id__in=ids, submitted_at__gte=start)
        .values("agency_id")
        .annotate(
            received=Count("id"),
            open=Count("id", filter=Q(status__in=COMPLAINT_OPEN)),
        )
    }
    review = {}
    try:
        from sanxiang.review.services import stats as review_stats

        review = {r["agency"].pk: r for r in review_stats(user, today=today)}
    except Exception:  # noqa: BLE001 — a role review's stats refuse: no review figures
        review = {}
    coverage = av_coverage(ids, start)

    rows = []
    paths = {}  # six pages linked from every row: reversed once
    for a in agencies:
        c = cases.get(a.pk, {})
        p = pubs.get(a.pk, {})
        q = complaints.get(a.pk, {})
        r = review.get(a.pk, {})
        cov = coverage.get(a.pk, {"required": 0, "covered": 0})
        required = cov["required"]
        rows.append(
            {
                "agency": a,
                "name": a.short_name or a.name,
                "opened": c.get("opened", 0),
                "closed": c.get("closed", 0),
                "reviewed": r.get("reviewed", 0),
                "agreed": r.get("agreed", 0),
                "corrected": r.get("corrected", 0),
                "review_overdue": r.get("overdue", 0),
                "pub_on_time": p.get("on_time", 0),
                "pub_late": p.get("late", 0),
                "pub_overdue": p.get("overdue", 0),
                "av_required": required,
                "av_covered": cov["covered"],
                "av_percent": round(100 * cov["covered"] / required) if required else None,
                "complaints": q.get("received", 0),
                "complaints_open": q.get("open", 0),
                "urls": {
                    "cases": _url("cases:list", paths, agency=a.pk, **window),
                    "reviews": _url("review:list", paths, agency=a.pk),
                    "publications": _url(
                        "publicity:index", paths, agency=a.pk, date_from=months[0].isoformat()
                    ),
                    "publications_pending": _url(
                        "publicity:index", paths, agency=a.pk, status=PublicationStatus.PENDING
                    ),
                    "recordings": _url("records:list", paths, agency=a.pk, **window),
                    "complaints": _url("complaints:index", paths, agency=a.pk, **window),
                },
            }
        )
    return rows


def av_coverage(agency_ids, start):
    """Per agency: activities on case timelines since ``start`` that the A/V list requires,
    and how many of them have a recording (same day) or an approved waiver. A few queries in
    all (recordings and waivers fetched in bulk, the catalogue lookup cached)."""
    from sanxiang.cases.models import CaseEvent, EventKind
    from sanxiang.catalog.services import recording_required
    from sanxiang.records.models import Recording, RecordingWaiver, RequestStatus

    events = list(
        CaseEvent.objects.filter(
            case__agency_id__in=agency_ids, kind=EventKind.ACTIVITY, at__gte=start
        )
        .exclude(activity="")
        .select_related("case__agency")
        .only("case_id", "activity", "at", "case__agency", "case__act_type")
    )
    case_ids = {e.case_id for e in events}
    covered = {
        (r.case_id, r.activity, r.activity_date)
        for r in Recording.objects.filter(case_id__in=case_ids).only(
            "case_id", "activity", "recorded_start"
        )
    }
    covered |= set(
        RecordingWaiver.objects.filter(
            case_id__in=case_ids, status=RequestStatus.APPROVED
        ).values_list("case_id", "activity", "activity_date")
    )
    cache = {}
    seen = set()
    out = {}
    for e in events:
        day = timezone.localtime(e.at).date()
        key = (e.case_id, e.activity, day)
        if key in seen:
            continue
        seen.add(key)
        case = e.case
        rk = (case.agency_id, case.act_type, e.activity, day)
        if rk not in cache:
            cache[rk] = recording_required(case.agency, case.act_type, e.activity, day) is not None
        if not cache[rk]:
            continue
        slot = out.setdefault(case.agency_id, {"required": 0, "covered": 0})
        slot["required"] += 1
        if key in covered:
            slot["covered"] += 1
    return out


def supervision(user, months, today, agencies=()):
    """Issue #15 item 5: the trends of 监督预警, 网上巡查 and 复议/诉讼, each computed by its
    own app (``alerts.trends``, ``patrol.trends``, ``appeals.trends``) over what ``user``
    may see, each figure with the URL of the list behind it."""
    from sanxiang.alerts import trends as alert_trends
    from sanxiang.appeals import trends as appeal_trends
    from sanxiang.patrol import trends as patrol_trends

    try:
        alerts = alert_trends.trends(user, months)
    except DomainError:  # a user without the alert viewer role (e.g. a bare superuser)
        alerts = {"by_month": [], "by_rule": []}
    quarters = patrol_trends.quarters(today)
    ids = [a.pk for a in agencies]
    # ``agencies`` are the rows of ``agency_rows``, already scoped to the user
    alert_rows = alert_trends.by_agency(ids, months[0]) if alerts["by_month"] else {}
    patrol_rows = patrol_trends.by_agency(ids, quarters)
    appeal_rows = appeal_trends.by_agency(ids, months[0])
    by_agency = [
        {
            "name": a.short_name or a.name,
            "alerts": alert_rows.get(a.pk),
            "patrol": patrol_rows[a.pk],
            "appeals": appeal_rows[a.pk],
        }
        for a in agencies
    ]
    return {
        "alerts": alerts,
        "by_agency": by_agency,
        "patrol_since": patrol_trends.quarter_dates(*quarters[0])[0],
        "patrol": patrol_trends.trends(user, quarters),
        "appeals": appeal_trends.outcomes_by_month(user, months),
        "appeal_groups": [(g, label) for g, label, _m in appeal_trends.GROUPS],
    }


def supervision_charts(sup):
    alerts, patrol, appeals = sup["alerts"], sup["patrol"], sup["appeals"]["rows"]
    am = alerts["by_month"]
    alert_series = [
        Series("新增预警", [r["raised"] for r in am]),
        Series("已整改", [r["resolved"] for r in am]),
    ]
    rules = [r for r in alerts["by_rule"] if r["raised"] or r["live"]]
    rule_series = [
        Series("统计期内新增", [r["raised"] for r in rules]),
        Series("待处理", [r["live"] for r in rules]),
    ]
    score_series = [Series("平均得分", [r["average"] or 0 for r in patrol])]
    notice_series = [
        Series("整改通知", [r["notices"] for r in patrol]),
        Series("已销号", [r["closed"] for r in patrol]),
    ]
    groups = sup["appeal_groups"]
    appeal_series = [Series(label, [r["groups"][g] for r in appeals]) for g, label in groups]

    def appeal_link(si, ci):
        return appeals[ci]["group_urls"][groups[si][0]]

    return {
        "alerts_months": {
            "svg": bar_chart(
                [r["short"] for r in am],
                alert_series,
                title="各月监督预警新增与整改",
                link=lambda si, ci: am[ci]["raised_url" if si == 0 else "resolved_url"],
            ),
            "legend": legend(alert_series),
        },
        "alerts_rules": {
            "svg": bar_chart(
                [f"{r['number']}. {r['title']}" for r in rules],
                rule_series,
                title="各预警模型的预警数",
                link=lambda si, ci: rules[ci]["url" if si == 0 else "live_url"],
                horizontal=True,
                width=400,
            ),
            "legend": legend(rule_series),
        },
        "patrol_scores": {
            "svg": bar_chart(
                [r["short"] for r in patrol],
                score_series,
                title="各季度网上巡查平均得分",
                link=lambda si, ci: patrol[ci]["items_url"],
                width=420,
            ),
            "legend": legend(score_series),
        },
        "patrol_notices": {
            "svg": bar_chart(
                [r["short"] for r in patrol],
                notice_series,
                title="各季度网上巡查整改通知",
                link=lambda si, ci: patrol[ci]["notices_url" if si == 0 else "closed_url"],
                width=420,
            ),
            "legend": legend(notice_series),
        },
        "appeals": {
            "svg": bar_chart(
                [r["short"] for r in appeals],
                appeal_series,
                title="各月行政复议、行政诉讼结果",
                link=appeal_link,
            ),
            "legend": legend(appeal_series),
        },
    }


def build(user, today=None):
    today = today or clock.today()
    months = _months(today)
    by_month = cases_by_month(user, months)
    rows = agency_rows(user, months, today)
    names = [r["name"] for r in rows]
    sup = supervision(user, months, today, [r["agency"] for r in rows])

    month_series = [
        Series("立案", [r["opened"] for r in by_month]),
        Series("结案", [r["closed"] for r in by_month]),
    ]
    month_links = {0: "opened_url", 1: "closed_url"}
    review_series = [
        Series("同意", [r["agreed"] for r in rows]),
        Series("纠正", [r["corrected"] for r in rows]),
        Series("超期", [r["review_overdue"] for r in rows]),
    ]
    pub_series = [
        Series("按时公示", [r["pub_on_time"] for r in rows]),
        Series("逾期公示", [r["pub_late"] for r in rows]),
        Series("逾期未公示", [r["pub_overdue"] for r in rows]),
    ]
    av_series = [Series("音像记录覆盖率（%）", [r["av_percent"] or 0 for r in rows])]
    complaint_series = [
        Series("收到", [r["complaints"] for r in rows]),
        Series("未办结", [r["complaints_open"] for r in rows]),
    ]

    def agency_link(key):
        return lambda _si, ci: rows[ci]["urls"][key]

    def pub_link(si, ci):
        return rows[ci]["urls"]["publications_pending" if si == 2 else "publications"]

    charts = {
        "months": {
            "svg": bar_chart(
                [r["short"] for r in by_month],
                month_series,
                title="各月立案与结案数",
                link=lambda si, ci: by_month[ci][month_links[si]],
            ),
            "legend": legend(month_series),
        },
        "review": {
            "svg": bar_chart(
                names,
                review_series,
                title="法制审核意见与超期",
                link=agency_link("reviews"),
                horizontal=True,
            ),
            "legend": legend(review_series),
        },
        "publicity": {
            "svg": bar_chart(
                names, pub_series, title="决定公示时效", link=pub_link, horizontal=True
            ),
            "legend": legend(pub_series),
        },
        "av": {
            "svg": bar_chart(
                names,
                av_series,
                title="音像记录覆盖率",
                link=agency_link("recordings"),
                horizontal=True,
            ),
            "legend": legend(av_series),
        },
        "complaints": {
            "svg": bar_chart(
                names,
                complaint_series,
                title="投诉举报",
                link=agency_link("complaints"),
                horizontal=True,
            ),
            "legend": legend(complaint_series),
        },
    }
    charts.update(supervision_charts(sup))
    return {
        "by_month": by_month,
        "rows": rows,
        "charts": charts,
        "supervision": sup,
        "since": months[0],
        "today": today,
    }


@login_required
def dashboard(request):
    if not may_see(request.user):
        raise PermissionDenied("监督看板仅供司法行政部门的监督人员使用。")
    return render(request, "core/dashboard.html", build(request.user))
