"""Redaction of decision data before it is published (隐私、商业秘密处理).

Rules (docs/publicity.md §Redaction):

* resident ID numbers — any 18-character run that passes the GB 11643 check digit
  (``sanxiang.core.ids.is_valid_ric``) — become ``[身份证号码已隐去]``;
* mobile and fixed-line phone numbers become ``[电话号码已隐去]`` (the agency's own public
  phone numbers are kept);
* bank account numbers (runs of 12–30 digits, optionally grouped by spaces or hyphens)
  become ``[银行账号已隐去]``;
* a natural person's home address (the party's address) becomes ``[住址已隐去]``;
* a natural person's name is shown as surname + 某某 (张三 → 张某某), everywhere it occurs;
* spans the handler marks as trade secret or privacy become ``[商业秘密已隐去]`` /
  ``[个人隐私已隐去]``.

A legal person's (or other organisation's / individual business's) name, USCI and legal
representative stay visible, as the 双公示 rules publish them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sanxiang.core.fields import PartyType
from sanxiang.core.ids import is_valid_ric

RIC_MASK = "[身份证号码已隐去]"
PHONE_MASK = "[电话号码已隐去]"
BANK_MASK = "[银行账号已隐去]"
ADDRESS_MASK = "[住址已隐去]"
MARK_MASKS = {"trade_secret": "[商业秘密已隐去]", "privacy": "[个人隐私已隐去]"}

# 18 characters: 17 digits + digit/X, not glued to other alphanumerics.
_RIC_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
_LANDLINE_RE = re.compile(
    r"(?<![\d-])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}-)\d{7,8}(?:-\d{1,6})?(?!\d)"
)
# bank accounts: 12-30 digits, possibly grouped
_BANK_RE = re.compile(
    r"(?<![\dA-Za-z.])\d{4}(?:[ -]?\d{2,6}){2,7}(?![\dA-Za-z.])"
    r"|(?<![\dA-Za-z.])\d{12,30}(?![\dA-Za-z.])"
)

NATURAL = {PartyType.NATURAL_PERSON.value}


def mask_name(name: str) -> str:
    """张三 → 张某某 (compound surnames keep their first two characters)."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[0]
    return f"{surname}某某"


COMPOUND_SURNAMES = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "夏侯",
    "宇文",
    "长孙",
    "司徒",
    "端木",
}


@dataclass
class Redactor:
    """Redacts text for one decision: knows its parties, marks and allowed numbers."""

    parties: list = field(default_factory=list)
    marks: list = field(default_factory=list)
    keep: set = field(default_factory=set)  # public numbers never masked (agency phone, USCI)

    def __post_init__(self):
        self._replacements = []  # (text, replacement), longest first
        for mark in self.marks:
            text = (mark.get("text") or "").strip()
            if text:
                mask = MARK_MASKS.get(mark.get("reason"), MARK_MASKS["privacy"])
                self._replacements.append((text, mask))
        for party in self.parties:
            ptype = party.get("party_type")
            if ptype in NATURAL:
                name = (party.get("name") or "").strip()
                if name:
                    self._replacements.append((name, mask_name(name)))
                address = (party.get("address") or "").strip()
                if len(address) >= 4:
                    self._replacements.append((address, ADDRESS_MASK))
            else:
                rep = (party.get("legal_representative") or "").strip()
                if ptype == PartyType.INDIVIDUAL_BUSINESS and rep:
                    # the operator of an individual business is a natural person
                    self._replacements.append((rep, mask_name(rep)))
                usci = (party.get("usci") or "").strip().upper()
                if usci:
                    self.keep.add(usci)
            number = (party.get("id_number") or "").strip()
            if number and ptype in NATURAL | {PartyType.INDIVIDUAL_BUSINESS.value}:
                self._replacements.append((number, RIC_MASK))
            phone = (party.get("phone") or "").strip()
            if phone:
                self._replacements.append((phone, PHONE_MASK))
        self._replacements.sort(key=lambda pair: -len(pair[0]))
        self.keep = {re.sub(r"\D", "", k) or k for k in self.keep if k} | set(self.keep)

    def _kept(self, match_text: str) -> bool:
        digits = re.sub(r"\D", "", match_text)
        return match_text in self.keep or (digits and digits in self.keep)

    def text(self, value) -> str:
        if value is None:
            return ""
        out = str(value)
        for original, mask in self._replacements:
            out = out.replace(original, mask)

        def ric(m):
            return (
                m.group(0) if self._kept(m.group(0)) or not is_valid_ric(m.group(1)) else RIC_MASK
            )

        out = _RIC_RE.sub(ric, out)

        def phone(m):
            return m.group(0) if self._kept(m.group(0)) else PHONE_MASK

        out = _MOBILE_RE.sub(phone, out)
        out = _LANDLINE_RE.sub(phone, out)

        def bank(m):
            digits = re.sub(r"\D", "", m.group(0))
            if len(digits) < 12 or self._kept(m.group(0)):
                return m.group(0)
            return BANK_MASK

        out = _BANK_RE.sub(bank, out)
        return out

    def party(self, party: dict) -> dict:
        """The public view of a party (双公示: natural-person identifiers withheld)."""
        ptype = party.get("party_type") or ""
        if ptype in NATURAL:
            return {
                "party_type": ptype,
                "name": mask_name(party.get("name", "")),
                "usci": "",
                "legal_representative": "",
                "address": "",
            }
        rep = party.get("legal_representative", "") or ""
        if ptype == PartyType.INDIVIDUAL_BUSINESS and rep:
            rep = mask_name(rep)
        return {
            "party_type": ptype,
            "name": self.text(party.get("name", "")),
            "usci": (party.get("usci") or "").strip().upper(),
            "legal_representative": rep,
            "address": self.text(party.get("address", "")),
        }


def find_sensitive(text: str) -> list[str]:
    """Strings an automatic pass would mask (for the preview's highlight list)."""
    found = []
    for m in _RIC_RE.finditer(text or ""):
        if is_valid_ric(m.group(1)):
            found.append(m.group(0))
    found += [m.group(0) for m in _MOBILE_RE.finditer(text or "")]
    found += [m.group(0) for m in _LANDLINE_RE.finditer(text or "")]
    return found
