"""Case rules: 6 fine outside the benchmark tier, 7 same handler and party, 8 repeated
minimum fines, 9 case stalled in a stage, 10 certificate problem on an act, 11 fewer than
two certified officers on an investigation act."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from .base import Finding, Rule, case_link, digest, ids_of, local_date, setting, year_window


def _latest_discretion(case):
    """The discretion check of the case's latest legal review that named a tier."""
    from sanxiang.review.models import Review

    for review in Review.objects.filter(case=case).order_by("-version"):
        data = review.discretion or {}
        if data.get("checked") and (data.get("tier") or {}).get("id"):
            return data
    return None


def _decimal(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _decided_fines(agency_scope, since=None):
    from sanxiang.cases.models import Case

    qs = Case.objects.filter(
        agency_id__in=ids_of(agency_scope), decision_at__isnull=False, fine__isnull=False
    ).exclude(withdrawal_kind__gt="")
    if since is not None:
        qs = qs.filter(decision_at__date__gte=since)
    return qs.order_by("id")


class FineOutsideTier(Rule):
    number = 6
    code = "fine_outside_tier"
    title = "罚款金额超出裁量基准档次"
    basis = (
        "《行政处罚法》第三十四条；《国务院办公厅关于进一步规范行政裁量权基准制定和管理"
        "工作的意见》：行政机关应当在裁量基准规定的幅度内作出决定。"
    )
    severity = "high"
    description = "已作出的罚款决定金额不在法制审核时核对的裁量档次幅度之内。"

    def find(self, agency_scope, today):
        from sanxiang.catalog.discretion import check_penalty
        from sanxiang.catalog.models import DiscretionTier

        for case in _decided_fines(agency_scope):
            data = _latest_discretion(case)
            if data is None:
                continue
            tier = DiscretionTier.objects.filter(pk=data["tier"]["id"]).first()
            if tier is None:
                continue
            check = check_penalty(
                tier, fine=case.fine, base_amount=_decimal(data.get("base_amount"))
            )
            if check.within or (check.minimum is None and check.maximum is None):
                continue
            yield Finding(
                case.agency_id,
                f"case:{case.pk}",
                case.number or case.title,
                f"决定罚款{case.fine}元，适用档次“{tier.name}”：{check.reason}",
                links=[case_link(case)],
            )


def _party_identity(party):
    return (party.usci or party.id_number or party.name or "").strip().upper()


class SameHandlerParty(Rule):
    number = 7
    code = "same_handler_party"
    title = "同一执法人员与同一当事人案件过多"
    basis = (
        "《行政执法机关内部监督》及指导意见关于防止选择性执法、利益关联的要求；"
        "阈值为平台设置 SANXIANG_ALERT_SAME_PARTY_MAX（默认3件/12个月）。"
    )
    severity = "medium"
    description = "12个月内同一执法人员办理同一当事人的案件超过设定件数。"

    def find(self, agency_scope, today):
        from sanxiang.cases.models import CaseHandler, Party

        limit = int(setting("SANXIANG_ALERT_SAME_PARTY_MAX", 3))
        since = year_window(today)
        handlers = CaseHandler.objects.filter(
            case__agency_id__in=ids_of(agency_scope), case__created_at__date__gte=since
        ).select_related("officer", "case")
        parties = defaultdict(list)
        for p in Party.objects.filter(case_id__in={h.case_id for h in handlers}):
            ident = _party_identity(p)
            if ident:
                parties[p.case_id].append((ident, p.name))
        groups = defaultdict(dict)  # (agency, officer, ident) -> {case_id: case}
        names = {}
        for h in handlers:
            for ident, name in parties.get(h.case_id, []):
                groups[(h.case.agency_id, h.officer_id, ident)][h.case_id] = h.case
                names[(h.officer_id, ident)] = (h.officer.name, name)
        for (agency_id, officer_id, ident), cases in sorted(groups.items()):
            if len(cases) <= limit:
                continue
            officer_name, party_name = names[(officer_id, ident)]
            ordered = [cases[k] for k in sorted(cases)]
            yield Finding(
                agency_id,
                f"officer:{officer_id}:party:{digest(ident)}",
                f"{officer_name} · {party_name}",
                f"{since} 至 {today} 期间，执法人员 {officer_name} 办理当事人“{party_name}”的案件 {len(cases)} 件（设定上限 {limit} 件）。",
                links=[case_link(c) for c in ordered],
            )


class RepeatedMinimumFines(Rule):
    number = 8
    code = "repeated_minimum_fines"
    title = "同一执法人员反复按下限罚款"
    basis = (
        "《行政处罚法》第三十四条、裁量基准适用规则；反复适用最低罚款可能存在裁量不当，"
        "阈值为平台设置 SANXIANG_ALERT_MIN_FINE_COUNT（默认12个月内5件）。"
    )
    severity = "low"
    description = "12个月内同一主办人作出的罚款等于裁量档次下限的决定达到设定件数。"

    def find(self, agency_scope, today):
        from sanxiang.cases.models import CaseHandler, HandlerRole

        limit = int(setting("SANXIANG_ALERT_MIN_FINE_COUNT", 5))
        since = year_window(today)
        groups = defaultdict(list)
        for case in _decided_fines(agency_scope, since):
            data = _latest_discretion(case)
            minimum = _decimal((data or {}).get("minimum"))
            if minimum is None or case.fine != minimum:
                continue
            main = (
                CaseHandler.objects.filter(case=case, role=HandlerRole.MAIN)
                .select_related("officer")
                .order_by("id")
                .first()
            )
            if main is not None:
                groups[(case.agency_id, main.officer_id, main.officer.name)].append(case)
        for (agency_id, officer_id, name), cases in sorted(groups.items()):
            if len(cases) < limit:
                continue
            yield Finding(
                agency_id,
                f"officer:{officer_id}:minimum-fines",
                name,
                f"{since} 至 {today} 期间，主办人 {name} 有 {len(cases)} 件罚款决定按裁量档次下限作出（设定 {limit} 件）。",
                links=[case_link(c) for c in cases],
            )


OPENING_LIMIT_WORKDAYS = 15
STALL_CODES = {
    "deadline_overdue": "调查取证/审查决定",
    "service_overdue": "送达",
    "payment_overdue": "执行",
    "simple_filing_overdue": "简易程序备案",
}


class CaseStalled(Rule):
    number = 9
    code = "case_stalled"
    title = "案件在某一环节超过期限"
    basis = (
        "《行政处罚法》第六十条（办案期限，本机关办案规则设置）、第六十一条（7日内送达）、"
        "第七十二条（履行期限）；立案审批：《市场监督管理行政处罚程序规定》第十八条"
        "（15个工作日内决定是否立案）。"
    )
    severity = "medium"
    description = (
        "取案件自身的期限（办案期限、送达期限、履行期限、备案期限，见案件页的期限提示）；"
        "待审批的立案申请超过15个工作日。"
    )

    def find(self, agency_scope, today):
        from sanxiang.cases.models import Case, OpeningStatus, Stage
        from sanxiang.cases.services import deadline_warnings
        from sanxiang.workdays.calendar import add_workdays

        qs = Case.objects.filter(agency_id__in=ids_of(agency_scope)).exclude(
            stage__in=[Stage.ARCHIVED, Stage.TERMINATED]
        )
        for case in qs.select_related("agency").order_by("id"):
            label = case.number or case.title
            if case.stage == Stage.OPENING and case.opening_status == OpeningStatus.PENDING:
                due = add_workdays(local_date(case.created_at), OPENING_LIMIT_WORKDAYS)
                if today > due:
                    yield Finding(
                        case.agency_id,
                        f"case:{case.pk}:opening",
                        label,
                        f"立案申请于 {local_date(case.created_at)} 登记，应于 {due} 前决定是否立案，至今未审批。",
                        links=[case_link(case)],
                    )
            for w in deadline_warnings(case, today):
                if w["code"] in STALL_CODES and w["level"] == "error":
                    yield Finding(
                        case.agency_id,
                        "case:{}:{}".format(case.pk, w["code"]),
                        label,
                        "{}环节：{}".format(STALL_CODES[w["code"]], w["message"]),
                        links=[case_link(case)],
                    )


def _cert_ok(officer, field, region, day, at):
    """(ok, reason) for ``officer`` on ``day``: status as it was then (revocations and
    suspensions dated by their certificate events)."""
    from sanxiang.org.models import CertificateStatus
    from sanxiang.org.services import region_covers

    reasons = []
    for cert in officer.certificates.all():
        status = cert.status
        if status != CertificateStatus.VALID:
            changed = cert.events.filter(to_status=status).order_by("-at").first()
            if changed is not None and changed.at > at:
                status = CertificateStatus.VALID
        if status == CertificateStatus.REVOKED:
            reasons.append(f"执法证 {cert.number} 已吊销")
        elif status == CertificateStatus.SUSPENDED:
            reasons.append(f"执法证 {cert.number} 已暂扣")
        elif day < cert.issued_on:
            reasons.append(f"执法证 {cert.number} 尚未生效")
        elif day > cert.expires_on:
            reasons.append(f"执法证 {cert.number} 已于 {cert.expires_on} 过期")
        elif field not in (cert.fields or []):
            reasons.append(f"执法证 {cert.number} 不含该执法类别")
        elif not region_covers(cert.region, region):
            reasons.append(f"执法证 {cert.number} 的执法区域不含“{region}”")
        else:
            return True, ""
    if not reasons:
        reasons.append("未取得执法证")
    return False, "；".join(reasons)


def _activity_events(agency_scope):
    from sanxiang.cases.models import CaseEvent, EventKind

    return (
        CaseEvent.objects.filter(case__agency_id__in=ids_of(agency_scope), kind=EventKind.ACTIVITY)
        .select_related("case")
        .order_by("id")
    )


def _event_officers(event):
    from sanxiang.org.models import Officer

    ids = [o.get("id") for o in (event.data or {}).get("officers", []) if o.get("id")]
    return list(Officer.objects.filter(pk__in=ids).prefetch_related("certificates"))


def _event_label(event):
    return "{} {} {}".format(
        event.case.number or event.case.title,
        event.get_activity_display() or "执法活动",
        local_date(event.at),
    )


class CertificateProblem(Rule):
    number = 10
    code = "certificate_problem"
    title = "执法证过期、被吊销或超出执法类别/区域仍实施执法"
    basis = (
        "《行政处罚法》第四十二条、《行政执法证件管理办法》：执法人员应当持有效执法证件，"
        "在证件载明的执法类别和区域内从事执法活动。"
    )
    severity = "high"
    description = "执法活动记录中的执法人员在活动当日没有有效、类别和区域相符的执法证。"

    def find(self, agency_scope, today):
        for event in _activity_events(agency_scope):
            day = local_date(event.at)
            problems = []
            for officer in _event_officers(event):
                ok, reason = _cert_ok(officer, event.case.field, event.case.region, day, event.at)
                if not ok:
                    problems.append(f"{officer.name}：{reason}")
            if problems:
                yield Finding(
                    event.case.agency_id,
                    f"case-event:{event.pk}",
                    _event_label(event),
                    "；".join(problems) + "。",
                    links=[case_link(event.case)],
                )


class TooFewOfficers(Rule):
    number = 11
    code = "too_few_officers"
    title = "调查取证活动持证执法人员少于两人"
    basis = "《行政处罚法》第四十二条、第五十五条：调查或者进行检查时，执法人员不得少于两人。"
    severity = "high"
    description = "调查取证阶段的执法活动（或取证、强制类活动）记录的持证执法人员少于两人。"

    def find(self, agency_scope, today):
        from sanxiang.cases.flows import TWO_OFFICER_ACT_TYPES
        from sanxiang.cases.models import Stage
        from sanxiang.cases.services.opening import INVESTIGATIVE

        for event in _activity_events(agency_scope):
            case = event.case
            if case.act_type not in TWO_OFFICER_ACT_TYPES:
                continue
            if event.stage != Stage.INVESTIGATION and event.activity not in INVESTIGATIVE:
                continue
            day = local_date(event.at)
            officers = _event_officers(event)
            ok = [o for o in officers if _cert_ok(o, case.field, case.region, day, event.at)[0]]
            if len(ok) >= 2:
                continue
            yield Finding(
                case.agency_id,
                f"case-event:{event.pk}",
                _event_label(event),
                f"记录的执法人员 {len(officers)} 人，其中持有效执法证 {len(ok)} 人。",
                links=[case_link(case)],
            )
