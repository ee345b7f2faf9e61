"""Ledger leaves of 案卷评查 hold what a user typed only by keyed digest (issue #11 item 4):
the round's title, each deduction's note, the evaluator's comment, the 整改要求 and the
return reason; scores, grades, ids and dates stay readable."""

from sanxiang.evaluation import services
from sanxiang.ledger import personal
from sanxiang.ledger.models import Leaf

from .conftest import closed_cases, make_round

TYPED = {
    "title": "张三牵头的二〇二六年上半年评查",
    "note": "张三未出示执法证件",
    "comment": "李四的询问笔录无签名",
    "requirements": "请王五补正送达回证",
    "reason": "赵六的整改说明不实",
    "report": "已由钱七补正全部文书",
}


def evaluation_leaves():
    return list(Leaf.objects.filter(event_type__startswith="evaluation."))


def test_typed_text_is_only_digested_in_leaves(supervisor, handler_a, agency_a, agency_b):
    rnd = make_round(supervisor, [agency_a, agency_b], title=TYPED["title"])
    closed_cases(agency_a, 3)
    rnd = services.sample(rnd, supervisor, seed_hex="ab" * 32)
    sheets = list(rnd.sheets.order_by("order"))
    sheet = services.submit_sheet(
        sheets[0],
        supervisor,
        deductions={"facts": (15, TYPED["note"])},
        comment=TYPED["comment"],
    )
    for other in sheets[1:]:
        services.submit_sheet(other, supervisor, deductions={})
    rect = services.issue_rectification(sheet, supervisor, requirements=TYPED["requirements"])
    rect = services.submit_report(rect, handler_a, report=TYPED["report"])
    rect = services.return_report(rect, supervisor, reason=TYPED["reason"])
    rect = services.submit_report(rect, handler_a, report=TYPED["report"])
    services.accept_report(rect, supervisor)
    services.conclude(rnd, supervisor)

    leaves = evaluation_leaves()
    assert {leaf.event_type.split(".")[1] for leaf in leaves} >= {
        "round_created",
        "sampled",
        "sheet_submitted",
        "rectification_issued",
        "rectification_reported",
        "rectification_returned",
        "rectification_closed",
        "concluded",
    }
    for leaf in leaves:
        for text in TYPED.values():
            assert text not in leaf.content, (leaf.event_type, text)
            assert "张三" not in leaf.content and "王五" not in leaf.content

    def payload(kind):
        return next(x.payload for x in leaves if x.event_type == f"evaluation.{kind}")

    assert personal.matches(TYPED["title"], payload("round_created")["title"])
    scored = payload("sheet_submitted")
    assert personal.matches(TYPED["note"], scored["deductions"]["facts"]["note"])
    assert scored["deductions"]["facts"]["deduction"] == 15 and scored["score"] == 85
    assert personal.matches(TYPED["comment"], scored["comment"])
    issued = payload("rectification_issued")
    assert personal.matches(TYPED["requirements"], issued["requirements"])
    assert issued["deadline"] == rect.deadline.isoformat() and issued["workdays"] == 20
    assert personal.matches(TYPED["reason"], payload("rectification_returned")["reason"])
    assert not personal.matches("另一段文字", payload("rectification_returned")["reason"])
