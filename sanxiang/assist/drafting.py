"""Draft of the 行政处罚决定书 from the case (issue #14 item 6).

``decision_draft(case, base)`` returns the fields of a new ``penalty_decision`` draft that it
can fill better than the generic prefill (``documents.services.prefill``, which calls it):

* ``facts`` — the facts as notified to the party (告知, 行政处罚法第四十四条), else the case's;
* ``violated_provisions`` / ``legal_basis`` — the reasons and basis of the notice, the articles
  the handler accepted from the recommender (``assist.services.accepted_articles(case)`` when
  helper "assist" provides it), the catalogue item's basis and the discretion benchmark's basis;
* ``penalty`` — the penalty text with the discretion tier applied (latest discretion
  assessment of the case: benchmark, tier and its standard);
* ``remedies`` — 复议 / 诉讼 bodies and periods from the agency's catalogue of remedies
  (``catalog.Remedy``, own catalogue first, then the ancestors'); the generic sentence only
  when the catalogue has none.

Everything is a starting text the handler edits before 送审; nothing here writes.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sanxiang.catalog.models import CatalogKind, Remedy, RemedyKind


def _notice_data(case) -> dict:
    from sanxiang.cases.models import EventKind

    event = case.events.filter(kind=EventKind.PRIOR_NOTICE).order_by("-id").first()
    return dict(event.data or {}) if event is not None else {}


def accepted_articles(case, field=None) -> list[str]:
    """Citations the handler accepted from the recommender (``assist.services.accept_article``),
    e.g. "《中华人民共和国行政处罚法》第二十八条第一款"; ``field`` selects one field of the 决定书."""
    from sanxiang.assist.services import accepted_articles as accepted

    return [r.citation for r in accepted(case) if field is None or r.field == field]


def _assessment(case):
    from sanxiang.discretion.services import latest_assessment

    return latest_assessment(case)


def discretion_sentence(case) -> str:
    a = _assessment(case)
    if a is None or a.tier_id is None:
        return ""
    tier = a.tier
    bench = tier.benchmark
    text = _("依据%(src)s裁量基准“%(v)s”（%(code)s）“%(tier)s”档次（%(std)s）") % {
        "src": bench.version.agency.name,
        "v": bench.violation[:60],
        "code": bench.code,
        "tier": tier.name,
        "std": tier.standard or "—",
    }
    if a.flagged and a.reason:
        text += _("，并考虑以下情节：%(r)s") % {"r": a.reason}
    return text + _("，决定给予如下行政处罚：")


_CN = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """60 -> 六十, 6 -> 六, 15 -> 十五, 180 -> 一百八十 (0–999)."""
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = (
            ""
            if not rest
            else (
                "零" + _CN[rest]
                if rest < 10
                else _CN[rest // 10] + "十" + (_CN[rest % 10] if rest % 10 else "")
            )
        )
        return _CN[n // 100] + "百" + tail
    return str(n)


def _period(remedy) -> str:
    if remedy.time_limit is None:
        return str(_("法定期限"))
    return cn_number(remedy.time_limit) + str(remedy.get_time_unit_display())


def remedies_from_catalogue(agency) -> str:
    from sanxiang.catalog.services import applicable_versions

    versions = applicable_versions(agency, CatalogKind.REMEDIES, None)
    items = list(
        Remedy.objects.filter(
            version__in=versions, kind__in=[RemedyKind.RECONSIDERATION, RemedyKind.LITIGATION]
        ).order_by("id")
    )
    # the own catalogue wins over an ancestor's for the same kind
    rank = {v.pk: i for i, v in enumerate(versions)}
    items.sort(key=lambda r: rank.get(r.version_id, 99))
    recon = next((r for r in items if r.kind == RemedyKind.RECONSIDERATION), None)
    litig = next((r for r in items if r.kind == RemedyKind.LITIGATION), None)
    if recon is None and litig is None:
        return ""
    parts = []
    if recon is not None:
        parts.append(
            _("可以在收到本决定书之日起%(t)s内依法向%(b)s申请行政复议")
            % {"t": _period(recon), "b": recon.body}
        )
    if litig is not None:
        parts.append(
            _("可以在收到本决定书之日起%(t)s内依法向%(b)s提起行政诉讼")
            % {"t": _period(litig), "b": litig.body}
        )
    text = _("如不服本决定，") + _("；也").join(parts) + "。"
    text += _("申请行政复议或者提起行政诉讼期间，本决定不停止执行，法律另有规定的除外。")
    return text


def _join_unique(*chunks) -> str:
    seen, out = set(), []
    for chunk in chunks:
        for line in (chunk or "").replace("；", "\n").splitlines():
            line = line.strip().rstrip("。；;")
            if line and line not in seen:
                seen.add(line)
                out.append(line)
    return "；".join(out) + ("。" if out else "")


def decision_draft(case, base: dict) -> dict:
    """Fields for a new penalty decision draft of ``case`` (``base``: the generic prefill)."""
    notice = _notice_data(case)
    out = {}
    facts = (notice.get("facts") or "").strip() or (case.facts or "").strip()
    if facts:
        out["facts"] = facts
    accepted = accepted_articles(case, "violated_provisions")
    accepted_basis = accepted_articles(case, "legal_basis")
    reasons = (notice.get("reasons") or "").strip()
    if reasons or accepted:
        out["violated_provisions"] = _join_unique(reasons, "\n".join(accepted))
    a = _assessment(case)
    bench_basis = a.tier.benchmark.legal_basis if a is not None and a.tier_id else ""
    # read inline (「依据……的规定」): no closing full stop
    out["legal_basis"] = _join_unique(
        "\n".join(accepted_basis),
        notice.get("basis") or "",
        base.get("legal_basis") or "",
        bench_basis,
    ).rstrip("。") or (base.get("legal_basis") or "")
    sentence = discretion_sentence(case)
    if sentence and base.get("penalty"):
        out["penalty"] = sentence + "\n" + base["penalty"]
    remedies = remedies_from_catalogue(case.agency)
    if remedies:
        out["remedies"] = remedies
    return out
