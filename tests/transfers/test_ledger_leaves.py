"""Every step of a transfer is ledgered, without text a user typed in clear (#11.4)."""

import json

import pytest

from sanxiang.ledger import personal
from sanxiang.ledger.models import Leaf
from sanxiang.transfers import services
from tests.transfers.conftest import MATERIALS, ago, decided_as_transfer, transfer

pytestmark = pytest.mark.django_db


def test_every_step_is_ledgered(flow, handler_a, head_a):
    case = flow.in_decision()
    before = Leaf.objects.count()
    t = transfer(case, head_a)
    t = services.record_reply(t, handler_a, decision="filed", notified_on=ago(6))
    services.hand_over(t, handler_a, handed_over_on=ago(5))
    types = list(Leaf.objects.order_by("index").values_list("event_type", flat=True)[before:])
    assert types == ["transfers.recorded", "transfers.replied", "transfers.handed_over"]


def test_typed_text_is_in_the_leaves_only_by_digest(flow, handler_a, head_a):
    """The police's reasons, the 立案监督 note and the return note a user typed (which may
    name the party or a witness) are committed to by keyed digest, and a party's name in a
    material's name is replaced by its digest; kinds, dates, the authority and the other
    materials stay readable (docs/ledger.md "Personal data in leaves")."""
    case = decided_as_transfer(flow)  # the party is the natural person 张三
    before = Leaf.objects.count()
    t = transfer(case, head_a, materials=[*MATERIALS, "张三询问笔录"])
    reasons = "情节显著轻微：证人李四的证言不足以认定"
    t = services.record_reply(
        t, handler_a, decision="not_filed", notified_on=ago(7), reasons=reasons
    )
    t = services.request_reconsideration(t, head_a, requested_on=ago(6))
    upheld = "维持：证人李四未到案"
    t = services.record_reconsideration(
        t, handler_a, decision="not_filed", notified_on=ago(5), reasons=upheld
    )
    supervise = "建议立案监督：王五另案在查"
    t = services.suggest_procuratorate(t, head_a, suggested_on=ago(4), note=supervise)
    back = "依法给予行政处罚，另行告知张三"
    t = services.return_case(t, head_a, returned_on=ago(1), note=back)
    leaves = list(Leaf.objects.filter(index__gte=before).order_by("index"))
    mine = [leaf for leaf in leaves if leaf.event_type.startswith("transfers.")]
    assert [leaf.event_type for leaf in mine] == [
        "transfers.recorded",
        "transfers.replied",
        "transfers.reconsideration",
        "transfers.reconsidered",
        "transfers.procuratorate",
        "transfers.returned",
    ]
    for text in (reasons, upheld, supervise, back, "李四", "王五", "张三"):
        assert not any(text in leaf.content for leaf in leaves), text
    payloads = {leaf.event_type: json.loads(leaf.content)["payload"] for leaf in mine}
    replied = payloads["transfers.replied"]
    assert replied["reasons"].startswith(personal.PREFIX)
    assert personal.matches(t.reasons, replied["reasons"])
    assert personal.matches(
        t.reconsideration_reasons, payloads["transfers.reconsidered"]["reasons"]
    )
    assert personal.matches(t.procuratorate_note, payloads["transfers.procuratorate"]["note"])
    assert personal.matches(t.return_note, payloads["transfers.returned"]["note"])
    recorded = payloads["transfers.recorded"]
    assert recorded["police_authority"] == "测试县公安局" and recorded["transfer"] == t.pk
    assert recorded["materials"][:3] == MATERIALS
    assert recorded["materials"][3] == f"〔{personal.digest('张三')}〕询问笔录"
    assert (replied["decision"], replied["notified_on"]) == ("not_filed", ago(7).isoformat())
    assert payloads["transfers.returned"]["reopened"] is True
