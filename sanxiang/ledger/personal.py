"""Personal data in ledger leaves: committed to by a keyed hash, never in clear (#11.4).

A leaf is public in the sense that matters: its proof may be published (a case archive,
a bundle handed to a court or a witness) and, without scoping, anyone who reads leaves
sees its content. So a payload never holds a natural person's name, ID number, phone,
address, a complainant's data or free-text facts. It holds ``digest(value)``:
HMAC-SHA256 under a per-deployment key kept under ``settings.KEYS_DIR`` (created once,
mode 0600, with ``core.keyfiles`` as the complaints key), so

* the platform (which holds the key) can still check that a row says what was ledgered
  — the reconciliation recomputes the digest of the row and compares it with the leaf;
* a reader of the leaf learns nothing: without the key an ID number or phone cannot be
  found by trying all of them, which a plain SHA-256 of a 18-digit ID would allow.

Back the key up with the ledger's signing key: without it the digests in old leaves can
no longer be compared with rows (the leaves themselves still verify).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from django.conf import settings

from sanxiang.core.keyfiles import create_file_once

KEY_FILE = "ledger_personal_hmac.key"
PREFIX = "hmac-sha256:"

__all__ = ["KEY_FILE", "PREFIX", "case_persons", "digest", "digest_fields", "matches", "protect"]


def _key() -> bytes:
    path = Path(settings.KEYS_DIR) / KEY_FILE
    if not path.exists():
        create_file_once(path, secrets.token_hex(32).encode())
    return path.read_bytes().strip()


def digest(*parts) -> str:
    """``"hmac-sha256:<hex>"`` of ``parts`` (joined by U+001F; ``None`` as empty); the
    empty value stays ``""`` so a leaf still shows that a field was left blank."""
    values = ["" if p is None else str(p) for p in parts]
    if not any(values):
        return ""
    msg = b"ledger-personal:" + "\x1f".join(values).encode("utf-8")
    return PREFIX + hmac.new(_key(), msg, hashlib.sha256).hexdigest()


def digest_fields(data: dict, fields) -> dict:
    """``data`` with each of ``fields`` present replaced by its digest."""
    out = dict(data)
    for name in fields:
        if name in out:
            out[name] = digest(out[name])
    return out


def matches(value, recorded) -> bool:
    """Does the row's ``value`` match what a leaf recorded (a digest, or — in leaves
    written before issue #11 — the value in clear)?"""
    if isinstance(recorded, str) and recorded.startswith(PREFIX):
        return hmac.compare_digest(digest(value), recorded)
    return ("" if value is None else str(value)) == ("" if recorded is None else str(recorded))


# Keys whose string value is a person's data, or free text about the facts, wherever they
# appear in a payload; and the party types whose ``name`` is a natural person's.
PERSONAL_KEYS = frozenset(
    {
        "id_number", "phone", "address", "legal_representative", "recipient",
        "complainant", "witness", "witnesses", "interviewee",
    }
)  # fmt: skip
# Free text a user typed (a summary quotes it: "现场检查：询问赵小红"): it may name anyone,
# a witness who is no party included, so it is committed to by digest as a whole.
FREE_TEXT_KEYS = frozenset(
    {
        "facts", "content", "report", "statement", "summary", "description", "reason",
        "title", "place", "evidence", "opinion", "note", "remark", "comment",
        "minutes", "conclusion",
    }
)  # fmt: skip
PERSON_TYPES = frozenset({"natural_person", "individual_business"})
_MIN_NEEDLE = 2


def _needles(obj, out):
    if isinstance(obj, dict):
        person = obj.get("type") in PERSON_TYPES or obj.get("party_type") in PERSON_TYPES
        for key, value in obj.items():
            if isinstance(value, str) and (key in PERSONAL_KEYS or (person and key == "name")):
                if len(value.strip()) >= _MIN_NEEDLE:
                    out.add(value.strip())
            else:
                _needles(value, out)
    elif isinstance(obj, list):
        for value in obj:
            _needles(value, out)


def _replace(obj, needles, person=False, key=None):
    if isinstance(obj, dict):
        person = obj.get("type") in PERSON_TYPES or obj.get("party_type") in PERSON_TYPES
        return {k: _replace(v, needles, person, k) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_replace(v, needles, person, key) for v in obj]
    if isinstance(obj, str):
        if key in PERSONAL_KEYS or key in FREE_TEXT_KEYS or (person and key == "name"):
            return digest(obj)
        for needle in needles:
            if needle in obj:
                obj = obj.replace(needle, f"〔{digest(needle)}〕")
        return obj
    return obj


def protect(payload: dict, persons=()) -> dict:
    """The payload as it may go into a leaf: every person's datum (the keys of
    ``PERSONAL_KEYS``, the ``name`` of a natural person or individual business party)
    and every free-text value (``FREE_TEXT_KEYS``) replaced by its ``digest``; where a
    person's datum also appears inside another text of the payload, that occurrence is
    replaced by ``〔digest〕``. ``persons``: further values known to be personal data
    (the names, ID numbers, phones and addresses of a case's parties, registered in
    earlier leaves), replaced wherever they occur. Everything else — kinds, stages,
    numbers, amounts, ids, hashes, dates — is kept, so the leaf still says what
    happened."""
    needles: set[str] = {p.strip() for p in persons if p and len(p.strip()) >= _MIN_NEEDLE}
    _needles(payload, needles)
    return _replace(payload, sorted(needles, key=len, reverse=True))


def case_persons(case) -> list[str]:
    """The personal data of ``case``'s parties: natural persons' and individual
    businesses' names, every party's legal representative, ID number, phone and, for a
    natural person or individual business, address."""
    out = []
    for party in case.parties.all():
        person = party.party_type in PERSON_TYPES
        out += [party.legal_representative, party.id_number, party.phone]
        if person:
            out += [party.name, party.address]
    return [value for value in out if value]
