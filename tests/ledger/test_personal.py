"""Personal data goes into leaves only as keyed hashes (issue #11 item 4), and the one
ledger-append helper (issue #17 item 2)."""

import hashlib

import pytest

from sanxiang.cases import services as cases
from sanxiang.cases.models import CaseSource
from sanxiang.cases.services import _base as case_base
from sanxiang.core.fields import CaseActType
from sanxiang.ledger import personal
from sanxiang.ledger.models import Leaf
from sanxiang.ledger.services import append_event, case_subject

pytestmark = pytest.mark.django_db

RIC = "11010519491231002X"
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    settings.KEYS_DIR = tmp_path / "keys"


@pytest.fixture
def case_a(agency_a, handler_a, officer_a1, officer_a2, head_a):
    case = cases.open_case(
        agency=agency_a,
        actor=handler_a,
        act_type=CaseActType.INSPECTION,
        title="某超市食品安全检查",
        source=CaseSource.PATROL,
        officers=[officer_a2],
    )
    return cases.approve_opening(case, head_a)


def test_digest_is_keyed_not_a_plain_hash(settings, tmp_path):
    d = personal.digest(RIC)
    assert d.startswith(personal.PREFIX) and RIC not in d
    assert d[len(personal.PREFIX) :] != hashlib.sha256(RIC.encode()).hexdigest()
    assert personal.digest(RIC) == d  # stable under one key
    assert (tmp_path / "keys" / personal.KEY_FILE).stat().st_mode & 0o077 == 0
    settings.KEYS_DIR = tmp_path / "other-deployment"
    assert personal.digest(RIC) != d  # another deployment, another key
    assert personal.digest("") == ""


def test_protect_hashes_persons_and_facts_and_keeps_the_rest():
    payload = {
        "number": "市监罚〔2026〕1号",
        "summary": "当场交付行政处罚决定书，受送达人王小明",
        "data": {
            "recipient": "王小明",
            "parties": [
                {"id": 1, "type": "natural_person", "name": "王小明", "id_number": RIC},
                {"id": 2, "type": "legal_person", "name": "甲食品有限公司"},
            ],
            "party": {"id": 3, "type": "individual_business", "name": "李四小吃店"},
            "facts": f"王小明（电话{PHONE}）销售过期食品",
            "phone": PHONE,
            "fine": "500.00",
            "served": "受送达人王小明",
        },
    }
    out = personal.protect(payload)
    text = str(out)
    for secret in ("王小明", RIC, PHONE, "李四小吃店", "销售过期食品"):
        assert secret not in text
    assert out["number"] == payload["number"]
    assert out["data"]["parties"][1]["name"] == "甲食品有限公司"  # a company is public
    assert out["data"]["fine"] == "500.00"
    assert out["summary"] == personal.digest(payload["summary"])  # free text: whole
    assert out["data"]["served"].startswith("受送达人〔hmac-sha256:")  # a quoted person
    assert out["data"]["recipient"] == personal.digest("王小明")
    assert personal.matches("王小明", out["data"]["recipient"])
    assert not personal.matches("王大明", out["data"]["recipient"])
    assert personal.matches("旧值", "旧值")  # leaves written before #11.4 hold clear text


def test_case_leaves_commit_to_party_data_by_digest(case_a, handler_a):
    cases.add_party(
        case_a, handler_a, party_type="natural_person", name="赵小红", id_number=RIC, phone=PHONE
    )
    event = case_base.record(
        case_a, "note", handler_a, summary="询问赵小红", data={"facts": "赵小红承认违法事实"}
    )
    leaves = Leaf.objects.filter(subject=case_a.subject)
    assert leaves.exists()
    for leaf in leaves:
        assert "赵小红" not in leaf.content and RIC not in leaf.content
        assert PHONE not in leaf.content
    assert event.data["facts"] == "赵小红承认违法事实"  # the case file keeps it
    leaf = Leaf.objects.get(index=event.ledger_index)
    assert leaf.payload["summary"] == personal.digest("询问赵小红")
    assert personal.matches(event.summary, leaf.payload["summary"])


def test_a_witness_who_is_no_party_stays_out_of_the_leaf(case_a, handler_a):
    """孙志强 is registered nowhere: only the free-text keys keep him out of the leaf."""
    event = case_base.record(
        case_a,
        "activity",
        handler_a,
        summary="现场检查：询问见证人孙志强",
        data={"description": "询问见证人孙志强", "place": "孙志强家中", "evidence": ["孙志强证言"]},
    )
    leaf = Leaf.objects.get(index=event.ledger_index)
    assert "孙志强" not in leaf.content
    assert leaf.payload["kind"] == "activity" and leaf.payload["number"] == case_a.number
    assert personal.matches("孙志强家中", leaf.payload["data"]["place"])


def test_one_append_helper(case_a, handler_a):
    class Row:
        case_id = case_a.pk
        pk = 77

    assert case_subject(case_a) == f"case:{case_a.pk}"
    assert case_subject(Row()) == f"case:{case_a.pk}"
    with pytest.raises(TypeError):
        case_subject(handler_a)
    leaf = append_event("case.event", Row(), {"x": 1}, handler_a, key="appeal")
    assert leaf.subject == f"case:{case_a.pk}" and leaf.payload == {"appeal": 77, "x": 1}
    leaf = append_event("case.event", "case:1", None)
    assert leaf.payload == {} and leaf.actor_id is None
