"""check_penalty at, inside and outside the bounds; multiples and percentages; parsing."""

from decimal import Decimal

import pytest

from sanxiang.catalog import imports
from sanxiang.catalog.discretion import check_penalty, find_benchmarks, parse_number, parse_standard
from sanxiang.catalog.models import CatalogKind, DiscretionTier, FineBasis
from sanxiang.core.errors import DomainError
from sanxiang.core.fields import PenaltyKind


def tier(basis, lo=None, hi=None, base="", kinds=(), standard=""):
    return DiscretionTier(
        order=1,
        name="一般",
        fine_basis=basis,
        fine_min=lo,
        fine_max=hi,
        base_label=base,
        penalty_kinds=list(kinds),
        standard=standard,
    )


@pytest.mark.parametrize(
    "fine, within",
    [("9999.99", False), ("10000", True), ("20000", True), ("30000", True), ("30000.01", False)],
)
def test_fixed_range_bounds_inclusive(fine, within):
    check = check_penalty(tier(FineBasis.FIXED, Decimal(10000), Decimal(30000)), fine=Decimal(fine))
    assert check.within is within
    assert (check.minimum, check.maximum) == (Decimal(10000), Decimal(30000))
    if not within:
        assert "低于" in check.reason or "高于" in check.reason


def test_multiple_of_illegal_income():
    t = tier(FineBasis.MULTIPLE, Decimal(1), Decimal(3), base="违法所得")
    assert check_penalty(t, fine=Decimal(5000), base_amount=Decimal(5000)).within
    assert check_penalty(t, fine=Decimal(15000), base_amount=Decimal(5000)).within
    check = check_penalty(t, fine=Decimal(15001), base_amount=Decimal(5000))
    assert not check.within and check.maximum == Decimal(15000)
    assert not check_penalty(t, fine=Decimal(4999), base_amount=Decimal(5000)).within
    with pytest.raises(DomainError) as info:
        check_penalty(t, fine=Decimal(5000))
    assert "违法所得" in str(info.value)


def test_percentage_of_investment():
    t = tier(FineBasis.PERCENTAGE, Decimal(1), Decimal(2), base="建设项目总投资额")
    check = check_penalty(t, fine=Decimal(20000), base_amount=Decimal(1000000))
    assert check.within and (check.minimum, check.maximum) == (Decimal(10000), Decimal(20000))
    assert not check_penalty(t, fine=Decimal(9999), base_amount=Decimal(1000000)).within


def test_no_numeric_range_says_so():
    t = tier(FineBasis.NONE, standard="处七万元以下九万元以下罚款")
    check = check_penalty(t, fine=Decimal(80000))
    assert not check.within and "没有数值化的罚款幅度" in check.reason
    assert check.minimum is None


def test_penalty_kinds_checked():
    t = tier(FineBasis.FIXED, Decimal(0), Decimal(5000), kinds=[PenaltyKind.CONFISCATE_INCOME])
    assert check_penalty(
        t, fine=Decimal(100), penalty_kinds=[PenaltyKind.FINE, PenaltyKind.CONFISCATE_INCOME]
    )
    check = check_penalty(t, fine=Decimal(100), penalty_kinds=[PenaltyKind.REVOKE_LICENCE])
    assert not check.within and "吊销许可证件" in check.reason


@pytest.mark.parametrize(
    "text, value",
    [
        ("1万", 10000),
        ("二十万", 200000),
        ("一万五千", 15000),
        ("一百五十万", 1500000),
        ("五千", 5000),
        ("0.5万", 5000),
        ("2000", 2000),
        ("十", 10),
        ("两", 2),
        ("一亿", 100000000),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(
    "standard, basis, lo, hi, base",
    [
        ("处1万元以上3万元以下罚款", FineBasis.FIXED, 10000, 30000, ""),
        ("处二万元以上二十万元以下的罚款", FineBasis.FIXED, 20000, 200000, ""),
        ("没收违法所得，并处违法所得1倍以上3倍以下罚款", FineBasis.MULTIPLE, 1, 3, "违法所得"),
        ("责令改正，处二十万元罚款", FineBasis.FIXED, 200000, 200000, ""),
        ("处五十万以上一百万元以下罚款", FineBasis.FIXED, 500000, 1000000, ""),
        (
            "责令停止建设，处建设项目总投资额百分之一以上百分之二以下的罚款",
            FineBasis.PERCENTAGE,
            1,
            2,
            "建设项目总投资额",
        ),
        ("给予警告", FineBasis.NONE, None, None, ""),
    ],
)
def test_parse_standard(standard, basis, lo, hi, base):
    parsed = parse_standard(standard)
    assert parsed.fine_basis == basis
    assert parsed.fine_min == (None if lo is None else Decimal(lo))
    assert parsed.fine_max == (None if hi is None else Decimal(hi))
    assert parsed.base_label == base


def test_find_benchmarks_by_text_and_power(head_a, publish_rows):
    from sanxiang.catalog import services

    rows = [
        {
            "基准编码": "D-1",
            "违法行为": "销售不符合食品安全标准的食品",
            "对应事项编码": "P-001",
            "档次序号": "1",
            "裁量档次": "一般",
            "罚款计算方式": "固定金额",
            "罚款下限": "50000",
            "罚款上限": "80000",
        },
        {
            "基准编码": "D-2",
            "违法行为": "未按规定公示食品经营许可证",
            "档次序号": "1",
            "裁量档次": "轻微",
            "罚款计算方式": "无数值幅度",
        },
    ]
    publish_rows(head_a.agency, CatalogKind.DISCRETION, rows, head_a)
    assert [b.code for b in find_benchmarks(head_a.agency, text="食品安全标准")] == ["D-1"]
    assert [b.code for b in find_benchmarks(head_a.agency, power="P-001")] == ["D-1"]
    assert find_benchmarks(head_a.agency).count() == 2
    b = find_benchmarks(head_a.agency, text="公示").get()
    assert b.tiers.get().version_ref["number"] == 1
    assert services.current_version(head_a.agency, CatalogKind.DISCRETION).content_hash
    assert imports  # imported for the fixture module
