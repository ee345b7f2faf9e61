"""Every step of a 复议/诉讼 is ledgered, without text a user typed in clear (#11.4)."""

import json

import pytest

from sanxiang.appeals import services
from sanxiang.ledger import personal
from sanxiang.ledger.models import Leaf
from tests.appeals.conftest import ago, pdf, recon

pytestmark = pytest.mark.django_db


def test_every_step_is_ledgered(flow, handler_a, head_a):
    case = flow.decided()
    before = Leaf.objects.count()
    a = recon(case, handler_a)
    services.accept(a, handler_a, accepted_on=ago(4))
    services.extend(a, handler_a, days=5, note="情况复杂")
    services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(1), document=pdf())
    types = list(Leaf.objects.order_by("index").values_list("event_type", flat=True)[before:])
    assert types == [
        "appeals.recorded",
        "appeals.accepted",
        "appeals.extended",
        "appeals.decided",
    ]


def _payloads(before):
    """``{event type: payload}`` and the contents of the leaves appended since ``before``."""
    leaves = list(Leaf.objects.filter(index__gte=before).order_by("index"))
    return (
        {leaf.event_type: json.loads(leaf.content)["payload"] for leaf in leaves},
        [leaf.content for leaf in leaves],
    )


def test_typed_text_is_in_the_leaves_only_by_digest(flow, handler_a, head_a):
    """Notes, an outcome's text and the changed conclusion a user typed (which may name the
    party or a witness) are committed to by keyed digest; kinds, dates, numbers, document
    numbers and hashes stay readable (docs/ledger.md "Personal data in leaves")."""
    case = flow.decided()  # the party is the natural person 张三
    before = Leaf.objects.count()
    a = recon(case, handler_a, reference="测政复〔2026〕7号", applicant="张三")
    services.accept(a, handler_a, accepted_on=ago(4))
    note = "情况复杂：须询问证人王五，经复议机构负责人批准"
    a = services.extend(a, handler_a, days=5, note=note)
    outcome_note = "复议机关认为张三所述不成立"
    conclusion = "罚款人民币3000元（赵六代缴）"
    a = services.record_outcome(
        a,
        head_a,
        outcome="changed",
        decided_on=ago(1),
        document=pdf(),
        note=outcome_note,
        changed_conclusion=conclusion,
    )
    payloads, contents = _payloads(before)
    assert set(payloads) == {
        "appeals.recorded",
        "appeals.accepted",
        "appeals.extended",
        "appeals.decided",
    }
    for text in (note, outcome_note, conclusion, "王五", "张三", "赵六"):
        assert not any(text in content for content in contents), text
    extended, decided = payloads["appeals.extended"], payloads["appeals.decided"]
    assert extended["note"].startswith(personal.PREFIX)
    assert personal.matches(a.extension_note, extended["note"])
    assert personal.matches(a.outcome_note, decided["note"])
    assert personal.matches(a.changed_conclusion, decided["changed_conclusion"])
    assert not personal.matches("另一段文字", decided["note"])
    recorded = payloads["appeals.recorded"]
    assert (recorded["kind"], recorded["body"]) == ("reconsideration", "测试县人民政府")
    assert recorded["reference"] == "测政复〔2026〕7号" and recorded["appeal"] == a.pk
    assert (extended["days"], decided["outcome"]) == (5, "changed")
    assert decided["document_sha256"] == a.documents.get().sha256


def test_a_blank_note_stays_blank_in_the_leaf(flow, handler_a, head_a):
    a = recon(flow.decided(), handler_a)
    services.accept(a, handler_a, accepted_on=ago(4))
    before = Leaf.objects.count()
    services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(1), document=pdf())
    payloads, _contents = _payloads(before)
    assert payloads["appeals.decided"]["note"] == ""
    assert payloads["appeals.decided"]["changed_conclusion"] == ""
