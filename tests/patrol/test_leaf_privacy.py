"""Ledger leaves of 网上巡查 hold what a user typed only by keyed digest (issue #11 item 4):
the round's title (also inside the concluded summary), each deduction's note, the 整改要求
and the return reason; scores, grades, finding kinds, ids and dates stay readable. The
supervisor's comment is not ledgered at all."""

from sanxiang.ledger import personal
from sanxiang.ledger.models import Leaf
from sanxiang.patrol import services

from .conftest import make_round

TYPED = {
    "title": "张三带队的第二季度公示巡查",
    "note": "标题写错了李四的名字",
    "comment": "王五说下周改",
    "requirements": "请赵六更正公示标题",
    "reason": "钱七提交的截图看不清",
    "report": "孙八已更正并附截图",
}


def test_typed_text_is_only_digested_in_leaves(supervisor, agency_a, agency_b, handler_a, pubs):
    rnd = make_round(supervisor, [agency_a, agency_b], sample_size=5, title=TYPED["title"])
    rnd = services.sample(rnd, supervisor, seed_hex="ab" * 32)
    items = list(rnd.items.order_by("order"))
    found = next(i for i in items if i.agency_id == agency_a.pk)
    services.submit_item(
        found, supervisor, deductions={"standard": (4, TYPED["note"])}, comment=TYPED["comment"]
    )
    for item in items:
        if item.pk != found.pk:
            services.submit_item(item, supervisor, deductions={})
    notice = services.issue_notice(rnd, agency_a, supervisor, requirements=TYPED["requirements"])
    notice = services.submit_report(notice, handler_a, report=TYPED["report"])
    notice = services.return_report(notice, supervisor, reason=TYPED["reason"])
    notice = services.submit_report(notice, handler_a, report=TYPED["report"])
    services.accept_report(notice, supervisor)
    services.conclude(rnd, supervisor)

    leaves = list(Leaf.objects.filter(event_type__startswith="patrol."))
    assert {leaf.event_type.split(".")[1] for leaf in leaves} >= {
        "round_created",
        "sampled",
        "item_scored",
        "notice_issued",
        "notice_reported",
        "notice_returned",
        "notice_closed",
        "concluded",
    }
    for leaf in leaves:
        for text in TYPED.values():
            assert text not in leaf.content, (leaf.event_type, text)
        assert "张三" not in leaf.content and "赵六" not in leaf.content

    def payload(kind):
        return next(x.payload for x in leaves if x.event_type == f"patrol.{kind}")

    assert personal.matches(TYPED["title"], payload("round_created")["title"])
    scored = next(
        x.payload
        for x in leaves
        if x.event_type == "patrol.item_scored" and x.payload["item"] == found.pk
    )
    assert personal.matches(TYPED["note"], scored["deductions"]["standard"]["note"])
    assert scored["deductions"]["standard"]["deduction"] == 4
    assert scored["findings"] == ["manual"] and scored["score"] == 96
    issued = payload("notice_issued")
    assert personal.matches(TYPED["requirements"], issued["requirements"])
    assert issued["items"] == [found.pk] and issued["deadline"] == notice.deadline.isoformat()
    assert personal.matches(TYPED["reason"], payload("notice_returned")["reason"])
    concluded = payload("concluded")
    assert personal.matches(TYPED["title"], concluded["summary"]["title"])
    assert concluded["summary"]["agencies"][0]["agency_name"] == agency_a.name
