"""监督预警 services: the rule run (dedup, raise, auto-resolve), the alert lifecycle and the
annual figures. The only writer of ``Alert`` rows; every state change is a ledger leaf.

Lifecycle (``AlertStatus``)::

    open ──acknowledge(note)──▶ acknowledged ──resolve(reason)──▶ resolved
      │                              │
      └────────dismiss(reason)───────┴──────────────────────────▶ dismissed
    open / acknowledged ──(condition gone at the next run)──▶ auto_resolved (actor: system)

* acknowledge / resolve: the agency's head or administrator, or a supervisor above it;
* dismiss (排除, a false positive): a supervisor above the agency or a platform
  administrator only — an agency cannot dismiss an alert raised against itself;
* one live alert per (rule, record) (database constraint); a record whose alert was
  resolved or dismissed by a person is not raised again by that rule (the person's
  decision stands); one that was auto-resolved is raised again if the condition returns.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, defaultdict

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger.events import EventType
from sanxiang.ledger.personal import digest
from sanxiang.ledger.services import append_event
from sanxiang.org.models import Agency, AgencyKind, Role
from sanxiang.org.permissions import require_agency_access, require_role
from sanxiang.org.scoping import scope, visible_agencies

from .models import LIVE_STATUSES, Alert, AlertRun, AlertStatus
from .rules import RULES, get_rule

log = logging.getLogger("sanxiang.alerts")

VIEW_ROLES = (Role.HEAD, Role.ADMIN, Role.SUPERVISOR)
RUN_ROLES = (Role.SUPERVISOR, Role.ADMIN)
MANUAL_CLOSED = (AlertStatus.RESOLVED, AlertStatus.DISMISSED)


# --------------------------------------------------------------------------- who


def is_platform_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser and user.agency_id is None)


def is_supervisor(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.agency_id
        and (user.role == Role.SUPERVISOR or user.agency.kind == AgencyKind.SUPERVISOR)
    )


def require_viewer(user):
    require_role(
        user, *VIEW_ROLES, message=_("监督预警仅机关负责人、系统管理员和监督人员可以查看。")
    )


def visible_alerts(user):
    """Alerts ``user`` may see (agency-less integrity alerts: platform administrators)."""
    require_viewer(user)
    return scope(Alert.objects.select_related("agency"), user)


def _require_supervisor_over(user, alert, what):
    if is_platform_admin(user):
        return
    if not is_supervisor(user) or alert.agency_id is None:
        raise PermissionDenied(_("只有上级监督机关的监督人员可以%(w)s。") % {"w": what})
    if alert.agency_id == user.agency_id:
        raise PermissionDenied(_("只有上级监督机关的监督人员可以%(w)s。") % {"w": what})
    require_agency_access(user, alert.agency_id)


def _require_handler(user, alert):
    """The agency's head/administrator or a supervisor above it."""
    require_viewer(user)
    if is_platform_admin(user):
        return
    if alert.agency_id is None:
        raise PermissionDenied(_("该预警只有平台管理员可以办理。"))
    require_agency_access(user, alert.agency_id)
    if is_supervisor(user):
        return
    if user.agency_id != alert.agency_id or user.role not in (Role.HEAD, Role.ADMIN):
        raise PermissionDenied(_("只有本机关负责人、系统管理员或上级监督人员可以办理预警。"))


# --------------------------------------------------------------------------- ledger


def _digest(text: str) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def _payload(alert, **extra) -> dict:
    """An alert's ledger payload (subject ``alert.subject``). The text a person typed
    (签收说明, 整改情况, 排除理由) goes into ``extra`` only as ``personal.digest`` (#11.4):
    the alert row keeps it, the leaf commits to it."""
    payload = {
        "rule": alert.rule,
        "record_key": alert.record_key,
        "agency": alert.agency_id,
        "severity": alert.severity,
        "status": alert.status,
        "on": clock.today(),
    }
    payload.update(extra)
    return payload


# --------------------------------------------------------------------------- run


def _scope_for(user):
    """(agencies, include agency-less findings, label) for a run by ``user`` (None: system)."""
    if user is None or is_platform_admin(user):
        return list(Agency.objects.filter(is_active=True).order_by("path")), True, "全部机关"
    require_role(user, *RUN_ROLES, message=_("只有监督人员或系统管理员可以运行预警模型。"))
    agencies = list(visible_agencies(user).filter(is_active=True).order_by("path"))
    return agencies, False, user.agency.name if user.agency_id else ""


def run_rules(user=None, today=None, codes=None, stdout=None) -> AlertRun:
    """Run the rules over the agencies ``user`` sees (None: the periodic job, all agencies).

    New conditions raise alerts, conditions that persist keep their alert, and live alerts
    whose condition has gone are auto-resolved (actor: system). A rule that fails is
    logged and left out of this run (its alerts are neither raised nor auto-resolved).
    """
    today = today or clock.today()
    agencies, include_none, label = _scope_for(user)
    run = AlertRun.objects.create(
        started_at=clock.now(),
        triggered_by=user if user is not None and user.is_authenticated else None,
        scope_label=label[:200],
    )
    enforcement = [a for a in agencies if a.kind == AgencyKind.ENFORCEMENT]
    agency_ids = {a.pk for a in agencies}
    rules = [r for r in RULES if codes is None or r.code in codes]
    for rule in rules:
        try:
            findings = list(rule.find(enforcement, today))
        except Exception as exc:  # one broken rule must not stop the others
            log.exception("alert rule %s failed", rule.code)
            run.errors = list(run.errors) + [{"rule": rule.code, "error": str(exc)[:300]}]
            if stdout is not None:
                stdout.write(f"alerts: rule {rule.code} failed: {exc}\n")
            continue
        findings = [
            f
            for f in findings
            if (f.agency_id in agency_ids) or (f.agency_id is None and include_none)
        ]
        raised, kept, resolved = _apply(rule, findings, agency_ids, include_none, user)
        run.raised += raised
        run.still_open += kept
        run.auto_resolved += resolved
    run.finished_at = clock.now()
    run.save()
    if stdout is not None:
        stdout.write(
            f"alerts: {run.raised} raised, {run.still_open} still open, "
            f"{run.auto_resolved} auto-resolved\n"
        )
    return run


@transaction.atomic
def _apply(rule, findings, agency_ids, include_none, user):
    from django.db.models import Q

    now = clock.now()
    in_scope = Q(agency_id__in=agency_ids)
    if include_none:
        in_scope |= Q(agency_id__isnull=True)
    live = {
        a.record_key: a
        for a in Alert.objects.select_for_update()
        .filter(in_scope, rule=rule.code, status__in=LIVE_STATUSES)
        .order_by("id")
    }
    seen = {}
    for f in findings:
        seen.setdefault(f.key, f)
    closed = set(
        Alert.objects.filter(
            rule=rule.code, record_key__in=list(seen), status__in=MANUAL_CLOSED
        ).values_list("record_key", flat=True)
    )
    raised = kept = resolved = 0
    for key, f in seen.items():
        alert = live.get(key)
        if alert is not None:
            alert.last_seen_at = now
            alert.detail = f.detail
            alert.links = f.links
            alert.record_label = f.label[:255]
            alert.save(update_fields=["last_seen_at", "detail", "links", "record_label"])
            kept += 1
            continue
        if key in closed:
            continue
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    agency_id=f.agency_id,
                    rule=rule.code,
                    severity=rule.severity,
                    record_key=key[:120],
                    record_label=f.label[:255],
                    record_url=(f.links[0]["url"] if f.links else f.url)[:255],
                    detail=f.detail,
                    links=f.links,
                    raised_at=now,
                    raised_on=clock.today(),
                    last_seen_at=now,
                )
                append_event(
                    EventType.ALERT_RAISED,
                    alert.subject,
                    _payload(
                        alert,
                        raised_on=alert.raised_on,
                        detail_sha256=_digest(f.detail),
                        run_by=getattr(user, "pk", None),
                    ),
                    None,
                )
        except IntegrityError:  # a concurrent run raised it first
            continue
        raised += 1
    for key, alert in live.items():
        if key in seen:
            continue
        alert.status = AlertStatus.AUTO_RESOLVED
        alert.closed_at = now
        alert.closed_by = None
        alert.close_reason = _("预警条件已消除（系统自动办结）。")
        alert.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
        append_event(EventType.ALERT_AUTO_RESOLVED, alert.subject, _payload(alert), None)
        resolved += 1
    return raised, kept, resolved


# --------------------------------------------------------------------------- lifecycle


def _lock(alert) -> Alert:
    return Alert.objects.select_for_update(of=("self",)).select_related("agency").get(pk=alert.pk)


def _text(value, what):
    value = (value or "").strip()
    if not value:
        raise DomainError(_("请填写%(w)s。") % {"w": what}, code=ErrorCode.REQUIRED)
    if len(value) > 2000:
        raise DomainError(_("%(w)s不能超过2000字。") % {"w": what}, code=ErrorCode.OUT_OF_RANGE)
    return value


@transaction.atomic
def acknowledge(alert, actor, note) -> Alert:
    alert = _lock(alert)
    _require_handler(actor, alert)
    note = _text(note, _("签收说明"))
    if alert.status != AlertStatus.OPEN:
        raise DomainError(
            _("只有待处理的预警可以签收（当前：%(s)s）。") % {"s": alert.get_status_display()},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at = clock.now()
    alert.acknowledged_by = actor
    alert.acknowledge_note = note
    alert.save()
    append_event(
        EventType.ALERT_ACKNOWLEDGED, alert.subject, _payload(alert, note=digest(note)), actor
    )
    return alert


@transaction.atomic
def resolve(alert, actor, reason) -> Alert:
    alert = _lock(alert)
    _require_handler(actor, alert)
    reason = _text(reason, _("整改情况"))
    if alert.status != AlertStatus.ACKNOWLEDGED:
        raise DomainError(
            _("预警须先签收，才能办结（当前：%(s)s）。") % {"s": alert.get_status_display()},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    return _close(alert, actor, AlertStatus.RESOLVED, reason, EventType.ALERT_RESOLVED)


@transaction.atomic
def dismiss(alert, actor, reason) -> Alert:
    alert = _lock(alert)
    require_viewer(actor)
    if not is_platform_admin(actor):
        if alert.agency_id is None:
            raise PermissionDenied(_("该预警只有平台管理员可以办理。"))
        require_agency_access(actor, alert.agency_id)
    _require_supervisor_over(actor, alert, _("排除预警"))
    reason = _text(reason, _("排除理由"))
    if alert.status not in LIVE_STATUSES:
        raise DomainError(
            _("该预警已办结（%(s)s），不能排除。") % {"s": alert.get_status_display()},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    return _close(alert, actor, AlertStatus.DISMISSED, reason, EventType.ALERT_DISMISSED)


def _close(alert, actor, status, reason, event_type):
    alert.status = status
    alert.closed_at = clock.now()
    alert.closed_by = actor
    alert.close_reason = reason
    alert.save()
    append_event(event_type, alert.subject, _payload(alert, reason=digest(reason)), actor)
    return alert


def allowed_actions(alert, user) -> list[str]:
    """The transitions ``user`` may take on ``alert`` now (services re-check)."""
    out = []
    checks = (
        ("acknowledge", alert.status == AlertStatus.OPEN, _require_handler),
        ("resolve", alert.status == AlertStatus.ACKNOWLEDGED, _require_handler),
        (
            "dismiss",
            alert.status in LIVE_STATUSES,
            lambda u, a: _require_supervisor_over(u, a, ""),
        ),
    )
    for name, state_ok, check in checks:
        if not state_ok:
            continue
        try:
            check(user, alert)
        except DomainError:
            continue
        out.append(name)
    return out


# --------------------------------------------------------------------------- figures


def counts_by_agency(user):
    """{agency: {rule code: live count}} over the alerts ``user`` sees, plus totals."""
    rows = visible_alerts(user).filter(status__in=LIVE_STATUSES).values_list("agency_id", "rule")
    table = defaultdict(Counter)
    for agency_id, rule in rows:
        table[agency_id][rule] += 1
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=[k for k in table if k])}
    out = []
    for agency_id, counter in table.items():
        out.append(
            {
                "agency": agencies.get(agency_id),
                "counts": [counter.get(r.code, 0) for r in RULES],
                "total": sum(counter.values()),
            }
        )
    out.sort(key=lambda row: (row["agency"].path if row["agency"] else ""))
    return out


def alert_figures(agencies, year: int) -> dict:
    """Alert counts of ``year`` for ``agencies``, by rule and resolution, from the ledger.

    Counts the ``alerts.raised`` leaves whose ``raised_on`` is in ``year`` and each one's
    status as of 31 December (the last lifecycle leaf dated on or before it), so the figures
    are reproducible from the ledger alone whenever they are computed.
    """
    import datetime as dt
    import json

    from sanxiang.ledger.models import Leaf

    ids = {a.pk if hasattr(a, "pk") else int(a) for a in agencies}
    end = dt.date(year, 12, 31).isoformat()
    start = dt.date(year, 1, 1).isoformat()
    raised = {}
    for leaf in Leaf.objects.filter(event_type=EventType.ALERT_RAISED).order_by("index"):
        p = json.loads(leaf.content)["payload"]
        if p.get("agency") in ids and start <= str(p.get("raised_on", "")) <= end:
            raised[leaf.subject] = {"rule": p.get("rule"), "status": AlertStatus.OPEN.value}
    if raised:
        transitions = {
            EventType.ALERT_ACKNOWLEDGED.value,
            EventType.ALERT_RESOLVED.value,
            EventType.ALERT_DISMISSED.value,
            EventType.ALERT_AUTO_RESOLVED.value,
        }
        leaves = Leaf.objects.filter(event_type__in=transitions, subject__in=list(raised)).order_by(
            "index"
        )
        for leaf in leaves:
            p = json.loads(leaf.content)["payload"]
            if str(p.get("on", "")) <= end:
                raised[leaf.subject]["status"] = p.get("status")
    statuses = [s.value for s in AlertStatus]
    by_rule = {}
    for item in raised.values():
        row = by_rule.setdefault(item["rule"], dict.fromkeys(statuses, 0))
        row[item["status"]] = row.get(item["status"], 0) + 1
    rows = []
    for code, counts in by_rule.items():
        rule = get_rule(code)
        rows.append(
            {
                "rule": code,
                "number": rule.number if rule else 0,
                "title": rule.title if rule else code,
                "total": sum(counts.values()),
                **counts,
            }
        )
    rows.sort(key=lambda r: (r["number"], r["rule"]))
    totals = dict.fromkeys(statuses, 0)
    for row in rows:
        for s in statuses:
            totals[s] += row[s]
    return {
        "year": year,
        "total": len(raised),
        "by_status": totals,
        "status_labels": {s.value: str(s.label) for s in AlertStatus},
        "by_rule": rows,
    }
