"""Demo legal reviews in every state, on penalty cases built through the case services.

In the market-regulation bureau (the demo logins' agency): a submission waiting for a
reviewer, one waiting for acceptance, reviews in progress (on time, nearing and past the
deadline, with an extension awaiting the head), an agreed draft ready for the decision, a
corrected-and-resubmitted draft (with differences to show), a refusal, a transfer to the
police, a dispute waiting for collective discussion and one settled by it. The other
agencies get a few reviews so that the supervisor's statistics have something to compare.
"""

import datetime as dt

from django.db import transaction

from sanxiang.cases.demo import Builder
from sanxiang.core import clock

from . import services
from .models import CheckPoint

OK = {p: {"result": "ok", "note": ""} for p in CheckPoint.values}


def _with(**problems):
    out = dict(OK)
    for point, note in problems.items():
        out[point] = {"result": "problem", "note": note}
    return out


class ReviewDemo:
    def __init__(self, ctx, key):
        self.b = Builder(ctx, key)
        self.b.i = 60  # distinct party numbers from the cases demo
        self.head = self.b.head
        self.today = ctx.get("today") or clock.today()
        reviewers = [o.user for o in ctx["officers"][key] if o.user and o.user.role == "reviewer"]
        self.reviewers = reviewers

    def case(self, n, notice_days=15):
        case, officers = self.b.notice(n, 40 + notice_days, notice_days)
        case.refresh_from_db()
        user = officers[0].user
        draft = self.b._decision_draft(case, user, n)
        return case, user, draft

    def submit(self, case, user, draft, justification="按裁量基准一般情形确定罚款数额。"):
        services.assess_scope(case, {}, user, document=draft, note="一般程序处罚决定一律审核。")
        ref = f"本案卷 {case.number}"
        return services.submit_for_review(
            case,
            draft,
            actor=user,
            proposal="建议依法给予罚款处罚。经调查，事实清楚、证据确凿、程序合法。",
            materials=[
                {
                    "kind": "proposal",
                    "title": "行政处罚建议及情况说明",
                    "reference": ref + " 第1页",
                },
                {
                    "kind": "closure_report",
                    "title": "案件调查终结报告",
                    "file": ("调查终结报告.txt", f"{case.title}：调查终结报告（演示）".encode()),
                },
                {
                    "kind": "basis_evidence",
                    "title": "法律依据及证据目录",
                    "reference": ref + " 证据1-9",
                },
            ],
            justification=justification,
        )

    def accepted(self, review, reviewer=None, workdays_ago=0):
        reviewer = reviewer or self.reviewers[0]
        services.assign_reviewer(review, reviewer, self.head)
        day = self.today
        if workdays_ago:
            from sanxiang.workdays.calendar import add_workdays

            # the day ``workdays_ago`` working days before today
            probe = self.today - dt.timedelta(days=workdays_ago * 2 + 10)
            while add_workdays(probe, workdays_ago) < self.today:
                probe += dt.timedelta(days=1)
            day = probe
        return services.accept(review, reviewer, today=day)

    def opinion(self, review, kind, reasoning, findings):
        return services.give_opinion(
            review, review.reviewer, kind=kind, reasoning=reasoning, findings=findings
        )


def _load_market(ctx, key):
    d = ReviewDemo(ctx, key)
    if not d.reviewers:
        return 0
    r2 = d.reviewers[1] if len(d.reviewers) > 1 else d.reviewers[0]
    count = 0

    # 1. submitted, waiting for a reviewer
    case, user, draft = d.case(0)
    d.submit(case, user, draft)
    # 2. assigned, waiting for acceptance
    case, user, draft = d.case(1)
    services.assign_reviewer(d.submit(case, user, draft), r2, d.head)
    # 3. in review, on time
    case, user, draft = d.case(2)
    d.accepted(d.submit(case, user, draft), r2)
    # 4. in review, nearing the deadline (accepted 9 working days ago)
    case, user, draft = d.case(0)
    d.accepted(d.submit(case, user, draft), workdays_ago=9)
    # 5. in review, past the deadline (accepted 12 working days ago)
    case, user, draft = d.case(1)
    d.accepted(d.submit(case, user, draft), workdays_ago=12)
    # 6. in review, extension awaiting the head
    case, user, draft = d.case(2)
    review = d.accepted(d.submit(case, user, draft), workdays_ago=8)
    services.request_extension(
        review,
        review.reviewer,
        new_deadline=review.deadline + dt.timedelta(days=14),
        reason="涉案产品须送检验机构检验，检验报告预计两周内出具。",
    )
    # 7. agreed: the head may now decide
    case, user, draft = d.case(0)
    review = d.accepted(d.submit(case, user, draft))
    d.opinion(review, "agree", "主体合法、事实清楚、证据确凿、程序合法、裁量适当，同意。", OK)
    # 8. corrected, then resubmitted (version 2 in review; the differences are shown)
    case, user, draft = d.case(1)
    review = d.accepted(d.submit(case, user, draft))
    d.opinion(
        review,
        "correct",
        "违法事实表述不完整，未写明货值金额及违法所得；请补充后重新送审。",
        _with(facts="未写明货值金额及违法所得。", documents="决定书事实部分表述不规范。"),
    )
    from sanxiang.documents import services as documents

    draft.refresh_from_db()
    content = dict(draft.content)
    content["facts"] = (
        content.get("facts") or ""
    ) + "经查，货值金额人民币 480 元，违法所得人民币 96 元。"
    draft = documents.update_draft(draft, content, user)
    d.accepted(d.submit(case, user, draft), r2)
    # 9. refused (不予作出)
    case, user, draft = d.case(2)
    review = d.accepted(d.submit(case, user, draft))
    d.opinion(
        review,
        "refuse",
        "主要证据（抽样检验报告）系委托无资质机构出具，不能作为定案依据，不予作出处罚决定。",
        _with(facts="检验报告出具机构无检验资质。", procedure="抽样程序不合法。"),
    )
    # 10. transfer to the police, recorded
    case, user, draft = d.case(0)
    review = d.accepted(d.submit(case, user, draft))
    d.opinion(
        review,
        "transfer",
        "货值金额已达销售伪劣产品罪追诉标准，涉嫌犯罪，应移送公安机关。",
        _with(crime="货值金额超过五万元，涉嫌生产、销售伪劣产品罪。"),
    )
    services.record_transfer(
        review,
        d.head,
        receiving_authority="青禾县公安局",
        transferred_on=d.today,
        materials=services.TRANSFER_MATERIALS[:4],
        case_summary=f"{case.title}：当事人销售伪劣产品，货值金额经核实超过五万元。",
        approved_by_name=d.head.display_name,
    )
    # 11. disputed, waiting for collective discussion
    case, user, draft = d.case(1)
    review = d.accepted(d.submit(case, user, draft))
    d.opinion(
        review,
        "correct",
        "罚款数额接近档次上限，裁量理由不充分，建议降低罚款数额。",
        _with(law="裁量理由不充分。"),
    )
    services.dispute_opinion(
        review,
        user,
        reason="当事人两年内第二次同类违法，依裁量基准应从重，裁量理由已在案卷中说明。",
    )
    # 12. dispute settled by collective discussion (overruled: the draft may be decided)
    case, user, draft = d.case(2)
    review = d.accepted(d.submit(case, user, draft))
    d.opinion(
        review,
        "correct",
        "建议补充当事人陈述申辩的复核意见。",
        _with(documents="未载明陈述申辩复核意见。"),
    )
    dispute = services.dispute_opinion(
        review, user, reason="陈述申辩复核意见已载入决定书第三段，无须补充。"
    )
    services.record_collective_discussion(
        dispute,
        d.head,
        # held the day the demo is loaded: the discussion also goes on the case timeline,
        # where a date more than a few days back would be a 补录 needing a reason
        held_on=clock.today(),
        participants=[d.head.display_name, "分管副局长", "法制科科长", "执法大队大队长"],
        minutes="经核对决定书代拟稿，陈述申辩复核意见已完整载明。与会人员一致认为可按代拟稿作出决定。",
        conclusion="overrule",
        decision="不采纳法制审核纠正意见，按代拟稿作出行政处罚决定。",
    )
    count += 12
    return count


def _load_other(ctx, key):
    d = ReviewDemo(ctx, key)
    if not d.reviewers:
        return 0
    case, user, draft = d.case(0)
    review = d.accepted(d.submit(case, user, draft))
    d.opinion(review, "agree", "同意。", OK)
    case, user, draft = d.case(1)
    d.accepted(d.submit(case, user, draft), workdays_ago=11)
    return 2


def load(ctx):
    total = 0
    for key in ctx["agencies"]:
        builder_ok = True
        try:
            b = Builder(ctx, key)
            builder_ok = len(b.officers) >= 2 and "penalty" in b.powers
        except Exception:  # noqa: BLE001 - an agency without handlers: nothing to show
            builder_ok = False
        if not builder_ok:
            continue
        with transaction.atomic():
            total += _load_market(ctx, key) if key == "scj" else _load_other(ctx, key)
    ctx["reviews_loaded"] = total
    if ctx.get("stdout"):
        ctx["stdout"].write(f"    review: {total} reviews")
