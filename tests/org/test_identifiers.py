"""USCI (GB 32100-2015) and resident ID (GB 11643-1999) checks against real vectors."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.core.ids import (
    USCI_ALPHABET,
    is_valid_ric,
    is_valid_usci,
    ric_check_char,
    ric_error,
    usci_check_char,
    usci_error,
)

DATA = Path(__file__).parent / "data"
VECTORS = json.loads((DATA / "test_vectors.json").read_text(encoding="utf-8"))
REAL_USCI = [
    line.strip()
    for line in (DATA / "uscc_valid_found_online_stdnum.txt").read_text().splitlines()
    if line.strip()
]


def test_real_codes_found_online_are_all_accepted():
    assert len(REAL_USCI) == 200
    rejected = [(c, usci_error(c)) for c in REAL_USCI if not is_valid_usci(c)]
    assert rejected == []


@pytest.mark.parametrize("entry", VECTORS["uscc_valid"], ids=lambda e: e["code"])
def test_curated_valid_usci(entry):
    assert usci_error(entry["code"]) is None


@pytest.mark.parametrize("entry", VECTORS["uscc_invalid"], ids=lambda e: e["code"])
def test_curated_invalid_usci(entry):
    assert usci_error(entry["code"])


def test_wrong_check_character_is_rejected_for_every_real_code():
    for code in REAL_USCI:
        for wrong in USCI_ALPHABET:
            if wrong != code[17]:
                assert not is_valid_usci(code[:17] + wrong)
                break


def test_letters_allowed_where_the_standard_allows_them():
    # positions 9-17 (organisation code) may be letters; the check character too.
    assert is_valid_usci("91230500MA1B3N1N2M")
    assert "校验位" in usci_error("91230500MA1B3N1N2A")


def test_forbidden_letters_named_in_chinese():
    message = usci_error("9111000060003IOZSV")
    assert "I" in message and "不允许的字符" in message


@given(st.text(alphabet=USCI_ALPHABET, min_size=15, max_size=15))
def test_generated_codes_with_computed_check_char_are_valid(tail):
    body = "91" + "110000"[:6] + tail[:9]
    assert is_valid_usci(body + usci_check_char(body))


@pytest.mark.parametrize("entry", VECTORS["ric_valid"], ids=lambda e: e["id"])
def test_valid_resident_ids(entry):
    assert is_valid_ric(entry["id"])


@pytest.mark.parametrize("entry", VECTORS["ric_invalid"], ids=lambda e: e["id"])
def test_invalid_resident_ids(entry):
    assert ric_error(entry["id"])


@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.text(alphabet=USCI_ALPHABET, min_size=10, max_size=10),
)
def test_usci_agrees_with_stdnum_where_gb_32100_and_stdnum_agree(head, tail):
    """Digit-led codes (every authority but A, N, Y): accepted exactly when stdnum accepts."""
    from stdnum.cn import uscc

    code = "9" + head[1:] + tail
    assert is_valid_usci(code) == uscc.is_valid(code)


def test_usci_of_the_authorities_gb_32100_allows_beyond_stdnum():
    # N (农业), Y (其他): letters in position 1 are lawful; stdnum's validate refuses them
    from stdnum.cn import uscc

    body = "N2110000MA1B3N1N2"
    code = body + usci_check_char(body)
    assert is_valid_usci(code) and not uscc.is_valid(code)


def test_ric_check_and_birth_date_from_stdnum_address_from_the_province():
    from stdnum.cn import ric

    # GB 11643's worked example: stdnum's county table by birth year refuses it, we do not
    assert is_valid_ric("440524188001010014") and not ric.is_valid("440524188001010014")
    assert ric_error("440524188002300014") == "身份证号码中的出生日期无效。"
    assert ric_error("99052419800101001X").startswith("身份证号码地址码")
    for number in ("11010519491231002X", "360426199101010071"):
        assert ric_check_char(number[:17]) == number[17] == ric.calc_check_digit(number)
