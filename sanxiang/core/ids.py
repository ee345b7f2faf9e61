"""Chinese identifier checks.

* 统一社会信用代码 (USCI), GB 32100-2015: 18 characters from the code set
  ``0-9 A-H J-N P-R T-U W-Y`` (no I, O, Z, S, V); the 18th is a mod-31 check character.
* 公民身份号码 (resident ID), GB 11643-1999: 17 digits + ISO 7064 MOD 11-2 check
  (``X`` for 10), with a valid birth date in positions 7-14.
"""

import datetime as dt

USCI_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCI_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
# Registration-authority codes (1st char) of GB 32100-2015 table 1.
USCI_AUTHORITIES = set("123456789ANY")

RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
RIC_CHECK = "10X98765432"
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
    total = sum(USCI_ALPHABET.index(c) * w for c, w in zip(first17, USCI_WEIGHTS, strict=True))
    return USCI_ALPHABET[(31 - total % 31) % 31]


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
    return RIC_CHECK[sum(int(c) * w for c, w in zip(first17, RIC_WEIGHTS, strict=True)) % 11]


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
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效。"
    expected = ric_check_char(number[:17])
    if number[17] != expected:
        return f"身份证号码校验位错误：应为“{expected}”。"
    return None


def is_valid_ric(number: str) -> bool:
    return ric_error(number) is None
