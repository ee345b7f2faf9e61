"""Demo: a transfer the police accept (立案, then the hand-over) and one they do not
(不予立案, returned and handled administratively), through the services."""

from __future__ import annotations

import datetime as dt

from sanxiang.core import clock
from sanxiang.transfers.services import MATERIALS


def _open_cases(agency, exclude=()):
    from sanxiang.cases.models import Case, Stage

    return list(
        Case.objects.filter(agency=agency, stage__in=[Stage.INVESTIGATION, Stage.DECISION])
        .filter(transfers__isnull=True)
        .exclude(pk__in=exclude)
        .order_by("opened_at", "id")
    )


def _start(case, today):
    opened = clock.local_date(case.opened_at) if case.opened_at else today
    return max(opened, today - dt.timedelta(days=14))


def _step(day, n, today):
    return min(day + dt.timedelta(days=n), today)


def load(ctx):
    from sanxiang.cases.models import Case
    from sanxiang.org.models import Role, User
    from sanxiang.review.models import Transfer as ReviewTransfer
    from sanxiang.transfers import services

    agencies = ctx.get("agencies") or {}
    heads = ctx.get("heads") or {}
    today = clock.today()
    made = []
    # 1. the transfer the legal review recorded (review demo): 立案, hand-over
    for rt in ReviewTransfer.objects.filter(police_transfer__isnull=True).order_by("id")[:1]:
        case = Case.objects.get(pk=rt.review.case_id)
        head = User.objects.filter(agency=case.agency, role=Role.HEAD).order_by("id").first()
        if head is None:
            continue
        approved = min(rt.transferred_on, today)
        t = services.record_transfer(
            case,
            head,
            reported_on=approved - dt.timedelta(days=1),
            approved_on=approved,
        )
        t = services.record_reply(
            t, head, decision="filed", notified_on=_step(t.received_on, 2, today)
        )
        t = services.hand_over(t, head, handed_over_on=_step(t.notified_on, 2, today))
        made.append(t)
    # 2. (and 1. when the review demo has none) transfers in the market agency
    agency, head = agencies.get("scj"), heads.get("scj")
    if agency is not None and head is not None:
        handler = (
            User.objects.filter(agency=agency, role=Role.HANDLER).order_by("id").first() or head
        )
        cases = _open_cases(agency)
        wanted = ["filed", "not_filed"] if not made else ["not_filed"]
        for case, outcome in zip(cases, wanted, strict=False):
            start = _start(case, today)
            t = services.record_transfer(
                case,
                head,
                reported_on=start,
                approved_on=_step(start, 1, today),
                transferred_on=_step(start, 1, today),
                police_authority="云州市某某区公安分局",
                materials=MATERIALS[:3],
                case_summary="涉案货值金额经核算已达生产、销售伪劣产品罪的立案追诉标准。",
            )
            if outcome == "filed":
                t = services.record_reply(
                    t, handler, decision="filed", notified_on=_step(t.received_on, 2, today)
                )
                t = services.hand_over(t, handler, handed_over_on=_step(t.notified_on, 1, today))
            else:
                t = services.record_reply(
                    t,
                    handler,
                    decision="not_filed",
                    notified_on=_step(t.received_on, 3, today),
                    reasons="经审查，涉案货值金额未达立案追诉标准，不需要追究刑事责任。",
                )
                t = services.return_case(
                    t,
                    head,
                    returned_on=_step(t.notified_on, 1, today),
                    note="案件退回后依法继续办理，拟给予行政处罚（第十条）。",
                )
            made.append(t)
    ctx["transfers"] = made
