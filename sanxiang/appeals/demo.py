"""Demo: a 行政复议 维持 and a 行政诉讼 撤销 (which takes the publication down), through the
services. Dates follow each case's decision and never pass today."""

from __future__ import annotations

import datetime as dt

from sanxiang.core import clock

PDF = (
    b"%PDF-1.4\n% demo outcome document\n1 0 obj<</Type/Catalog>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _decided_cases(agency):
    from sanxiang.cases.models import Case, DecisionOutcome, Stage

    return list(
        Case.objects.filter(
            agency=agency,
            decision_at__isnull=False,
            decision_outcome=DecisionOutcome.PENALTY,
            withdrawal_kind="",
        )
        .exclude(stage__in=[Stage.ARCHIVED, Stage.TERMINATED])
        .order_by("decision_at", "id")
    )


def _steps(decided: dt.date, today: dt.date, gaps):
    """Dates after ``decided`` spaced by ``gaps``, squeezed so the last is not after today."""
    room = max((today - decided).days, len(gaps))
    total = sum(gaps)
    out, day = [], decided
    for g in gaps:
        day = day + dt.timedelta(days=max(1, g * room // max(total, room)))
        out.append(min(day, today))
    return out


def load(ctx):
    from sanxiang.appeals import services
    from sanxiang.org.models import Role, User
    from sanxiang.publicity.models import Publication, PublicationStatus

    agencies = ctx.get("agencies") or {}
    heads = ctx.get("heads") or {}
    today = clock.today()
    made = []
    for key in ("scj", "sthj", "cg", "jt"):
        agency, head = agencies.get(key), heads.get(key)
        if agency is None or head is None:
            continue
        cases = _decided_cases(agency)
        if len(cases) < 2:
            continue
        handler = (
            User.objects.filter(agency=agency, role=Role.HANDLER, is_active=True)
            .order_by("id")
            .first()
            or head
        )
        published = {
            p.case_id
            for p in Publication.objects.filter(agency=agency, status=PublicationStatus.PUBLISHED)
        }
        litigated = next((c for c in cases if c.pk in published), cases[-1])
        reconsidered = next(c for c in cases if c.pk != litigated.pk)
        stories = (
            # 1. 行政复议, 维持
            (
                reconsidered,
                "reconsideration",
                "云州市人民政府",
                "云政复字〔{year}〕{n}号",
                21,
                [12, 3, 45],
                handler,
                "upheld",
                "行政复议决定书.pdf",
                "复议机关认为原决定认定事实清楚、证据确凿、适用依据正确、程序合法、内容适当，决定维持。",
            ),
            # 2. 行政诉讼, 撤销 (the publication is taken down)
            (
                litigated,
                "litigation",
                "云州市某某区人民法院",
                "（{year}）云0102行初{n}号",
                37,
                [20, 7, 60],
                head,
                "revoked",
                "行政判决书.pdf",
                "法院认为原决定主要证据不足，判决撤销。",
            ),
        )
        for case, kind, body, reference, first, days, decider, outcome, name, note in stories:
            decided = clock.local_date(case.decision_at)
            applied, accepted, done = _steps(decided, today, days)
            appeal = services.record_appeal(
                case,
                handler,
                kind=kind,
                body=body,
                reference=reference.format(year=applied.year, n=len(made) + first),
                applicant="当事人",
                applied_on=applied,
            )
            services.accept(appeal, handler, accepted_on=accepted)
            appeal = services.record_outcome(
                appeal,
                decider,
                outcome=outcome,
                decided_on=done,
                document=(name, PDF),
                note=note,
            )
            made.append(appeal)
        break
    ctx["appeals"] = made
