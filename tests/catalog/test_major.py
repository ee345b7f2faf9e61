"""is_major with real catalogue thresholds (verbatim quotes; SOURCE: reference-data
major-decision/catalogue_thresholds_compiled.json, compiled from the pages named below)."""

import datetime as dt
from decimal import Decimal

import pytest

from sanxiang.catalog.major import MajorProposal, is_major
from sanxiang.catalog.models import CatalogKind
from sanxiang.core.errors import DomainError
from sanxiang.core.fields import CaseActType, PartyType, PenaltyKind

D = dt.date(2026, 3, 1)
NATURAL = "自然人、个体工商户"
ORG = "法人、非法人组织"

# 长治市市场监督管理局 https://changzhi.gov.cn/.../t20220609_2566302.shtml
CHANGZHI = "拟对自然人或个体工商户处以万元以上(不含本数)、对法人或者其他组织处以十万元以上(不含本数)罚款或者没收相当于前述数额违法所得、非法财物的行政处罚决定"
# 衡阳市文化市场综合执法 https://www.hengyang.gov.cn/.../i2384553.html
HENGYANG = "对公民处以1000元以上(含1000元)罚款、对法人和其他组织处以2万元以上(含2万元)罚款"
# 北京市通州区 http://zhengfu.bjtzh.gov.cn/bjtz/c110874tk/202401/1693072.shtml
TONGZHOU_URBAN = "拟对个人处5000元(不含)以上、对法人或者其他组织处50000元(不含)以上罚款的"
TONGZHOU_ENV = "拟对公民处以5000元以上(含)的罚款,对法人或者组织处以50000元以上(含)的罚款,或者没收违法所得、没收非法财物价值达到上述金额的事项"
# 信阳市教育体育局 http://jytyj.xinyang.gov.cn:80/info/634
XINYANG = "没收违法所得超过1000元的行政处罚决定"


def fine_rule(code, parties, amount, inclusive, quote, **more):
    row = {
        "条目编码": code,
        "执法类别": "行政处罚",
        "审核条件": "罚款数额",
        "当事人类别": parties,
        "金额(元)": str(amount),
        "含本数": "是" if inclusive else "否",
        "原文": quote,
    }
    row.update(more)
    return row


def proposal(agency, party, fine=None, **more):
    return MajorProposal(
        agency=agency,
        act_type=CaseActType.PENALTY_GENERAL,
        field="market",
        party_type=party,
        fine=None if fine is None else Decimal(fine),
        on_date=more.pop("on_date", D),
        **more,
    )


@pytest.fixture
def changzhi(agency_a, head_a, publish_rows):
    return publish_rows(
        agency_a,
        CatalogKind.MAJOR,
        [
            fine_rule("CZ-1", NATURAL, 10000, False, CHANGZHI),
            fine_rule("CZ-2", ORG, 100000, False, CHANGZHI),
            {
                "条目编码": "CZ-3",
                "执法类别": "行政处罚",
                "审核条件": "没收违法所得、非法财物价值",
                "当事人类别": NATURAL,
                "金额(元)": "10000",
                "含本数": "否",
                "原文": CHANGZHI,
            },
            {"条目编码": "CZ-4", "审核条件": "处罚种类", "处罚种类": "吊销许可证件"},
            {"条目编码": "CZ-5", "审核条件": "处罚种类", "处罚种类": "责令停产停业"},
        ],
        head_a,
    )


@pytest.mark.parametrize(
    "party, fine, major",
    [
        (
            PartyType.NATURAL_PERSON,
            "10000",
            False,
        ),  # 万元以上(不含本数): exactly 10000 is not major
        (PartyType.NATURAL_PERSON, "10000.01", True),
        (PartyType.INDIVIDUAL_BUSINESS, "10001", True),
        (PartyType.LEGAL_PERSON, "10001", False),  # organisations: 100000 threshold
        (PartyType.LEGAL_PERSON, "100000", False),
        (PartyType.OTHER_ORG, "100000.01", True),
    ],
)
def test_changzhi_exclusive_thresholds(changzhi, agency_a, party, fine, major):
    rules = is_major(proposal(agency_a, party, fine))
    assert bool(rules) is major
    if major:
        assert rules[0].quote == CHANGZHI
        assert rules[0].version.content_hash == changzhi.content_hash


def test_changzhi_other_triggers(changzhi, agency_a):
    p = proposal(agency_a, PartyType.NATURAL_PERSON, "500", confiscation_value=Decimal("10000"))
    assert not is_major(p)
    p.confiscation_value = Decimal("10500")
    assert [r.code for r in is_major(p)] == ["CZ-3"]
    p = proposal(
        agency_a, PartyType.LEGAL_PERSON, "500", penalty_kinds={PenaltyKind.REVOKE_LICENCE}
    )
    rules = is_major(p)
    assert [r.code for r in rules] == ["CZ-4"]
    assert rules[0].describe() == "拟作出吊销许可证件的决定"


@pytest.mark.parametrize(
    "party, fine, major",
    [
        (PartyType.NATURAL_PERSON, "999.99", False),
        (PartyType.NATURAL_PERSON, "1000", True),  # 以上(含1000元)
        (PartyType.LEGAL_PERSON, "19999", False),
        (PartyType.LEGAL_PERSON, "20000", True),  # 以上(含2万元)
    ],
)
def test_hengyang_inclusive_thresholds(agency_a, head_a, publish_rows, party, fine, major):
    publish_rows(
        agency_a,
        CatalogKind.MAJOR,
        [
            fine_rule("HY-1", "自然人", 1000, True, HENGYANG),
            fine_rule("HY-2", ORG, 20000, True, HENGYANG),
        ],
        head_a,
    )
    assert bool(is_major(proposal(agency_a, party, fine))) is major


def test_tongzhou_same_amount_opposite_rules_by_field(agency_a, head_a, publish_rows):
    publish_rows(
        agency_a,
        CatalogKind.MAJOR,
        [
            fine_rule("TZ-U1", "自然人", 5000, False, TONGZHOU_URBAN, 执法领域="城市管理"),
            fine_rule("TZ-U2", ORG, 50000, False, TONGZHOU_URBAN, 执法领域="城市管理"),
            fine_rule("TZ-E1", "自然人", 5000, True, TONGZHOU_ENV, 执法领域="生态环境"),
            fine_rule("TZ-E2", ORG, 50000, True, TONGZHOU_ENV, 执法领域="生态环境"),
        ],
        head_a,
    )

    def codes(field, party, fine):
        p = proposal(agency_a, party, fine)
        p.field = field
        return [r.code for r in is_major(p)]

    assert codes("urban", PartyType.NATURAL_PERSON, "5000") == []
    assert codes("environment", PartyType.NATURAL_PERSON, "5000") == ["TZ-E1"]
    assert codes("urban", PartyType.NATURAL_PERSON, "5001") == ["TZ-U1"]
    assert codes("urban", PartyType.LEGAL_PERSON, "50000") == []
    assert codes("environment", PartyType.LEGAL_PERSON, "50000") == ["TZ-E2"]
    assert codes("environment", PartyType.LEGAL_PERSON, "49999.99") == []


def test_xinyang_confiscation_exclusive(agency_a, head_a, publish_rows):
    publish_rows(
        agency_a,
        CatalogKind.MAJOR,
        [
            {
                "条目编码": "XY-1",
                "执法类别": "行政处罚",
                "审核条件": "没收违法所得、非法财物价值",
                "金额(元)": "1000",
                "含本数": "否",
                "原文": XINYANG,
            },
        ],
        head_a,
    )
    p = proposal(agency_a, PartyType.LEGAL_PERSON, confiscation_value=Decimal("1000"))
    assert is_major(p) == []
    p.confiscation_value = Decimal("1000.01")
    rule = is_major(p)[0]
    assert rule.describe() == "拟对当事人没收违法所得、非法财物价值1000元以上（不含本数）"


def test_describe_fine_rule(changzhi, agency_a):
    rule = is_major(proposal(agency_a, PartyType.LEGAL_PERSON, "200000"))[0]
    assert rule.describe() == "拟对法人或非法人组织处以10万元以上（不含本数）罚款"


def test_ancestor_region_wide_catalogue_applies(
    agency_a, agency_b, supervisor, head_b, publish_rows
):
    # the county 司法局 publishes a region-wide catalogue (statutory floor, 行政处罚法 art. 58)
    publish_rows(
        supervisor.agency,
        CatalogKind.MAJOR,
        [
            {"条目编码": "SFJ-1", "执法类别": "行政处罚", "审核条件": "经过听证"},
            {"条目编码": "SFJ-2", "审核条件": "特定情形", "特定情形": "涉及重大公共利益"},
        ],
        supervisor,
    )
    # agency_b's own rule never applies to agency_a
    publish_rows(agency_b, CatalogKind.MAJOR, [fine_rule("B-1", "", 1, True, "")], head_b)
    p = proposal(agency_a, PartyType.LEGAL_PERSON, "100", hearing_held=True)
    rules = is_major(p)
    assert [r.code for r in rules] == ["SFJ-1"]
    assert rules[0].version.agency == supervisor.agency
    assert rules[0].describe() == "经过听证程序拟作出的行政处罚决定"
    p = proposal(agency_a, PartyType.LEGAL_PERSON, "100", extra={"public_interest": True})
    assert [r.code for r in is_major(p)] == ["SFJ-2"]
    assert [r.code for r in is_major(proposal(agency_b, PartyType.LEGAL_PERSON, "100"))] == ["B-1"]


def test_rules_apply_by_date(agency_a, head_a, publish_rows):
    publish_rows(
        agency_a,
        CatalogKind.MAJOR,
        [fine_rule("V1", ORG, 100000, True, "")],
        head_a,
        effective_from=dt.date(2026, 1, 1),
    )
    publish_rows(
        agency_a,
        CatalogKind.MAJOR,
        [fine_rule("V2", ORG, 50000, True, "")],
        head_a,
        effective_from=dt.date(2026, 6, 1),
    )
    before = proposal(agency_a, PartyType.LEGAL_PERSON, "60000", on_date=dt.date(2026, 5, 31))
    after = proposal(agency_a, PartyType.LEGAL_PERSON, "60000", on_date=dt.date(2026, 6, 1))
    assert is_major(before) == []
    rules = is_major(after)
    assert [r.code for r in rules] == ["V2"] and rules[0].version.number == 2
    ancient = proposal(agency_a, PartyType.LEGAL_PERSON, "9999999", on_date=dt.date(2025, 12, 31))
    assert is_major(ancient) == []


def test_act_type_filter_and_bad_input(agency_a, head_a, publish_rows):
    publish_rows(
        agency_a,
        CatalogKind.MAJOR,
        [
            {"条目编码": "L1", "执法类别": "行政许可", "审核条件": "经过听证"},
            {"条目编码": "P1", "案件程序类别": "行政处罚（一般程序）", "审核条件": "一律审核"},
        ],
        head_a,
    )
    p = MajorProposal(agency=agency_a, act_type="licensing", hearing_held=True, on_date=D)
    assert [r.code for r in is_major(p)] == ["L1"]
    p = MajorProposal(
        agency=agency_a, act_type=CaseActType.PENALTY_SIMPLE, hearing_held=True, on_date=D
    )
    assert is_major(p) == []
    p = MajorProposal(agency=agency_a, act_type=CaseActType.PENALTY_GENERAL, on_date=D)
    assert [r.code for r in is_major(p)] == ["P1"]
    with pytest.raises(DomainError):
        is_major(MajorProposal(agency=agency_a, act_type="nonsense"))
