"""Issue #11 items 14 and 15: non-party natural persons in free text, addresses to county level.

The labelled set (tests/publicity/data/redaction_labelled.jsonl, built by
make_redaction_set.py from the real CBIRC penalty disclosures of ../shared/reference-data/)
gives the recall floors; precision and name recall are reported by `make bench`
(bench/redaction_bench.py), not asserted.
"""

import csv
import io
import json
from pathlib import Path

import pytest
from django.urls import reverse

from sanxiang.core.fields import PartyType
from sanxiang.publicity import addresses, names
from sanxiang.publicity.redaction import PHONE_MASK, RIC_MASK, Redactor
from sanxiang.publicity.redaction_eval import evaluate, load

from .conftest import COMPANY_USCI, PERSON_ID, company, person, published

DATA = Path(__file__).with_name("data")
WITNESS_ID = "330802199001011232"  # valid GB 11643 check digit, made up


def _addresses():
    for line in (DATA / "addresses.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            yield tuple(line.split("\t"))


def test_labelled_set_is_large_enough_and_sourced():
    records = load(DATA / "redaction_labelled.jsonl")
    assert len(records) >= 200
    assert all(
        r["src"].startswith(("cbirc:", "synthetic frame, fact from cbirc:")) for r in records
    )


def test_recall_floors_for_id_numbers_and_phones():
    stats = evaluate(load(DATA / "redaction_labelled.jsonl"))
    assert stats["id"]["recall"] >= 0.98, stats["id"]["missed"][:5]
    assert stats["phone"]["recall"] >= 0.98, stats["phone"]["missed"][:5]


@pytest.mark.parametrize(
    "text,name",
    [
        ("证人孙志强证实，当事人于2026年5月销售过期牛奶。", "孙志强"),
        ("被询问人：王秀英，女，其承认上述事实。", "王秀英"),
        ("见证人赵丽在场。", "赵丽"),
        ("陪同人员李建国、刘德华均在场签字。", "刘德华"),
        ("当事人家属刘芳到场签字。", "刘芳"),
        ("据邓洋娟陈述，该店未建立进货查验记录。", "邓洋娟"),
        ("上述事实有金平涛的询问笔录为证。", "金平涛"),
        ("经询问诸葛艳（女），其承认收取了费用。", "诸葛艳"),
        ("店员马晓婷、欧阳娜娜两人负责收银。", "欧阳娜娜"),
    ],
)
def test_non_party_names_in_free_text_are_masked(text, name):
    out = Redactor().text(text)
    assert name not in out
    assert names.surname_of(name) + "某某" in out


def test_public_names_and_organisations_stay_visible():
    c = company(legal_representative="陈大勇")
    r = Redactor(parties=[c])
    text = (
        "执法人员周建平、吴晓东出示执法证件，当事人法定代表人陈大勇在场；"
        "向逢春制药发放贷款，张小泉剪刀店未报告；遗失金融许可证，支付财务顾问费。"
    )
    assert r.text(text) == text


def test_party_name_and_witness_together():
    p = person()
    out = Redactor(parties=[p]).text(
        f"当事人{p['name']}销售过期食品，证人孙志强（身份证号码{WITNESS_ID}，手机139 1234 5678）"
        "证实了上述事实，孙志强系该店顾客。"
    )
    assert "张三丰" not in out and "孙志强" not in out and out.count("孙某某") == 2
    assert WITNESS_ID not in out and RIC_MASK in out and PHONE_MASK in out


def test_phones_and_old_ids_recognised_by_their_label():
    out = Redactor().text("电话88886666，联系电话0570 3012345，身份证号330802700101123。")
    assert "88886666" not in out and "3012345" not in out and "330802700101123" not in out
    assert out.count(PHONE_MASK) == 2 and RIC_MASK in out


@pytest.mark.parametrize("address,expected", list(_addresses()))
def test_address_kept_down_to_county(address, expected):
    assert addresses.coarsen(address) == expected


def test_free_text_address_of_a_person_is_cut_but_a_company_address_stays():
    out = Redactor().text("证人孙志强，住浙江省衢州市柯城区荷花路12号3幢501室，证实……")
    assert "浙江省衢州市柯城区[详细地址已隐去]" in out and "荷花路" not in out
    text = "测试县好味食品有限公司，住所：浙江省衢州市柯城区兴业路8号，法定代表人陈大勇。"
    assert Redactor(parties=[company()]).text(text) == text
    pub = Redactor().party(company(address="浙江省衢州市柯城区兴业路8号"))
    assert pub["address"] == "浙江省衢州市柯城区兴业路8号"  # legal persons' addresses are public
    pub = Redactor().party(person(address="浙江省衢州市柯城区荷花路12号"))
    assert pub["address"] == "浙江省衢州市柯城区[详细地址已隐去]"


def test_individual_business_operator_named_as_witness_elsewhere_is_masked():
    p = company(
        party_type=PartyType.INDIVIDUAL_BUSINESS,
        name="城关镇小李烟酒店",
        legal_representative="李小龙",
    )
    out = Redactor(parties=[p]).text("城关镇小李烟酒店经营者李小龙，证人王大锤。")
    assert "城关镇小李烟酒店" in out and "李小龙" not in out and "王大锤" not in out


@pytest.mark.django_db
def test_page_api_and_csv_show_the_same_redaction(client, agency_a, handler_a):
    """Page, API and CSV all read the one snapshot written by Redactor (one function)."""
    facts = (
        f"当事人销售过期牛奶12盒。证人孙志强（身份证号码{WITNESS_ID}，联系电话13812345678，"
        "住浙江省衢州市柯城区荷花路12号）证实了上述事实。"
    )
    pub = published(
        agency_a,
        handler_a,
        parties=[company()],
        full_text=[("违法事实", facts)],
        penalty={
            "kinds": ["fine"],
            "fine": "5000",
            "facts": facts,
            "basis": "《中华人民共和国食品安全法》第一百二十四条",
            "content": "罚款人民币5000元",
            "violation_type": "销售超过保质期的食品",
        },
    )
    page = client.get(reverse("gs:decision", args=[pub.pk])).content.decode()
    api = json.dumps(
        client.get(reverse("publicity_api:decision", args=[pub.pk])).json(), ensure_ascii=False
    )
    r = client.get(reverse("gs:export", args=["penalty", "csv"]))
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    for rendered in (page, api, row["违法事实"]):
        assert "孙志强" not in rendered and "孙某某" in rendered
        assert WITNESS_ID not in rendered and "13812345678" not in rendered
        assert "荷花路" not in rendered and "柯城区[详细地址已隐去]" in rendered
    assert COMPANY_USCI in row["行政相对人代码_1(统一社会信用代码)"]
    assert PERSON_ID not in text
