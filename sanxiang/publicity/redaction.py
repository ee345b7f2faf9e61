"""Redaction of decision data before it is published (隐私、商业秘密处理).

Rules (docs/publicity.md §Redaction):

* resident ID numbers — any 18-character run that passes the GB 11643 check digit
  (``sanxiang.core.ids.is_valid_ric``) — become ``[身份证号码已隐去]``;
* mobile and fixed-line phone numbers become ``[电话号码已隐去]`` (the agency's own public
  phone numbers are kept);
* bank account numbers (runs of 12–30 digits, optionally grouped by spaces or hyphens)
  become ``[银行账号已隐去]``;
* a natural person's address — the party's, and any address after 住/住址/家住/户籍地 … in the
  text — keeps its divisions down to county/district and hides the rest
  (``浙江省杭州市西湖区[详细地址已隐去]``; ``addresses.coarsen``); a legal person's address stays;
* a natural person's name is shown as surname + 某某 (张三 → 张某某), everywhere it occurs —
  the parties' and, found by ``names.find_names`` (jieba's name tags + context rules),
  those of witnesses, 被询问人, 陪同人员, family members and other non-parties;
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

from .addresses import DETAIL_MASK, WHOLE_MASK, coarsen
from .names import COMPOUND_SURNAMES, find_names

RIC_MASK = "[身份证号码已隐去]"
PHONE_MASK = "[电话号码已隐去]"
BANK_MASK = "[银行账号已隐去]"
ADDRESS_MASK = WHOLE_MASK  # no division recognised: the whole address is hidden
DETAIL_ADDRESS_MASK = DETAIL_MASK
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

# a phone or an old 15-digit ID number is recognised by its label when its shape alone is
# not enough (8-digit local numbers, "0571 88886666", 400 numbers)
_PHONE_LABELLED_RE = re.compile(
    r"((?:联系电话|联系方式|电话号码|手机号码|手机号|电话|手机|电话：|Tel|TEL)[：:\s]*(?:为|是)?)"
    r"((?:\+?86[ -]?)?\(?\d[\d ()（）-]{5,16}\d)(?!\d)"
)
_RIC15_RE = re.compile(
    r"((?:身份证号码|身份证号|身份证|公民身份号码|证件号码)[：:\s]*(?:为|是)?)(\d{15})(?!\d)"
)
# an address in free text, after a word that introduces where a person lives
_ADDRESS_RE = re.compile(
    r"(现住址|户籍所在地|户籍地址|户籍地|居住地址|居住地|暂住地|住所地|家庭住址|家住|现住|住址|住所|住)"
    r"[：:\s]*(?:在|于)?"
    r"((?:[\u4e00-\u9fff]{2,20}?(?:省|自治区|市|自治州|地区|盟|区|县|旗))[^，。；;,\n）)、]{0,60})"
)
_ORG_TAIL_RE = re.compile(
    r"(?:公司|商行|超市|门市|店|厂|合作社|银行|支行|分行|中心|集团|经营部|诊所|医院|酒店|宾馆|"
    r"营业所|信用社|联社)[）)]?[，,]?\s*$"
)

NATURAL = {PartyType.NATURAL_PERSON.value}


def mask_name(name: str) -> str:
    """张三 → 张某某 (compound surnames keep their first two characters)."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[0]
    return f"{surname}某某"


@dataclass
class Redactor:
    """Redacts text for one decision: knows its parties, marks and allowed numbers."""

    parties: list = field(default_factory=list)
    marks: list = field(default_factory=list)
    keep: set = field(default_factory=set)  # public numbers never masked (agency phone, USCI)

    def __post_init__(self):
        self._replacements = []  # (text, replacement), longest first
        self._public_names = set()  # natural persons whose names are published
        self._public_spans = set()  # organisations' names and addresses: never name-scanned
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
                    self._replacements.append((address, coarsen(address)))
            else:
                rep = (party.get("legal_representative") or "").strip()
                if ptype == PartyType.INDIVIDUAL_BUSINESS and rep:
                    # the operator of an individual business is a natural person
                    self._replacements.append((rep, mask_name(rep)))
                elif rep:
                    self._public_names.add(rep)  # 法定代表人 of a legal person: 双公示 field
                for public in (party.get("name"), party.get("address")):
                    if public and len(public.strip()) >= 2:
                        self._public_spans.add(public.strip())
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
        return self._text(value, names=True)

    def _text(self, value, *, names: bool) -> str:
        if value is None:
            return ""
        out = str(value)
        for original, mask in self._replacements:
            out = out.replace(original, mask)
        out = self._addresses(out)

        def ric(m):
            return (
                m.group(0) if self._kept(m.group(0)) or not is_valid_ric(m.group(1)) else RIC_MASK
            )

        out = _RIC_RE.sub(ric, out)
        out = _RIC15_RE.sub(lambda m: m.group(1) + RIC_MASK, out)

        def phone(m):
            return m.group(0) if self._kept(m.group(0)) else PHONE_MASK

        out = _MOBILE_RE.sub(phone, out)
        out = _LANDLINE_RE.sub(phone, out)

        def labelled_phone(m):
            if self._kept(m.group(2)) or len(re.sub(r"\D", "", m.group(2))) < 7:
                return m.group(0)
            return m.group(1) + PHONE_MASK

        out = _PHONE_LABELLED_RE.sub(labelled_phone, out)

        def bank(m):
            digits = re.sub(r"\D", "", m.group(0))
            if len(digits) < 12 or self._kept(m.group(0)):
                return m.group(0)
            return BANK_MASK

        out = _BANK_RE.sub(bank, out)
        if names:
            out = self._names(out)
        return out

    def _addresses(self, out: str) -> str:
        """Addresses where a person lives, found by their label, cut to county level."""

        def repl(m):
            label, address = m.group(1), m.group(2)
            if label == "住" and m.start() > 0 and out[m.start() - 1] not in "，,、（(：: 某）)":
                return m.group(0)  # 居住, 入住 … — not a label
            if address.strip() in self._public_spans or address.startswith(("[", "［")):
                return m.group(0)
            sentence = re.split(r"[。；;\n]", out[: m.start()])[-1]
            if label in ("住所", "住所地") and _ORG_TAIL_RE.search(sentence):
                return m.group(0)  # a company's 住所 is public
            coarse = coarsen(address)
            return m.group(0) if coarse == address else m.group(0).replace(address, coarse)

        return _ADDRESS_RE.sub(repl, out)

    def _names(self, out: str) -> str:
        """Mask non-party natural persons' names (witnesses, 被询问人, family …)."""
        found = find_names(out, public=self._public_names)
        if not found:
            return out
        protected = []
        for span in self._public_spans | self._public_names:
            protected += [(m.start(), m.end()) for m in re.finditer(re.escape(span), out)]
        pattern = re.compile("|".join(re.escape(n) for n in sorted(found, key=len, reverse=True)))

        def repl(m):
            if any(a <= m.start() < b or a < m.end() <= b for a, b in protected):
                return m.group(0)
            return mask_name(m.group(0))

        return pattern.sub(repl, out)

    def party(self, party: dict) -> dict:
        """The public view of a party (双公示: natural-person identifiers withheld)."""
        ptype = party.get("party_type") or ""
        if ptype in NATURAL:
            address = (party.get("address") or "").strip()
            return {
                "party_type": ptype,
                "name": mask_name(party.get("name", "")),
                "usci": "",
                "legal_representative": "",
                "address": coarsen(address) if address else "",
            }
        rep = party.get("legal_representative", "") or ""
        if ptype == PartyType.INDIVIDUAL_BUSINESS and rep:
            rep = mask_name(rep)
        return {
            "party_type": ptype,
            "name": self._text(party.get("name", ""), names=False),
            "usci": (party.get("usci") or "").strip().upper(),
            "legal_representative": rep,
            "address": self._text(party.get("address", ""), names=False),
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
