"""Chinese identifier checks, with the check digits and birth dates of python-stdnum.

* 统一社会信用代码 (USCI), GB 32100-2015: 18 characters from the code set
  ``0-9 A-H J-N P-R T-U W-Y`` (no I, O, Z, S, V); the 18th is a mod-31 check character
  (``stdnum.cn.uscc.calc_check_digit``).
* 公民身份号码 (resident ID), GB 11643-1999: 17 digits + ISO 7064 MOD 11-2 check
  (``X`` for 10, ``stdnum.cn.ric.calc_check_digit``), with a valid birth date in positions
  7-14 (``stdnum.cn.ric.get_birth_date``).

What stays here is the Chinese reason for each refusal and two deliberate departures from
stdnum's ``validate``: ``cn.uscc.validate`` wants digits in positions 1-8, but GB 32100
allows the registration authorities A, N and Y in position 1; ``cn.ric.validate`` also looks
the 6-digit address code up in its county table by birth year, which refuses the standard's
own worked example (440524188001010014) — the province code is checked instead.
"""

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

USCI_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Registration-authority codes (1st char) of GB 32100-2015 table 1.
USCI_AUTHORITIES = set("123456789ANY")

# Province-level codes (GB/T 2260) that open a resident ID number.
RIC_PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
    "91",
}


def usci_check_char(first17: str) -> str:
    """The 18th character of a USCI whose first 17 are ``first17``."""
    return uscc.calc_check_digit(first17)


def usci_error(code: str) -> str | None:
    """Return a Chinese reason why ``code`` is not a valid USCI, or None when valid."""
    if not isinstance(code, str):
        return "统一社会信用代码必须是文本。"
    code = code.strip().upper()
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位。"
    bad = sorted({c for c in code if c not in USCI_ALPHABET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用 I、O、Z、S、V）。"
    if code[0] not in USCI_AUTHORITIES:
        return f"统一社会信用代码第1位登记管理部门代码“{code[0]}”无效。"
    if not code[2:8].isdigit():
        return "统一社会信用代码第3至8位应为行政区划代码（数字）。"
    expected = usci_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：应为“{expected}”，实际为“{code[17]}”。"
    return None


def is_valid_usci(code: str) -> bool:
    return usci_error(code) is None


def ric_check_char(first17: str) -> str:
    """The 18th character of a resident ID whose first 17 digits are ``first17``."""
    return ric.calc_check_digit(first17 + "0")  # stdnum takes the number with its check digit


def ric_error(number: str) -> str | None:
    """Reason why ``number`` is not a valid 18-digit resident ID, or None when valid."""
    if not isinstance(number, str):
        return "身份证号码必须是文本。"
    number = number.strip().upper()
    if len(number) != 18:
        return f"身份证号码应为18位，实际为{len(number)}位。"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "身份证号码格式错误：前17位应为数字，末位为数字或X。"
    if number[:2] not in RIC_PROVINCES:
        return f"身份证号码地址码“{number[:2]}”不是有效的省级行政区划代码。"
    try:
        ric.get_birth_date(number)
    except ValidationError:
        return "身份证号码中的出生日期无效。"
    expected = ric_check_char(number[:17])
    if number[17] != expected:
        return f"身份证号码校验位错误：应为“{expected}”。"
    return None


def is_valid_ric(number: str) -> bool:
    return ric_error(number) is None
