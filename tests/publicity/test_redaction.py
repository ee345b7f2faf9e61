"""Redaction rules: every masked class of data, and what must stay visible."""

from sanxiang.core.fields import PartyType
from sanxiang.publicity.redaction import (
    ADDRESS_MASK,
    BANK_MASK,
    PHONE_MASK,
    RIC_MASK,
    Redactor,
    mask_name,
)

from .conftest import COMPANY_USCI, PERSON_ID, PERSON_ID_BAD, company, person


def test_resident_id_masked_only_with_valid_check_digit():
    r = Redactor()
    assert RIC_MASK in r.text(f"身份证号{PERSON_ID}。")
    assert PERSON_ID not in r.text(f"身份证号{PERSON_ID}。")
    # 18 digits with a wrong check digit is not recognised as an ID number (a long digit
    # run is still withheld as a possible bank account)
    assert RIC_MASK not in r.text(f"编号{PERSON_ID_BAD}")
    assert RIC_MASK not in r.text("编号11010119900307777X")


def test_phone_numbers_masked_but_agency_phone_kept():
    r = Redactor(keep={"0571-12345678"})
    out = r.text("手机13912345678，座机0571-88886666，机关电话0571-12345678")
    assert "13912345678" not in out and "0571-88886666" not in out
    assert out.count(PHONE_MASK) == 2
    assert "0571-12345678" in out


def test_bank_accounts_masked_amounts_and_dates_kept():
    r = Redactor()
    out = r.text("开户账号6222 0212 3456 7890 123，罚款50000.00元，日期20260301")
    assert BANK_MASK in out and "6222" not in out
    assert "50000.00" in out and "20260301" in out


def test_natural_person_name_and_home_address():
    p = person()
    r = Redactor(parties=[p])
    out = r.text(f"当事人{p['name']}，住{p['address']}，于当日销售过期食品。")
    assert "张三丰" not in out and "张某某" in out
    # item 15: the county is kept, the detailed address hidden
    assert p["address"] not in out and "住测试县[详细地址已隐去]" in out
    pub = r.party(p)
    assert pub["name"] == "张某某" and pub["usci"] == ""
    assert pub["address"] == "测试县[详细地址已隐去]"
    # an address without any recognisable division is hidden whole
    r = Redactor(parties=[person(address="人民路1号3单元502室")])
    assert r.text("住人民路1号3单元502室") == f"住{ADDRESS_MASK}"


def test_legal_person_name_usci_and_representative_stay_visible():
    c = company()
    r = Redactor(parties=[c])
    out = r.text(f"{c['name']}（{COMPANY_USCI}），法定代表人{c['legal_representative']}")
    assert c["name"] in out and COMPANY_USCI in out and "陈大勇" in out
    pub = r.party(c)
    assert pub["name"] == c["name"] and pub["usci"] == COMPANY_USCI
    assert pub["legal_representative"] == "陈大勇"


def test_individual_business_operator_is_a_natural_person():
    p = company(
        party_type=PartyType.INDIVIDUAL_BUSINESS,
        name="城关镇小李烟酒店",
        legal_representative="李小龙",
    )
    r = Redactor(parties=[p])
    assert r.party(p)["legal_representative"] == "李某某"
    assert "李小龙" not in r.text("经营者李小龙")


def test_marked_spans_trade_secret_and_privacy():
    r = Redactor(
        marks=[
            {"text": "配方含甜蜜素0.3%", "reason": "trade_secret"},
            {"text": "患有糖尿病", "reason": "privacy"},
        ]
    )
    out = r.text("产品配方含甜蜜素0.3%；当事人患有糖尿病。")
    assert "[商业秘密已隐去]" in out and "[个人隐私已隐去]" in out
    assert "甜蜜素" not in out and "糖尿病" not in out


def test_mask_name():
    assert mask_name("张三") == "张某某"
    assert mask_name("欧阳修远") == "欧阳某某"
    assert mask_name("") == ""
