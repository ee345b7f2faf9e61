"""Full verification of the ledger store (``manage.py ledger verify``).

The leaves ``[0, end)`` are cut into aligned chunks of ``2**k`` leaves. Each chunk is
read with one keyset query (``index >= start AND index < start + 2**k``) and checked on
its own:

1. the indices are gap-free, ``H(0x00 || content)`` equals the stored leaf hash (``H``
   the log's algorithm, SHA-256 or SM3: ``algorithm.py``; every head must name it),
   and the content names the row's index, event type and subject;
2. every perfect-subtree hash inside the chunk is recomputed level by level and compared
   with the stored node hashes of that range (one query per chunk);
3. for every signed tree head whose size falls inside the chunk, the chunk's part of
   that head's root (its perfect subtrees) is kept.

On PostgreSQL steps 1 and 2 first run as two binary-format queries per chunk
(``_fast_chunk``: the contents, then per level the stored hashes concatenated in index
order with their count and a length check), compared in one piece; only a chunk that does
not match is read again row by row, which names the first bad leaf.

Chunks are independent, so consecutive runs of them are checked in parallel worker
processes (``jobs``; default: the CPUs this process may use). The parent then folds the
chunk roots in order into a frontier, checks the larger subtree hashes that completes,
recomputes the root at every stored signed tree head's size and checks its Ed25519
signature and a consistency proof from the previous head, and finally checks that no
extra subtree hashes exist and that ``TreeState`` (size and frontier cache) matches.

A problem is reported with the first bad leaf index: the parent consumes the workers'
results in leaf order and stops at the first failure it meets. Leaves appended while
verification runs are outside the snapshot ``[0, end)`` taken at the start.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import multiprocessing
import os

from django.db import connection, connections
from django.db.models import Max, Min

from . import merkle
from .models import Leaf, NodeHash, SignedTreeHead, TreeState

CHUNK = 8192
MAX_JOBS = 8
# Below this many chunks per worker a pool costs more than it saves.
MIN_CHUNKS_PER_JOB = 4


@dataclasses.dataclass
class Result:
    ok: bool
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    heads: int = 0
    bad_index: int | None = None
    reason: str = ""
    jobs: int = 1
    hash_algorithm: str = "sha256"

    def summary(self) -> str:
        if self.ok:
            return (
                f"账本完整 ledger intact: {self.size} leaves ({self.hash_algorithm}), "
                f"root {self.root.hex()}, "
                f"{self.heads} signed tree heads valid and consistent "
                f"(checked by {self.jobs} process{'es' if self.jobs > 1 else ''})."
            )
        where = f"leaf {self.bad_index}" if self.bad_index is not None else "ledger"
        return f"账本校验失败 ledger verification FAILED at {where}: {self.reason}"


class _Failure(Exception):
    def __init__(self, index, reason):
        super().__init__(reason)
        self.index = index
        self.reason = reason


def default_jobs() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_JOBS))


def _leaves_sql() -> str:
    qn = connection.ops.quote_name
    idx = qn("index")
    return (
        f"SELECT {idx}, content, leaf_hash, event_type, subject FROM "  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
        f"{qn(Leaf._meta.db_table)} WHERE {idx} >= %s AND {idx} < %s ORDER BY {idx}"
    )


def _nodes_sql(ranges: int) -> str:
    """Stored subtree hashes of ``ranges`` (level, first index, end index) ranges."""
    qn = connection.ops.quote_name
    idx = qn("index")
    term = f"(level = %s AND {idx} >= %s AND {idx} < %s)"
    return (
        f"SELECT level, {idx}, hash FROM {qn(NodeHash._meta.db_table)} "  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
        f"WHERE {' OR '.join([term] * ranges)} ORDER BY level, {idx}"
    )


def _check_nodes(cursor, computed):
    """computed: ``[(level, first index, [hashes])]``; compare with the stored ones."""
    computed = [c for c in computed if c[2]]
    if not computed:
        return
    params = []
    for level, lo, hs in computed:
        params += [level, lo, lo + len(hs)]
    cursor.execute(_nodes_sql(len(computed)), params)
    stored = cursor.fetchall()
    expected = [h for _lv, _lo, hs in sorted(computed) for h in hs]
    if len(stored) == len(expected) and all(
        row[2] == h for row, h in zip(stored, expected, strict=True)
    ):
        return
    # Slow path: name the first node that is missing or differs.
    by_key = {(lv, i): bytes(h) for lv, i, h in stored}
    for level, lo, hs in sorted(computed):
        for offset, h in enumerate(hs):
            idx = lo + offset
            got = by_key.get((level, idx))
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


def _check_leaves(rows, start, end, new=hashlib.sha256):
    """Gap-free indices, leaf hashes, and the content naming the row. Returns the hashes."""
    n = len(rows)
    if n != end - start or (n and (rows[0][0] != start or rows[-1][0] != end - 1)):
        expect = start
        for row in rows:
            if row[0] != expect:
                raise _Failure(expect, f"leaf index {expect} is missing (next is {row[0]})")
            expect += 1
        raise _Failure(expect, f"leaf index {expect} is missing")
    hashes = [new(b"\x00" + row[1].encode("utf-8")).digest() for row in rows]
    for h, (index, content, stored, event_type, subject) in zip(hashes, rows, strict=True):
        if h != stored:  # bytes or memoryview, depending on the driver
            raise _Failure(index, "content does not match the stored leaf hash")
        # Canonical JSON sorts keys, so these appear exactly like this (the subject is
        # tried verbatim first and JSON-escaped only if that does not match).
        if f'"event_type":"{event_type}","index":{index},' not in content or (
            f'"subject":"{subject}","timestamp":' not in content
            and f'"subject":{json.dumps(subject, ensure_ascii=False)},"timestamp":' not in content
        ):
            raise _Failure(index, "content does not name this row's index/type/subject")
    return hashes


def _levels(hashes, new):
    """The chunk's leaf hashes and every perfect-subtree hash above them, level by level."""
    levels = [hashes]
    while len(levels[-1]) >= 2:
        pairs = iter(levels[-1])
        levels.append([new(b"\x01" + a + b).digest() for a, b in zip(pairs, pairs, strict=False)])
    return levels


def _fast_sql(n_levels: int) -> tuple[str, str]:
    """PostgreSQL: the chunk's contents (with the event type and subject they must name),
    and, in a second statement, per level (0 = leaf hashes) the row count, the count of
    hashes not 32 bytes long and all hashes of the range concatenated in index order."""
    qn = connection.ops.quote_name
    idx = qn("index")
    leaf, node = qn(Leaf._meta.db_table), qn(NodeHash._meta.db_table)
    contents = (
        f"SELECT content, event_type, subject FROM {leaf} "  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
        f"WHERE {idx} >= %s AND {idx} < %s ORDER BY {idx}"
    )
    agg = f"count(*), count(*) FILTER (WHERE octet_length({{h}}) <> {merkle.HASH_SIZE}), string_agg({{h}}, ''::bytea ORDER BY {idx})"
    parts = [
        f"SELECT 0, {agg.format(h='leaf_hash')} FROM {leaf} WHERE {idx} >= %s AND {idx} < %s"  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
    ]
    if n_levels > 1:
        term = f"(level = %s AND {idx} >= %s AND {idx} < %s)"
        parts.append(
            f"SELECT level, {agg.format(h='hash')} FROM {node} "  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
            f"WHERE {' OR '.join([term] * (n_levels - 1))} GROUP BY level"
        )
    return contents, " UNION ALL ".join(parts)


def _fast_chunk(cursor, lo, hi, new):
    """Check leaves ``[lo, hi)`` and the subtree hashes inside them with two queries and no
    per-row objects for the hashes (PostgreSQL, ``cursor`` a psycopg cursor). Returns the
    chunk's levels of hashes if everything matches, ``None`` otherwise: the caller then runs
    the row-by-row check, which names the first problem (or, finding none, accepts the
    chunk: it checks everything itself). As strict as that check: every index present (the range is
    bounded and ``index`` unique, so the count proves it), every stored hash 32 bytes and
    equal to the recomputed one, every content naming its row's index, type and subject."""
    n = hi - lo
    n_levels = n.bit_length()  # levels 0 .. floor(log2 n) hold at least one hash
    contents_sql, agg_sql = _fast_sql(n_levels)
    cursor.execute(contents_sql, [lo, hi], binary=True)
    rows = cursor.fetchall()
    if len(rows) != n:
        return None
    hashes = [new(b"\x00" + row[0].encode("utf-8")).digest() for row in rows]
    index = lo
    for content, event_type, subject in rows:
        # Canonical JSON sorts keys, so these appear exactly like this (the subject is
        # tried verbatim first and JSON-escaped only if that does not match).
        if f'"event_type":"{event_type}","index":{index},' not in content or (
            f'"subject":"{subject}","timestamp":' not in content
            and f'"subject":{json.dumps(subject, ensure_ascii=False)},"timestamp":' not in content
        ):
            return None
        index += 1
    levels = _levels(hashes, new)
    params = [lo, hi]
    for lv in range(1, n_levels):
        params += [lv, lo >> lv, (lo >> lv) + len(levels[lv])]
    cursor.execute(agg_sql, params, binary=True)
    stored = {row[0]: row[1:] for row in cursor.fetchall()}
    for lv in range(n_levels):
        count, bad, joined = stored.get(lv, (0, 0, None))
        if count != len(levels[lv]) or bad or bytes(joined or b"") != b"".join(levels[lv]):
            return None
    return levels


def _leaf_reach() -> int:
    """Highest stored index + 1 (0 for no leaves; index 0 is a leaf, not "none")."""
    top = Leaf.objects.aggregate(hi=Max("index"))["hi"]
    return 0 if top is None else top + 1


def check_range(start, end, bits, head_sizes, hash_algorithm="sha256"):
    """Check the leaves ``[start, end)`` (``start`` aligned to ``2**bits``) chunk by chunk.

    Returns ``(chunks, parts, failure)``: ``chunks`` lists ``(first, last + 1, value)``
    for every chunk checked before any failure, where ``value`` is the chunk's root for a
    full chunk or its leaf hashes for the final partial one; ``parts`` maps each head size
    inside the range to the perfect-subtree hashes of ``[chunk start, size)``;
    ``failure`` is ``(index, reason)`` or ``None``.
    """
    chunk = 1 << bits
    leaves_sql = _leaves_sql()
    new = merkle.hasher(hash_algorithm).new
    sizes = sorted({s for s in head_sizes if start < s <= end})
    chunks, parts = [], {}
    try:
        with connection.cursor() as cursor:
            # PostgreSQL: the chunk queries go through the driver's own cursor in binary
            # format (no hex text for the hashes); see ``_fast_chunk``.
            fast = None
            if connection.vendor == "postgresql":
                import psycopg

                fast = psycopg.Cursor(connection.connection)  # Django's are client-side
            for lo in range(start, end, chunk):
                if _stop is not None and _stop.is_set():
                    break  # the parent met a failure earlier in leaf order
                hi = min(lo + chunk, end)
                levels = None
                if fast is not None:
                    levels = _fast_chunk(fast, lo, hi, new)
                if levels is None:  # SQLite, or a problem to name: the row-by-row check
                    cursor.execute(leaves_sql, [lo, hi])
                    levels = _levels(_check_leaves(cursor.fetchall(), lo, hi, new), new)
                    computed = [(lv, lo >> lv, levels[lv]) for lv in range(1, len(levels))]
                    _check_nodes(cursor, computed)
                for size in sizes:
                    if lo < size <= hi:
                        parts[size] = [
                            levels[lv][idx - (lo >> lv)]
                            for lv, idx in merkle.perfect_nodes(lo, size)
                        ]
                chunks.append((lo, hi, levels[bits][0] if hi - lo == chunk else levels[0]))
    except _Failure as failure:
        return chunks, parts, (failure.index, failure.reason)
    return chunks, parts, None


_stop = None  # in a worker: set by the parent when the remaining work is not needed


def _init_worker(stop):
    global _stop
    _stop = stop


def _range_job(args):
    """Entry point in a forked worker: its own database connection, closed at the end."""
    try:
        return check_range(*args)
    finally:
        connections.close_all()


def _label(head) -> str:
    """A stored head is named by its id; a head kept outside the platform (``known_heads``)
    by its size and time, since the database may no longer hold it."""
    if head.pk is not None:
        return f"signed tree head #{head.pk}"
    return f"saved signed tree head (size {head.tree_size}, {head.as_dict()['timestamp_iso']})"


def head_from_dict(data) -> SignedTreeHead:
    """An unsaved ``SignedTreeHead`` from its published form (``as_dict``: the API, the
    public feed ``/ledger/heads/``, a bundle's ``tree_head``). ``ValueError`` if malformed."""
    import base64
    import binascii

    try:
        return SignedTreeHead(
            tree_size=int(data["tree_size"]),
            root_hash=base64.b64decode(data["root_hash"], validate=True),
            timestamp_ms=int(data["timestamp"]),
            key_id=str(data["key_id"]),
            signature=base64.b64decode(data["signature"], validate=True),
            hash_algorithm=str(data.get("hash_algorithm", "sha256")),
        )
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise ValueError(f"not a signed tree head: {exc}") from None


class _Verifier:
    def __init__(self, chunk_size, public_key, known_heads=()):
        from .algorithm import log_hasher
        from .heads import key_id, verify_head

        self.heads = sorted(
            [
                *SignedTreeHead.objects.order_by("tree_size", "timestamp_ms", "id"),
                *known_heads,
            ],
            key=lambda h: (h.tree_size, h.timestamp_ms, h.pk is None, h.pk or 0),
        )
        self.kid = key_id() if self.heads else None
        self.verify_head = verify_head
        self.public_key = public_key
        self.bits = max(1, (max(chunk_size, 2) - 1).bit_length())
        self.chunk = 1 << self.bits
        self.hasher = log_hasher()
        self.frontier = merkle.Frontier(hasher=self.hasher)
        self.pos = 0
        self.prev = None
        self.jobs = 1

    # heads ---------------------------------------------------------------------------
    def check_heads(self, size, root):
        from .services import consistency_proof

        heads = self.heads
        while self.pos < len(heads) and heads[self.pos].tree_size == size:
            head = heads[self.pos]
            first_bad = max(size - 1, 0)
            if head.key_id != self.kid or not self.verify_head(head, self.public_key):
                raise _Failure(first_bad, f"{_label(head)} (size {size}): bad signature")
            if head.hash_algorithm != self.hasher.name:
                raise _Failure(
                    first_bad,
                    f"{_label(head)} (size {size}) names hash {head.hash_algorithm} but the "
                    f"log is {self.hasher.name} (不得混用哈希算法)",
                )
            if bytes(head.root_hash) != root:
                raise _Failure(
                    first_bad,
                    f"{_label(head)} (size {size}) root differs: the leaves up to {size} were "
                    f"rewritten (or deleted and appended again) after that head was signed",
                )
            prev = self.prev
            if prev is not None and prev.tree_size > 0 and size > prev.tree_size:
                proof = consistency_proof(prev.tree_size, size)
                if not merkle.verify_consistency(
                    prev.tree_size, size, bytes(prev.root_hash), root, proof, self.hasher
                ):
                    raise _Failure(
                        first_bad, f"{_label(prev)} -> {_label(head)} are not consistent"
                    )
            self.prev = head
            self.pos += 1

    # parallelism ---------------------------------------------------------------------
    def _jobs(self, requested, n_chunks):
        if requested is None:
            jobs = min(default_jobs(), n_chunks // MIN_CHUNKS_PER_JOB)
        else:
            jobs = min(int(requested), n_chunks)
        if jobs <= 1:
            return 1
        # Workers read committed data through their own connections: not possible from
        # inside a transaction (they would not see its writes) or on an in-memory SQLite
        # database, and it needs fork() (Linux, macOS).
        if (
            connection.in_atomic_block
            or (connection.vendor == "sqlite" and connection.is_in_memory_db())
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return 1
        return jobs

    def _results(self, end, jobs):
        chunk = self.chunk
        n_chunks = -(-end // chunk)
        jobs = self._jobs(jobs, n_chunks)
        per = -(-n_chunks // jobs) * chunk if n_chunks else chunk
        sizes = [h.tree_size for h in self.heads]
        alg = self.hasher.name
        args = [(lo, min(lo + per, end), self.bits, sizes, alg) for lo in range(0, end, per)]
        self.jobs = jobs
        if jobs == 1:
            for a in args:
                yield check_range(*a)
            return
        connections.close_all()  # never share a connection with a forked child
        ctx = multiprocessing.get_context("fork")
        stop = ctx.Event()
        pool = ctx.Pool(jobs, initializer=_init_worker, initargs=(stop,))
        try:
            yield from pool.imap(_range_job, args)
        finally:
            # Stopping early (a failure): let the workers finish their current chunk and
            # close their database sessions, rather than killing them mid-query.
            stop.set()
            pool.close()
            pool.join()

    # the whole store -------------------------------------------------------------------
    def run(self, jobs=None):
        self.check_heads(0, self.hasher.empty_root)
        bounds = Leaf.objects.aggregate(lo=Min("index"), hi=Max("index"))
        if bounds["lo"] is not None and bounds["lo"] < 0:
            raise _Failure(bounds["lo"], "negative leaf index")
        end = bounds["hi"] + 1 if bounds["hi"] is not None else 0
        heads, frontier = self.heads, self.frontier
        with contextlib.closing(self._results(end, jobs)) as results:
            self._fold_results(results, heads, frontier)
        self.finish(end)

    def _fold_results(self, results, heads, frontier):
        for chunks, parts, failure in results:
            for lo, hi, value in chunks:
                while self.pos < len(heads) and heads[self.pos].tree_size <= hi:
                    size = heads[self.pos].tree_size
                    self.check_heads(size, merkle.fold(frontier.hashes + parts[size], self.hasher))
                if hi - lo == self.chunk:
                    completed = frontier.append_subtree(value, self.bits)
                    with connection.cursor() as cursor:
                        _check_nodes(cursor, [(lv, i, [h]) for lv, i, h in completed])
                else:  # the final partial chunk: its subtrees were checked by the worker
                    for h in value:
                        frontier.append(h)
            if failure is not None:
                raise _Failure(*failure)

    def finish(self, size):
        if self.pos < len(self.heads):
            # heads beyond the leaves: only a genuinely signed one proves a truncation
            for head in self.heads[self.pos :]:
                if head.key_id != self.kid or not self.verify_head(head, self.public_key):
                    raise _Failure(size, f"{_label(head)} (size {head.tree_size}): bad signature")
            head = self.heads[-1]  # the largest signed size
            raise _Failure(
                size,
                f"truncation: {_label(head)} has size {head.tree_size} "
                f"but only {size} leaves exist (leaves {size}..{head.tree_size - 1} "
                f"were deleted)",
            )
        # Read in this order, each committed together with the leaves it describes, so
        # that appends running meanwhile never look like damage: the tree state, then
        # subtree hashes beyond the snapshot, then how far the leaves reach now.
        state = TreeState.objects.filter(pk=1).first()
        qn = connection.ops.quote_name
        table, idx = qn(NodeHash._meta.db_table), qn("index")
        expected_nodes = sum(size >> lv for lv in range(1, size.bit_length()))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {table} WHERE (({idx} + 1) << level) <= %s",  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
                [size],
            )
            inside = cursor.fetchone()[0]
            cursor.execute(f"SELECT MAX(({idx} + 1) << level) FROM {table}")  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
            reach = cursor.fetchone()[0] or 0
        now = _leaf_reach()
        if inside != expected_nodes or reach > max(now, size):
            raise _Failure(size, "subtree hashes stored beyond what the leaves explain")
        if state is None:
            return
        if state.size > now:
            raise _Failure(
                max(now, size),
                f"leaf index {max(now, size)} is missing: the tree state records "
                f"{state.size} leaves",
            )
        if state.size < size or (
            state.size == size and bytes(state.frontier) != self.frontier.to_bytes()
        ):
            raise _Failure(size, "tree state (size/frontier cache) differs")


def verify_ledger(
    chunk_size: int = CHUNK, public_key=None, jobs: int | None = None, known_heads=()
) -> Result:
    """Verify the whole store. ``chunk_size`` is rounded up to a power of two; ``jobs``
    is the number of worker processes (default: one per CPU for large ledgers; always 1
    inside a transaction or on an in-memory SQLite database). ``known_heads``: signed
    heads kept outside the database (``head_from_dict``), checked like stored ones, so a
    truncation that also deleted the stored heads is still reported."""
    verifier = _Verifier(chunk_size, public_key, known_heads)
    try:
        verifier.run(jobs)
    except _Failure as failure:
        return Result(
            ok=False,
            size=verifier.frontier.size,
            bad_index=failure.index,
            reason=failure.reason,
            jobs=verifier.jobs,
            hash_algorithm=verifier.hasher.name,
        )
    frontier = verifier.frontier
    return Result(
        ok=True,
        size=frontier.size,
        root=frontier.root(),
        heads=len(verifier.heads),
        jobs=verifier.jobs,
        hash_algorithm=verifier.hasher.name,
    )
