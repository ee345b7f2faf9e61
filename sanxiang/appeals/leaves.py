"""The ledger leaves of 复议/诉讼 and 移送 (both apps write them through ``record``).

Every step is ledgered under its case's subject (``case:<id>``) with the row's id under
``key``. A leaf holds no text a user typed and no personal data in clear (issue #11
item 4, docs/ledger.md "Personal data in leaves"): the fields named in ``typed`` (notes,
reasons, outcomes' text) go in as ``ledger.personal.digest`` of the row's value, and any
name, ID number, phone or address of the case's parties quoted in another field (a
material's name, a reference) is replaced by its digest. Kinds, choices, ids, dates,
numbers, document numbers, authorities' names and hashes stay in clear, so the leaf
still says what happened; ``personal.matches(row value, leaf value)`` checks a digest.
"""

from __future__ import annotations

from sanxiang.ledger import personal
from sanxiang.ledger.services import append_event


def record(event_type, row, payload: dict, actor, *, key: str, typed=()):
    """Append the leaf of ``event_type`` for ``row`` (an appeal or a transfer)."""
    typed = [name for name in typed if name in payload]
    clear = {name: value for name, value in payload.items() if name not in typed}
    leaf = personal.protect(clear, personal.case_persons(row.case))
    leaf.update(personal.digest_fields({name: payload[name] for name in typed}, typed))
    return append_event(event_type, row, leaf, actor, key=key)
