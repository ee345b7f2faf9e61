"""Full verification of the ledger store (``manage.py ledger verify``).

One streaming pass over the leaves in index order (``QuerySet.iterator``, one aligned
chunk of ``2**k`` leaves in memory at a time) that:

1. checks the indices are gap-free from 0, that ``SHA-256(0x00 || content)`` equals the
   stored leaf hash, and that the content names the row's index, event type and subject;
2. recomputes every perfect-subtree hash inside the chunk level by level and compares
   it with the stored node hashes of that range (one query per chunk), then folds the
   chunk into a frontier and checks the larger subtrees it completes;
3. at every stored signed tree head's size compares the recomputed root, checks the
   Ed25519 signature and a consistency proof from the previous head;
4. at the end checks no extra subtree hashes exist and that ``TreeState`` (size and
   frontier cache) matches the recomputation.

Stops at the first problem and reports it with the first bad leaf index.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

from django.db.models import Q

from . import merkle
from .models import Leaf, NodeHash, SignedTreeHead, TreeState

CHUNK = 4096


@dataclasses.dataclass
class Result:
    ok: bool
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    heads: int = 0
    bad_index: int | None = None
    reason: str = ""

    def summary(self) -> str:
        if self.ok:
            return (
                f"账本完整 ledger intact: {self.size} leaves, root {self.root.hex()}, "
                f"{self.heads} signed tree heads valid and consistent."
            )
        where = f"leaf {self.bad_index}" if self.bad_index is not None else "ledger"
        return f"账本校验失败 ledger verification FAILED at {where}: {self.reason}"


class _Failure(Exception):
    def __init__(self, index, reason):
        super().__init__(reason)
        self.index = index
        self.reason = reason


def _fold(hashes):
    if not hashes:
        return merkle.EMPTY_ROOT
    h = hashes[-1]
    for left in reversed(hashes[:-1]):
        h = merkle.node_hash(left, h)
    return h


class _Verifier:
    def __init__(self, chunk_size, public_key):
        from .heads import key_id, verify_head

        self.heads = list(SignedTreeHead.objects.order_by("tree_size", "timestamp_ms", "id"))
        self.kid = key_id() if self.heads else None
        self.verify_head = verify_head
        self.public_key = public_key
        self.bits = max(1, (max(chunk_size, 2) - 1).bit_length())
        self.chunk = 1 << self.bits
        self.frontier = merkle.Frontier()
        self.pos = 0
        self.prev = None

    # heads ---------------------------------------------------------------------------
    def check_heads(self, size, root):
        from .services import consistency_proof

        heads = self.heads
        while self.pos < len(heads) and heads[self.pos].tree_size == size:
            head = heads[self.pos]
            first_bad = max(size - 1, 0)
            if bytes(head.root_hash) != root:
                raise _Failure(first_bad, f"signed tree head #{head.pk} (size {size}) root differs")
            if head.key_id != self.kid or not self.verify_head(head, self.public_key):
                raise _Failure(
                    first_bad, f"signed tree head #{head.pk} (size {size}): bad signature"
                )
            prev = self.prev
            if prev is not None and prev.tree_size > 0 and size > prev.tree_size:
                proof = consistency_proof(prev.tree_size, size)
                if not merkle.verify_consistency(
                    prev.tree_size, size, bytes(prev.root_hash), root, proof
                ):
                    raise _Failure(first_bad, f"heads #{prev.pk} -> #{head.pk} are not consistent")
            self.prev = head
            self.pos += 1

    # stored subtree hashes -----------------------------------------------------------
    @staticmethod
    def _stored(ranges):
        cond = Q()
        for level, lo, hi in ranges:
            cond |= Q(level=level, index__gte=lo, index__lt=hi)
        return {
            (lv, i): bytes(h)
            for lv, i, h in NodeHash.objects.filter(cond).values_list("level", "index", "hash")
        }

    def check_nodes(self, computed):
        """computed: list of (level, first index, [hashes]) to compare with the store."""
        ranges = [(lv, lo, lo + len(hs)) for lv, lo, hs in computed if hs]
        if not ranges:
            return
        # Fast path: one ordered query compared as a list (memoryview == bytes works).
        cond = Q()
        for level, lo, hi in ranges:
            cond |= Q(level=level, index__gte=lo, index__lt=hi)
        fast = list(
            NodeHash.objects.filter(cond).order_by("level", "index").values_list("hash", flat=True)
        )
        if fast == [h for _lv, _lo, hs in sorted(computed) for h in hs]:
            return
        stored = self._stored(ranges)
        for level, lo, hs in computed:
            for offset, h in enumerate(hs):
                idx = lo + offset
                got = stored.get((level, idx))
                first = idx << level
                if got is None:
                    raise _Failure(first, f"stored subtree hash ({level}, {idx}) missing")
                if got != h:
                    last = ((idx + 1) << level) - 1
                    raise _Failure(
                        first,
                        f"stored subtree hash ({level}, {idx}) differs: a leaf in "
                        f"{first}..{last} was altered",
                    )

    # leaves ----------------------------------------------------------------------------
    def process(self, rows):
        start = self.frontier.size
        n = len(rows)
        if rows[0][0] != start or rows[-1][0] != start + n - 1:
            for k, row in enumerate(rows):
                if row[0] != start + k:
                    raise _Failure(
                        start + k, f"leaf index {start + k} is missing (next is {row[0]})"
                    )
        sha256 = hashlib.sha256
        hashes = [sha256(b"\x00" + row[1].encode("utf-8")).digest() for row in rows]
        for h, (index, content, stored, event_type, subject) in zip(hashes, rows, strict=True):
            if h != stored:  # bytes (SQLite) or memoryview (PostgreSQL)
                raise _Failure(index, "content does not match the stored leaf hash")
            # Canonical JSON sorts keys, so these appear exactly like this (the subject
            # is tried verbatim first and JSON-escaped only if that does not match).
            if f'"event_type":"{event_type}","index":{index},' not in content or (
                f'"subject":"{subject}","timestamp":' not in content
                and f'"subject":{json.dumps(subject, ensure_ascii=False)},"timestamp":'
                not in content
            ):
                raise _Failure(index, "content does not name this row's index/type/subject")
        # every perfect subtree inside the (aligned) chunk, level by level
        levels = [hashes]
        while len(levels[-1]) >= 2:
            pairs = iter(levels[-1])
            levels.append(
                [sha256(b"\x01" + a + b).digest() for a, b in zip(pairs, pairs, strict=False)]
            )
        self.check_nodes([(lv, start >> lv, levels[lv]) for lv in range(1, len(levels))])
        # heads whose size falls in this chunk
        heads = self.heads
        while self.pos < len(heads) and heads[self.pos].tree_size <= start + n:
            size = heads[self.pos].tree_size
            parts = [
                levels[lv][idx - (start >> lv)] for lv, idx in merkle.perfect_nodes(start, size)
            ]
            self.check_heads(size, _fold(self.frontier.hashes + parts))
        # fold the chunk into the frontier
        if n == self.chunk:
            completed = self.frontier.append_subtree(levels[self.bits][0], self.bits)
            self.check_nodes([(lv, idx, [h]) for lv, idx, h in completed])
        else:
            for h in hashes:
                self.frontier.append(h)

    def run(self, chunk_rows):
        self.check_heads(0, merkle.EMPTY_ROOT)
        buffer = []
        for row in chunk_rows:
            buffer.append(row)
            if len(buffer) == self.chunk:
                self.process(buffer)
                buffer = []
        if buffer:
            self.process(buffer)
        size = self.frontier.size
        expected_nodes = sum(size >> lv for lv in range(1, size.bit_length()))
        if NodeHash.objects.count() != expected_nodes:
            raise _Failure(size, "subtree hashes stored beyond what the leaves explain")
        if self.pos < len(self.heads):
            head = self.heads[self.pos]
            raise _Failure(
                size,
                f"signed tree head #{head.pk} has size {head.tree_size} "
                f"but only {size} leaves exist",
            )
        state = TreeState.objects.filter(pk=1).first()
        if state is not None and (
            state.size != size or bytes(state.frontier) != self.frontier.to_bytes()
        ):
            raise _Failure(size, "tree state (size/frontier cache) differs")


def verify_ledger(chunk_size: int = CHUNK, public_key=None) -> Result:
    """Verify the whole store; ``chunk_size`` is rounded up to a power of two."""
    verifier = _Verifier(chunk_size, public_key)
    rows = (
        Leaf.objects.order_by("index")
        .values_list("index", "content", "leaf_hash", "event_type", "subject")
        .iterator(chunk_size=verifier.chunk)
    )
    try:
        verifier.run(rows)
    except _Failure as failure:
        return Result(
            ok=False, size=verifier.frontier.size, bad_index=failure.index, reason=failure.reason
        )
    frontier = verifier.frontier
    return Result(ok=True, size=frontier.size, root=frontier.root(), heads=len(verifier.heads))
