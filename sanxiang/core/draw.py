"""Reproducible random draws (双随机摇号, 案卷抽取): one seed, a keyed ranking, a share.

A draw takes a fresh 32-byte seed from ``secrets``; each candidate is ranked by
HMAC-SHA256(seed, label) (ties broken by a stable key) and the first ``share`` are taken.
Whoever holds the seed and the candidate list recomputes the same result. Standard library
only, no Django import.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SEED_BYTES = 32


def new_seed() -> str:
    """A fresh seed as hex (64 characters)."""
    return secrets.token_bytes(SEED_BYTES).hex()


def rank(seed: bytes, label: str) -> str:
    """The candidate's position key: HMAC-SHA256(seed, label) as hex."""
    return hmac.new(seed, label.encode("utf-8"), hashlib.sha256).hexdigest()


def ranked(items, seed: bytes, label, tiebreak):
    """``items`` sorted by (rank(seed, label(item)), tiebreak(item))."""
    return sorted(items, key=lambda item: (rank(seed, label(item)), tiebreak(item)))


def share(ratio_percent: int, count: int, minimum: int = 0) -> int:
    """max(ceil(ratio × count / 100), minimum), never more than ``count``; integers only,
    so a non-empty group with a ratio above 0 always gives at least one."""
    return min(count, max((ratio_percent * count + 99) // 100, minimum))
