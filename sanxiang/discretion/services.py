"""Discretion consistency (裁量一致性): a proposed fine against its tier and comparable decisions.

Comparables of a case are the issued, not withdrawn penalty decisions with a fine for the same
catalogue item (执法事项编码) and the same discretion tier (基准编码 + 档次), the case itself
excluded, in three scopes:

* ``agency`` — the case's own agency, published or not;
* ``county`` — the agencies under the same supervising 司法局: the own agency's decisions and
  the *published* decisions of the others (never another agency's unpublished decision);
* ``all`` — every published decision on the platform.

A proposal is flagged when it is outside the tier's range (``catalog.discretion.check_penalty``,
bounds inclusive) or strictly below Q1 / above Q3 of the reference scope — ``county`` when it
has at least ``MIN_COMPARABLES`` decisions, otherwise ``all`` when it has, otherwise none (no
IQR flag on too few comparables). Quartiles: linear interpolation between order statistics
(the "inclusive" method of Excel's QUARTILE.INC and numpy's default).

A flagged proposal needs a written reason, recorded with ``record_assessment`` (append-only,
ledgered), before 送审: ``require_for_submission`` is called by the review submission service.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.core.fields import ActType, CaseActType
from sanxiang.ledger import personal
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append
from sanxiang.org.models import AgencyKind, Role

from .models import Assessment, DecidedFine

SCOPES = ("agency", "county", "all")
SCOPE_LABELS = {
    "agency": "本机关",
    "county": "本县（同一司法局）",
    "all": "全部已公开决定",
}


def min_comparables() -> int:
    return int(getattr(settings, "SANXIANG_DISCRETION_MIN_COMPARABLES", 5))


class ReasonRequired(DomainError):
    """A flagged proposal without a written reason; ``url`` is where the reason is written."""

    def __init__(self, message, url, details=None):
        super().__init__(message, ErrorCode.ILLEGAL_TRANSITION, details=details)
        self.url = url
        # (label, url) pairs shown by the error page, the forms and the API (core.errors)
        self.links = [(str(_("前往裁量一致性核对填写理由")), url)]


# --------------------------------------------------------------------------- statistics


def quartiles(values):
    """(Q1, median, Q3) of ``values`` by linear interpolation (inclusive method)."""
    xs = sorted(Decimal(v) for v in values)
    if not xs:
        return None, None, None

    def at(p):
        pos = Decimal(len(xs) - 1) * Decimal(p)
        lo = int(pos)
        frac = pos - lo
        if lo + 1 >= len(xs):
            return xs[lo]
        return xs[lo] + (xs[lo + 1] - xs[lo]) * frac

    q = [at(p).quantize(Decimal("0.01")) for p in ("0.25", "0.5", "0.75")]
    return q[0], q[1], q[2]


def summarise(values):
    values = [Decimal(v) for v in values]
    if not values:
        return {"n": 0}
    q1, med, q3 = quartiles(values)
    return {
        "n": len(values),
        "min": str(min(values)),
        "q1": str(q1),
        "median": str(med),
        "q3": str(q3),
        "max": str(max(values)),
    }


# --------------------------------------------------------------------------- comparables


def is_penalty(case) -> bool:
    return CaseActType.category(case.act_type) == ActType.PENALTY


def power_code(case) -> str:
    code = (case.power_snapshot or {}).get("code") or ""
    if not code and case.power_id:
        code = case.power.code
    return code


def supervising_agency(agency):
    """The nearest supervising 司法局 above (or at) ``agency``, or None."""
    for a in reversed(list(agency.ancestors())):
        if a.kind == AgencyKind.SUPERVISOR:
            return a
    return None


def _published_case_ids():
    from sanxiang.publicity.models import Publication, PublicationStatus

    return Publication.objects.filter(
        status=PublicationStatus.PUBLISHED, case_id__isnull=False
    ).values("case_id")


def comparables(case, benchmark_code, tier_name):
    """{scope: queryset of DecidedFine} (see the module docstring)."""
    base = DecidedFine.objects.filter(
        power_code=power_code(case),
        benchmark_code=benchmark_code,
        tier_name=tier_name,
        withdrawn=False,
    ).exclude(case_id=case.pk)
    published = _published_case_ids()
    own = base.filter(agency_id=case.agency_id)
    sup = supervising_agency(case.agency)
    if sup is not None:
        county = base.filter(
            Q(agency_id=case.agency_id) | Q(agency_path__startswith=sup.path, case_id__in=published)
        )
    else:
        county = own
    return {"agency": own, "county": county, "all": base.filter(case_id__in=published)}


def distribution(case, benchmark_code, tier_name):
    out = {}
    for scope_, qs in comparables(case, benchmark_code, tier_name).items():
        stats = summarise(qs.values_list("fine", flat=True))
        stats["label"] = SCOPE_LABELS[scope_]
        out[scope_] = stats
    return out


# --------------------------------------------------------------------------- evaluation


def tier_applies(tier, agency) -> bool:
    version = tier.benchmark.version
    return bool(version.is_published) and agency.path.startswith(version.agency.path)


def _decimal(value, label):
    if value in (None, ""):
        return None
    try:
        out = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise DomainError(
            _("%(l)s应为金额数字。") % {"l": label}, code=ErrorCode.BAD_FORMAT
        ) from None
    if not out.is_finite() or out < 0 or out >= Decimal("1e16"):
        raise DomainError(
            _("%(l)s应为不小于零的金额。") % {"l": label}, code=ErrorCode.OUT_OF_RANGE
        )
    return out.quantize(Decimal("0.01"))


def _yuan(value):
    from sanxiang.catalog.columns import format_decimal

    return f"{format_decimal(Decimal(value))}元"


def evaluate(case, tier, base_amount=None, fine=None) -> dict:
    """The check of ``case.proposed_fine`` (or of ``fine``, e.g. the fine decided) against
    ``tier`` and the comparables (no writes)."""
    from sanxiang.catalog.discretion import check_penalty

    amount = fine if fine is not None else case.proposed_fine
    if not is_penalty(case) or amount is None:
        return {"applicable": False, "flagged": False, "flags": []}
    if tier is None:
        raise DomainError(_("请选择适用的裁量档次。"), code=ErrorCode.REQUIRED)
    if not tier_applies(tier, case.agency):
        raise DomainError(
            _("所选裁量档次不属于本机关适用的已发布裁量基准。"), code=ErrorCode.NOT_IN_SCOPE
        )
    base = _decimal(base_amount, _("计算基数金额"))
    fine = Decimal(amount)
    check = check_penalty(
        tier, fine=fine, base_amount=base, penalty_kinds=case.proposed_penalty_kinds or []
    )
    flags = []
    if not check.within:
        flags.append(str(check.reason))
    bench = tier.benchmark
    dist = distribution(case, bench.code, tier.name)
    need = min_comparables()
    reference = next((s for s in ("county", "all") if dist[s]["n"] >= need), "")
    outside = None
    if reference:
        ref = dist[reference]
        q1, q3 = Decimal(ref["q1"]), Decimal(ref["q3"])
        outside = fine < q1 or fine > q3
        if outside:
            flags.append(
                _("拟罚款%(f)s超出%(s)s%(n)d件可比决定的四分位区间%(q1)s至%(q3)s（中位数%(m)s）。")
                % {
                    "f": _yuan(fine),
                    "s": SCOPE_LABELS[reference],
                    "n": ref["n"],
                    "q1": _yuan(q1),
                    "q3": _yuan(q3),
                    "m": _yuan(ref["median"]),
                }
            )
    return {
        "applicable": True,
        "tier": tier,
        "fine": fine,
        "base_amount": base,
        "power_code": power_code(case),
        "benchmark_code": bench.code,
        "tier_name": tier.name,
        "within_tier": bool(check.within),
        "tier_reason": str(check.reason),
        "tier_min": check.minimum,
        "tier_max": check.maximum,
        "distribution": dist,
        "reference_scope": reference,
        "min_comparables": need,
        "outside_iqr": outside,
        "flags": flags,
        "flagged": bool(flags),
    }


# --------------------------------------------------------------------------- recording


def _require_handling_unit(case, actor):
    if actor.agency_id != case.agency_id or actor.role not in (Role.HANDLER, Role.HEAD):
        raise PermissionDenied(_("只有本案所属机关的承办人员或机关负责人可以核对裁量并说明理由。"))
    if actor.role == Role.HANDLER:
        from sanxiang.org.models import Officer

        ids = set(
            Officer.objects.filter(case_roles__case=case, user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
        if case.created_by_id:
            ids.add(case.created_by_id)
        if actor.pk not in ids:
            raise PermissionDenied(_("您不是本案的办案人员，不能办理此事项。"))


def _name(user):
    return (getattr(user, "display_name", "") or getattr(user, "username", ""))[:50]


def _money(value):
    return None if value is None else str(value)


@transaction.atomic
def record_assessment(case, actor, *, tier, base_amount=None, reason="") -> Assessment:
    """Record the check of the proposed fine (with the written reason when it is flagged)."""
    _require_handling_unit(case, actor)
    if case.decision_at or case.stage in ("archived", "terminated"):
        raise DomainError(
            _("本案已作出决定或已办结，不能再核对拟处罚。"), ErrorCode.ILLEGAL_TRANSITION
        )
    if not is_penalty(case) or case.proposed_fine is None:
        raise DomainError(
            _("本案没有拟罚款金额，无须核对裁量一致性；拟处罚在调查终结时填写。"),
            ErrorCode.ILLEGAL_TRANSITION,
        )
    result = evaluate(case, tier, base_amount)
    reason = (reason or "").strip()
    if result["flagged"] and not reason:
        raise DomainError(
            _("拟罚款超出裁量档次幅度或可比决定的四分位区间，须书面说明理由。"),
            details=result["flags"],
            code=ErrorCode.REASON_REQUIRED,
        )
    if len(reason) > 4000:
        raise DomainError(_("理由不能超过4000字。"), code=ErrorCode.OUT_OF_RANGE)
    assessment = Assessment.objects.create(
        case=case,
        agency_id=case.agency_id,
        tier=tier,
        power_code=result["power_code"],
        benchmark_code=result["benchmark_code"],
        tier_name=result["tier_name"],
        fine=result["fine"],
        base_amount=result["base_amount"],
        within_tier=result["within_tier"],
        tier_min=result["tier_min"],
        tier_max=result["tier_max"],
        outside_iqr=result["outside_iqr"],
        reference_scope=result["reference_scope"],
        distribution=result["distribution"],
        flagged=result["flagged"],
        flags=result["flags"],
        reason=reason,
        created_by=actor,
        created_by_name=_name(actor),
        created_at=clock.now(),
    )
    leaf = append(
        EventType.DISCRETION_ASSESSED,
        case.subject,
        {
            "assessment": assessment.pk,
            "tier": tier.pk,
            "benchmark": result["benchmark_code"],
            "tier_name": result["tier_name"],
            "version_ref": tier.benchmark.version.ref,
            "fine": _money(result["fine"]),
            "base_amount": _money(result["base_amount"]),
            "within_tier": result["within_tier"],
            "outside_iqr": result["outside_iqr"],
            "reference_scope": result["reference_scope"],
            "distribution": result["distribution"],
            "flagged": result["flagged"],
            "reason": personal.digest(reason),  # typed text: a keyed digest (#11.4)
        },
        actor,
    )
    Assessment.objects.filter(pk=assessment.pk).update(ledger_index=leaf.index)
    assessment.ledger_index = leaf.index
    return assessment


def latest_assessment(case, tier=None, fine=None, base_amount=None):
    qs = Assessment.objects.filter(case=case)
    if tier is not None:
        qs = qs.filter(tier=tier, fine=fine, base_amount=base_amount)
    return qs.order_by("-id").first()


def assessment_url(case, tier=None, base_amount=None):
    url = reverse("discretion:case", args=[case.pk])
    params = []
    if tier is not None:
        params.append(f"tier={tier.pk}")
    if base_amount not in (None, ""):
        params.append(f"base_amount={base_amount}")
    return url + ("?" + "&".join(params) if params else "")


def require_for_submission(case, tier, base_amount, actor) -> dict | None:
    """Called by 送审 (``review.services.submit_for_review``): refuses a flagged proposal
    without a recorded reason; returns the summary stored with the submission."""
    if tier is None or not is_penalty(case) or case.proposed_fine is None:
        return None
    result = evaluate(case, tier, base_amount)
    recorded = latest_assessment(case, tier, result["fine"], result["base_amount"])
    if result["flagged"] and (recorded is None or not recorded.reason):
        raise ReasonRequired(
            _(
                "拟罚款超出裁量档次幅度或可比决定的四分位区间，须先在“裁量一致性核对”中"
                "书面说明理由，才能送审。"
            ),
            assessment_url(case, tier, base_amount),
            details=result["flags"],
        )
    return {
        "assessment": recorded.pk if recorded else None,
        "flagged": result["flagged"],
        "flags": result["flags"],
        "reason": recorded.reason if recorded else "",
        "reason_by": recorded.created_by_name if recorded else "",
        "within_tier": result["within_tier"],
        "outside_iqr": result["outside_iqr"],
        "reference_scope": result["reference_scope"],
        "reference_label": SCOPE_LABELS.get(result["reference_scope"], ""),
        "min_comparables": result["min_comparables"],
        "distribution": result["distribution"],
    }


# --------------------------------------------------------------------------- decided fines


def _review_tier(case):
    """(tier, base amount) chosen at the case's latest 送审; (None, None) when it named none."""
    from sanxiang.catalog.models import DiscretionTier
    from sanxiang.review.models import Review

    review = Review.objects.filter(case=case).order_by("-version").first()
    data = (review.discretion or {}) if review else {}
    tier_id = (data.get("tier") or {}).get("id")
    if not tier_id:
        return None, None
    tier = DiscretionTier.objects.select_related("benchmark").filter(pk=tier_id).first()
    return tier, data.get("base_amount")


def _tier_of_decided(case):
    """(benchmark code, tier name) applied to a decided case: its latest assessment, else
    the tier chosen at its latest 送审."""
    a = Assessment.objects.filter(case=case).order_by("-id").first()
    if a is not None and a.tier_name:
        return a.benchmark_code, a.tier_name
    tier, _base = _review_tier(case)
    return (tier.benchmark.code, tier.name) if tier is not None else ("", "")


def _applied_tier(case):
    """(tier, base amount) applied to a decided case: its latest assessment's, else the tier
    chosen at its latest 送审; (None, None) when neither named one."""
    a = Assessment.objects.filter(case=case).select_related("tier").order_by("-id").first()
    if a is not None and a.tier_id:
        return a.tier, a.base_amount
    return _review_tier(case)


def decided_without_reason(case) -> list[str]:
    """The flags of a decided fine that is outside its tier or the comparables' inter-quartile
    range while no written reason was recorded for that very fine ([] when in order or when
    no tier was named). Alert rule 5 (``alerts.rules.discretion``) reads this."""
    if not is_penalty(case) or case.fine is None or case.decision_at is None:
        return []
    tier, base = _applied_tier(case)
    if tier is None:
        return []
    try:
        result = evaluate(case, tier, base, fine=case.fine)
    except DomainError:
        return []
    if not result["flagged"]:
        return []
    reasoned = (
        Assessment.objects.filter(case=case, fine=case.fine, flagged=True)
        .exclude(reason="")
        .exists()
    )
    return [] if reasoned else result["flags"]


def index_decision(case):
    """Write (or refresh) the DecidedFine row of an issued penalty decision with a fine."""
    if not is_penalty(case) or case.fine is None or case.decision_outcome != "penalty":
        DecidedFine.objects.filter(case=case).delete()
        return None
    code = power_code(case)
    if not code:
        return None
    bench, tier_name = _tier_of_decided(case)
    decided_on = clock.local_date(case.decision_at) if case.decision_at else clock.today()
    row, _created = DecidedFine.objects.update_or_create(
        case=case,
        defaults={
            "agency_id": case.agency_id,
            "agency_path": case.agency.path,
            "power_code": code,
            "benchmark_code": bench,
            "tier_name": tier_name,
            "fine": case.fine,
            "decided_on": decided_on,
            "withdrawn": bool(case.withdrawal_kind),
        },
    )
    return row


def on_decision_issued(sender, case, document=None, actor=None, **kwargs):
    index_decision(case)


def on_decision_withdrawn(sender, case, reason="", kind="", actor=None, **kwargs):
    DecidedFine.objects.filter(case=case).update(withdrawn=True)
