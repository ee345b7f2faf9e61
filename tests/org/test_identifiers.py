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
