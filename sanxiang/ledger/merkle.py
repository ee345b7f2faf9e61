"""Merkle tree hashing and proofs per RFC 9162 §2.1 (same tree as RFC 6962).

Pure Python, standard library only, no Django: the standalone bundle verifier and
outside auditors use this module as is.

* ``leaf_hash(d) = H(0x00 || d)``, ``node_hash(l, r) = H(0x01 || l || r)``; the root of
  the empty tree is ``H("")``. ``H`` is the log's algorithm (issue #16 item 7): every
  function takes ``hasher=`` (``SHA256``, the default and RFC 9162's, or ``SM3``,
  GB/T 32905, from OpenSSL through ``hashlib`` or ``cryptography``).
* ``inclusion_proof`` / ``consistency_proof`` are the reference algorithms of
  §2.1.3.1 / §2.1.4.1 over a full list of leaf hashes (used by tests and small trees).
* ``inclusion_ranges`` / ``consistency_ranges`` plan the same proofs as lists of
  leaf ranges ``[start, end)``; ``perfect_nodes`` splits a range into perfect subtrees
  ``(level, index)`` (leaves ``index * 2**level .. (index + 1) * 2**level - 1``). A store
  that keeps every perfect-subtree hash answers any proof from O(log n) stored hashes.
* ``verify_inclusion`` / ``verify_consistency`` implement §2.1.3.2 / §2.1.4.2 with two
  strictness rules: every hash is exactly 32 bytes, and a consistency proof from size 0
  is an error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32


def _sm3_new():
    """SM3 (GB/T 32905-2016) from the OpenSSL that ``hashlib`` is built with, or from the
    pinned ``cryptography`` (its own OpenSSL) when ``hashlib`` lacks it."""
    try:
        hashlib.new("sm3")
        return lambda data=b"": hashlib.new("sm3", data)
    except ValueError:
        from cryptography.hazmat.primitives import hashes

        class _SM3:
            __slots__ = ("_h",)

            def __init__(self, data=b""):
                self._h = hashes.Hash(hashes.SM3())
                self._h.update(data)

            def update(self, data):
                self._h.update(data)

            def digest(self):
                return self._h.copy().finalize()

        return _SM3


class Hasher:
    """A log's hash algorithm (issue #16 item 7): RFC 9162 §2.1 with ``HASH`` = this one.

    ``leaf(d) = HASH(0x00 || d)``, ``node(l, r) = HASH(0x01 || l || r)``, the empty tree's
    root ``HASH("")``. Both algorithms give 32-byte hashes, so the tables, proofs and the
    signed message keep their sizes."""

    __slots__ = ("name", "new", "empty_root")

    def __init__(self, name: str, new):
        self.name = name
        self.new = new
        self.empty_root = new(b"").digest()

    def leaf(self, data: bytes) -> bytes:
        return self.new(b"\x00" + data).digest()

    def node(self, left: bytes, right: bytes) -> bytes:
        return self.new(b"\x01" + left + right).digest()

    def __repr__(self):
        return f"Hasher({self.name!r})"


SHA256 = Hasher("sha256", hashlib.sha256)
SM3 = Hasher("sm3", _sm3_new())
HASHERS = {"sha256": SHA256, "sm3": SM3}
EMPTY_ROOT = SHA256.empty_root


def hasher(name: str) -> Hasher:
    """The ``Hasher`` named ``name`` (``sha256`` or ``sm3``); ``ValueError`` otherwise."""
    try:
        return HASHERS[str(name).lower()]
    except KeyError:
        raise ValueError(f"unknown ledger hash algorithm {name!r} (known: sha256, sm3)") from None


__all__ = [
    "EMPTY_ROOT",
    "HASHERS",
    "HASH_SIZE",
    "SHA256",
    "SM3",
    "Frontier",
    "Hasher",
    "hasher",
    "consistency_proof",
    "consistency_ranges",
    "inclusion_proof",
    "inclusion_ranges",
    "leaf_hash",
    "node_hash",
    "perfect_nodes",
    "range_hash",
    "root_hash",
    "verify_consistency",
    "verify_inclusion",
]


def leaf_hash(data: bytes, hasher: Hasher = SHA256) -> bytes:
    return hasher.new(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes, hasher: Hasher = SHA256) -> bytes:
    return hasher.new(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_hash(leaf_hashes: Sequence[bytes], hasher: Hasher = SHA256) -> bytes:
    """MTH over leaf hashes, level by level (pairing left to right and carrying an odd
    last node up unchanged gives exactly the RFC's left-balanced tree)."""
    level = list(leaf_hashes)
    if not level:
        return hasher.empty_root
    new = hasher.new
    while len(level) > 1:
        pairs = iter(level)
        nxt = [
            new(b"\x01" + left + right).digest() for left, right in zip(pairs, pairs, strict=False)
        ]
        if len(level) & 1:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def _mth(leaves: Sequence[bytes], start: int, end: int, hasher: Hasher = SHA256) -> bytes:
    n = end - start
    if n == 0:
        return hasher.empty_root
    if n == 1:
        return leaves[start]
    k = _split(n)
    return hasher.node(_mth(leaves, start, start + k, hasher), _mth(leaves, start + k, end, hasher))


# --- reference proof generation (RFC 9162 §2.1.3.1 and §2.1.4.1) -----------------


def inclusion_proof(
    index: int, leaf_hashes: Sequence[bytes], hasher: Hasher = SHA256
) -> list[bytes]:
    """PATH(index, D[n]) over the full list of leaf hashes."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise ValueError(f"index {index} out of range for tree size {n}")

    def path(m: int, start: int, end: int) -> list[bytes]:
        size = end - start
        if size == 1:
            return []
        k = _split(size)
        if m < k:
            return path(m, start, start + k) + [_mth(leaf_hashes, start + k, end, hasher)]
        return path(m - k, start + k, end) + [_mth(leaf_hashes, start, start + k, hasher)]

    return path(index, 0, n)


def consistency_proof(
    size1: int, leaf_hashes: Sequence[bytes], hasher: Hasher = SHA256
) -> list[bytes]:
    """PROOF(size1, D[size2]) with size2 = len(leaf_hashes)."""
    size2 = len(leaf_hashes)
    if not 0 < size1 <= size2:
        raise ValueError(f"invalid consistency proof sizes {size1} -> {size2}")

    def subproof(m: int, start: int, end: int, complete: bool) -> list[bytes]:
        size = end - start
        if m == size:
            return [] if complete else [_mth(leaf_hashes, start, end, hasher)]
        k = _split(size)
        if m <= k:
            return subproof(m, start, start + k, complete) + [
                _mth(leaf_hashes, start + k, end, hasher)
            ]
        return subproof(m - k, start + k, end, False) + [
            _mth(leaf_hashes, start, start + k, hasher)
        ]

    return subproof(size1, 0, size2, True)


# --- proof planning for stores that keep perfect-subtree hashes --------------------


def inclusion_ranges(index: int, tree_size: int) -> list[tuple[int, int]]:
    """Leaf ranges whose subtree hashes form the inclusion proof, in proof order."""
    if not 0 <= index < tree_size:
        raise ValueError(f"index {index} out of range for tree size {tree_size}")
    out: list[tuple[int, int]] = []
    start, end, m = 0, tree_size, index
    while end - start > 1:
        k = _split(end - start)
        if m < k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start, m = start + k, m - k
    out.reverse()
    return out


def consistency_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """Leaf ranges whose subtree hashes form the consistency proof, in proof order."""
    if not 0 < size1 <= size2:
        raise ValueError(f"invalid consistency proof sizes {size1} -> {size2}")
    out: list[tuple[int, int]] = []
    start, end, m, complete = 0, size2, size1, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        out.append((start, end))
    out.reverse()
    return out


def perfect_nodes(start: int, end: int) -> list[tuple[int, int]]:
    """Split MTH(D[start:end]) into perfect subtrees ``(level, index)``, left to right.

    ``start`` must be aligned as it always is for ranges in RFC proofs (every range
    produced by ``inclusion_ranges``/``consistency_ranges``/tree prefixes ``[0, n)``).
    """
    out = []
    while start < end:
        k = 1 << ((end - start).bit_length() - 1)
        level = k.bit_length() - 1
        if start % k:
            raise ValueError(f"range [{start}, {end}) is not aligned")
        out.append((level, start >> level))
        start += k
    return out


def fold(subtrees: list[bytes], hasher: Hasher = SHA256) -> bytes:
    """The root over consecutive perfect-subtree hashes, left to right, each larger than
    the next (as ``perfect_nodes`` splits a range); the empty list gives the empty root."""
    if not subtrees:
        return hasher.empty_root
    h = subtrees[-1]
    for left in reversed(subtrees[:-1]):
        h = hasher.node(left, h)
    return h


def range_hash(
    start: int, end: int, get_node: Callable[[int, int], bytes], hasher: Hasher = SHA256
) -> bytes:
    """MTH(D[start:end]) from perfect-subtree hashes ``get_node(level, index)``."""
    return fold([get_node(level, index) for level, index in perfect_nodes(start, end)], hasher)


class Frontier:
    """The right edge of a growing tree: one perfect-subtree root per set bit of ``size``.

    ``append`` costs O(log n) hashes amortised O(1) and returns the perfect subtrees it
    completed as ``(level, index, hash)`` with level >= 1 (level 0 is the leaf itself).
    """

    __slots__ = ("size", "hashes", "hasher")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = (), hasher: Hasher = SHA256):
        self.size = size
        self.hashes = list(hashes)
        self.hasher = hasher
        if len(self.hashes) != size.bit_count():
            raise ValueError("frontier does not match tree size")

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        completed = []
        cur, level, index = leaf, 0, self.size
        while index & 1:
            cur = self.hasher.node(self.hashes.pop(), cur)
            level += 1
            index >>= 1
            completed.append((level, index, cur))
        self.hashes.append(cur)
        self.size += 1
        return completed

    def append_subtree(self, subtree_root: bytes, level: int) -> list[tuple[int, int, bytes]]:
        """Append a whole perfect subtree of ``2**level`` leaves (size must be aligned)."""
        if self.size % (1 << level):
            raise ValueError("tree size is not aligned to the subtree")
        completed = []
        cur, index = subtree_root, self.size >> level
        self.size += 1 << level
        while index & 1:
            cur = self.hasher.node(self.hashes.pop(), cur)
            level += 1
            index >>= 1
            completed.append((level, index, cur))
        self.hashes.append(cur)
        return completed

    def root(self) -> bytes:
        return fold(self.hashes, self.hasher)

    def to_bytes(self) -> bytes:
        return b"".join(self.hashes)

    @classmethod
    def from_bytes(cls, size: int, data: bytes, hasher: Hasher = SHA256) -> Frontier:
        hashes = [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]
        return cls(size, hashes, hasher)


# --- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ---------------------------------


def _ok_hash(h) -> bool:
    return isinstance(h, bytes | bytearray) and len(h) == HASH_SIZE


def verify_inclusion(
    leaf_hash: bytes,
    index: int,
    tree_size: int,
    proof: Sequence[bytes],
    root: bytes,
    hasher: Hasher = SHA256,
) -> bool:
    if not (_ok_hash(leaf_hash) and _ok_hash(root) and all(_ok_hash(p) for p in proof)):
        return False
    if index < 0 or index >= tree_size:
        return False
    fn, sn, r = index, tree_size - 1, bytes(leaf_hash)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = hasher.node(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hasher.node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == bytes(root)


def verify_consistency(
    size1: int,
    size2: int,
    root1: bytes,
    root2: bytes,
    proof: Sequence[bytes],
    hasher: Hasher = SHA256,
) -> bool:
    if size1 <= 0 or size2 < size1:
        return False
    if size1 == size2:
        # Nothing is hashed: the proof is empty and the roots are byte-for-byte equal
        # (the transparency-dev vectors accept this even for non-32-byte roots).
        return not proof and bytes(root1) == bytes(root2)
    if not (_ok_hash(root1) and _ok_hash(root2) and all(_ok_hash(p) for p in proof)):
        return False
    if not proof:
        return False
    path = [bytes(p) for p in proof]
    if size1 & (size1 - 1) == 0:  # exact power of two
        path.insert(0, bytes(root1))
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = hasher.node(c, fr)
            sr = hasher.node(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hasher.node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == bytes(root1) and sr == bytes(root2)
