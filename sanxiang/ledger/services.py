"""Ledger services. ``append`` is THE way every app records an event.

Contract (stable; other apps depend on it):

    append(event_type: EventType, subject: str, payload: dict, actor=None) -> Leaf

* must be called inside the caller's ``transaction.atomic()``; the leaf commits or
  rolls back with the caller's change;
* ``subject`` is a short stable reference such as ``"case:12"`` or ``"certificate:ZF-001"``;
* ``payload`` is JSON-serialisable (str/int/bool/None/list/dict; dates as ISO strings);
* returns the Leaf (``leaf.index`` gap-free from 0, ``leaf.leaf_hash`` bytes).

How it works: every append locks the single ``TreeState`` row (``SELECT ... FOR
UPDATE`` on PostgreSQL; on SQLite the ``BEGIN IMMEDIATE`` write lock of the settings
serialises writers), takes the next index, stores the leaf and the perfect-subtree
hashes it completes (O(log n) hashing, amortised one extra row), and updates the
stored frontier. The lock is held until the caller's transaction ends, so indices are
gap-free and unique across processes; a rolled-back transaction gives its index back.

Leaf content is canonical JSON (``canonical_json``): sorted keys, UTF-8, no
insignificant whitespace, ``ensure_ascii=False``, with keys ``index``, ``event_type``,
``subject``, ``payload``, ``actor`` (``{"id", "name"}`` or null) and ``timestamp``
(ISO 8601 UTC, microseconds, ``Z``). ``leaf_hash = H(0x00 || content_utf8)``, ``H`` the
log's hash: SHA-256, or SM3 for a log created with it (``algorithm.py``, issue #16.7).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode

from . import algorithm, merkle
from .events import EventType
from .models import Leaf, NodeHash, SignedTreeHead, TreeState

__all__ = [
    "append",
    "append_many",
    "canonical_json",
    "canonical_sha256",
    "case_subject",
    "consistency_proof",
    "get_leaf",
    "inclusion_proof",
    "latest_head",
    "append_event",
    "root_at",
    "sign_tree_head",
    "tree_size",
]

SUBJECT_MAX = 200


def _json_default(value):
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"ledger payload value of type {type(value).__name__} is not JSON")


def canonical_json(obj) -> str:
    """Sorted keys, no insignificant whitespace, non-ASCII kept as is, no NaN."""
    return json.dumps(
        obj,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
        default=_json_default,
    )


def canonical_sha256(obj) -> str:
    """SHA-256 (hex) of ``canonical_json(obj)``: the one content hash every app uses."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


def _utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _event_value(event_type) -> str:
    try:
        return EventType(event_type).value
    except ValueError:
        raise ValueError(f"unknown ledger event type {event_type!r}") from None


def _actor_fields(actor):
    if actor is None or not getattr(actor, "is_authenticated", True) or actor.pk is None:
        return None, ""
    name = getattr(actor, "display_name", None) or str(actor)
    return actor.pk, str(name)[:150]


def _check_subject(subject) -> str:
    if not isinstance(subject, str) or not subject.strip() or len(subject) > SUBJECT_MAX:
        raise ValueError(f"ledger subject must be a non-empty str of <= {SUBJECT_MAX} chars")
    return subject


def _normalise_payload(payload):
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise TypeError("ledger payload must be a dict")
    # Round-trip so the stored payload is exactly what the content says.
    return json.loads(canonical_json(payload))


# --- tree state ----------------------------------------------------------------------


def _leaf_count() -> int:
    """Highest stored index + 1 (0 for no leaves; index 0 is a leaf, not "none")."""
    top = Leaf.objects.aggregate(m=Max("index"))["m"]
    return 0 if top is None else top + 1


def _rebuild_state() -> TreeState:
    """Recreate the state row from the stored leaves and nodes (e.g. after a flush)."""
    size = _leaf_count()
    nodes = _fetch_nodes(merkle.perfect_nodes(0, size))
    frontier = merkle.Frontier(
        size, [nodes[p] for p in merkle.perfect_nodes(0, size)], algorithm.log_hasher()
    )
    return TreeState(pk=1, size=size, frontier=frontier.to_bytes())


def _lock_state() -> TreeState:
    qs = TreeState.objects.select_for_update()
    state = qs.filter(pk=1).first()
    if state is None:
        TreeState.objects.bulk_create([_rebuild_state()], ignore_conflicts=True)
        state = qs.get(pk=1)
    return state


# --- appending ----------------------------------------------------------------------


def append(event_type: EventType, subject: str, payload: dict, actor=None) -> Leaf:
    """Append one event; see the module docstring for the contract."""
    return append_many([(event_type, subject, payload, actor)])[0]


def case_subject(obj) -> str:
    """``"case:<id>"`` for a case, or for a row that belongs to one (has ``case_id``)."""
    case_id = getattr(obj, "case_id", None)
    if case_id is None:
        if getattr(getattr(obj, "_meta", None), "label", "") != "cases.Case":
            raise TypeError(f"no case subject for {type(obj).__name__}")
        case_id = obj.pk
    return f"case:{case_id}"


def append_event(event_type, subject, payload=None, actor=None, *, key: str | None = None) -> Leaf:
    """The one helper the services use to ledger an event (issue #17 item 2).

    ``subject``: a subject string, or a case or a row of a case (a review, an appeal, a
    transfer …), which is recorded under ``"case:<case id>"`` so it shows in the case's
    history; ``key`` then also puts the row's id into the payload (``{key: row.pk}``,
    unless the payload names it). Otherwise exactly ``append``. Personal data goes into
    ``payload`` only as ``sanxiang.ledger.personal.digest(...)`` (issue #11 item 4)."""
    payload = dict(payload or {})
    if not isinstance(subject, str):
        row = subject
        subject = case_subject(row)
        if key:
            payload = {key: row.pk, **payload}
    return append(event_type, subject, payload, actor)


def append_many(entries: Iterable) -> list[Leaf]:
    """Append several events under one lock, in order, with consecutive indices.

    ``entries``: iterable of ``(event_type, subject, payload, actor)`` tuples or dicts
    with those keys (``actor`` optional). Same transaction rules as ``append``.

    The whole batch is prepared in Python before the lock is taken (payloads checked and
    serialised once each); under the lock every leaf and subtree hash of the batch is
    computed in memory, the leaves and the node rows are written with one bulk statement
    each (``COPY`` on PostgreSQL for large batches), ``TreeState`` is updated once and one
    head is signed when the caller's transaction commits. The stored rows are exactly
    those of appending the same events one by one.
    """
    prepared = []
    payloads: dict[int, tuple] = {}  # id(payload) -> (payload, its canonical JSON)
    actors: dict[object, tuple] = {}
    events: dict[object, str] = {}
    for entry in entries:
        if isinstance(entry, dict):
            et, subject, payload = entry["event_type"], entry["subject"], entry.get("payload")
            actor = entry.get("actor")
        else:
            et, subject, payload, *rest = entry
            actor = rest[0] if rest else None
        prepared.append(
            (
                _event_json(et, events),
                _check_subject(subject),
                _payload_json(payload, payloads),
                _actor_json(actor, actors),
            )
        )
    if not prepared:
        return []

    with transaction.atomic(savepoint=False):
        state = _lock_state()
        hasher = algorithm.create_if_missing()  # the log's hash (sha256 or sm3, #16.7)
        frontier = merkle.Frontier.from_bytes(state.size, bytes(state.frontier), hasher)
        now = clock.now()
        stamp = json.dumps(_utc_iso(now))
        first = frontier.size
        leaf_rows, nodes = [], []
        new_leaf, push = hasher.leaf, frontier.append
        for offset, (
            (et, et_json),
            subject,
            payload_json,
            (actor_id, actor_name, actor_json),
        ) in enumerate(prepared):
            index = first + offset
            # canonical_json of {actor, event_type, index, payload, subject, timestamp}:
            # the keys in sorted order, each value serialised exactly as json.dumps would
            # (test_append_many_bulk checks this against canonical_json).
            content = (
                f'{{"actor":{actor_json},"event_type":{et_json},"index":{index},'
                f'"payload":{payload_json},"subject":{_json_str(subject)},'
                f'"timestamp":{stamp}}}'
            )
            h = new_leaf(content.encode("utf-8"))
            leaf_rows.append((index, et, subject, actor_id, actor_name, content, h))
            nodes.extend(push(h))
        _insert(leaf_rows, nodes, now)
        TreeState.objects.filter(pk=1).update(size=frontier.size, frontier=frontier.to_bytes())
        from .heads import schedule_signing  # a signed head once this batch commits (#11.9)

        schedule_signing()
    return _as_leaves(leaf_rows, now)


_json_str = json.JSONEncoder(ensure_ascii=False).encode  # a str, exactly as json.dumps


def _event_json(event_type, cache) -> tuple[str, str]:
    try:
        return cache[event_type]
    except (KeyError, TypeError):
        pass
    value = _event_value(event_type)
    out = (value, _json_str(value))
    try:
        cache[event_type] = out
    except TypeError:  # unhashable: ``_event_value`` would have refused it
        pass
    return out


def _payload_json(payload, cache) -> str:
    """The canonical JSON of the payload as stored: ``canonical_json`` of
    ``_normalise_payload(payload)``. A payload object given several times in one batch
    is serialised once (the cache keeps the object, so its id is not reused)."""
    hit = cache.get(id(payload))
    if hit is not None and hit[0] is payload:
        return hit[1]
    text = canonical_json(_normalise_payload(payload))
    cache[id(payload)] = (payload, text)
    return text


def _actor_json(actor, cache) -> tuple:
    actor_id, actor_name = _actor_fields(actor)
    if actor_id is None:
        return None, actor_name, "null"
    key = (actor_id, actor_name)
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = (
            actor_id,
            actor_name,
            canonical_json({"id": actor_id, "name": actor_name}),
        )
    return hit


def _as_leaves(leaf_rows, now) -> list[Leaf]:
    """``Leaf`` objects as if loaded from the database (positional, like ``from_db``)."""
    alias = connection.alias
    out = []
    for index, et, subject, actor_id, actor_name, content, h in leaf_rows:
        leaf = Leaf(index, et, subject, actor_id, actor_name, now, content, h)
        leaf._state.adding = False
        leaf._state.db = alias
        out.append(leaf)
    return out


# Below this many leaves a batch is written with parameterised INSERTs (one statement for
# a single append, as before); from it on, on PostgreSQL, with ``COPY``.
COPY_MIN = 32

_LEAF_COLS = (
    "index",
    "event_type",
    "subject",
    "actor_id",
    "actor_name",
    "created_at",
    "content",
    "leaf_hash",
)


def _insert(leaf_rows, nodes, now):
    """Write the batch's leaves and node rows: one ``COPY`` each on PostgreSQL for a
    batch of ``COPY_MIN`` leaves or more (it fires the same triggers as ``INSERT``);
    otherwise parameterised INSERTs through ``executemany`` (pipelined by psycopg)."""
    qn = connection.ops.quote_name
    leaf_table, node_table = qn(Leaf._meta.db_table), qn(NodeHash._meta.db_table)
    leaf_cols = ", ".join(qn(c) for c in _LEAF_COLS)
    node_cols = f"{qn('level')}, {qn('index')}, {qn('hash')}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(leaf_rows) >= COPY_MIN:
            # ``COPY`` bypasses Django's execute(), so translate the driver's errors here
            # (a caller sees IntegrityError etc., as with the INSERTs).
            with connection.wrap_database_errors:
                _copy(cursor, leaf_rows, nodes, now, leaf_table, leaf_cols, node_table, node_cols)
            return
        created = Leaf._meta.get_field("created_at").get_db_prep_value(now, connection)
        cursor.executemany(
            f"INSERT INTO {leaf_table} ({leaf_cols}) VALUES ({', '.join(['%s'] * 8)})",  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
            [
                (index, et, subject, actor_id, actor_name, created, content, h)
                for index, et, subject, actor_id, actor_name, content, h in leaf_rows
            ],
        )
        if nodes:
            cursor.executemany(
                f"INSERT INTO {node_table} ({node_cols}) VALUES (%s, %s, %s)",  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
                nodes,
            )


def _copy(cursor, leaf_rows, nodes, now, leaf_table, leaf_cols, node_table, node_cols):
    """PostgreSQL: the batch with one ``COPY`` per table (it fires the same triggers as
    ``INSERT``)."""
    with cursor.copy(f"COPY {leaf_table} ({leaf_cols}) FROM STDIN") as copy:  # noqa: S608 - identifiers are quoted model/column names
        write = copy.write_row
        for index, et, subject, actor_id, actor_name, content, h in leaf_rows:
            write((index, et, subject, actor_id, actor_name, now, content, h))
    if nodes:
        with cursor.copy(f"COPY {node_table} ({node_cols}) FROM STDIN") as copy:  # noqa: S608 - identifiers are quoted model/column names
            write = copy.write_row
            for node in nodes:
                write(node)


# --- reading and proofs ---------------------------------------------------------------


def tree_size() -> int:
    """Committed tree size (leaf count)."""
    state = TreeState.objects.filter(pk=1).values_list("size", flat=True).first()
    if state is None:
        return _leaf_count()
    return state


class _Missing(LookupError):
    pass


def _fetch_nodes(positions) -> dict[tuple[int, int], bytes]:
    """Stored hashes of perfect subtrees ``(level, index)`` (level 0 = leaf hashes) in
    one round trip. Raises ``_Missing`` if any is absent (e.g. beyond the tree size)."""
    positions = set(positions)
    if not positions:
        return {}
    qn = connection.ops.quote_name
    leaves = sorted(i for lv, i in positions if lv == 0)
    by_level: dict[int, list[int]] = {}
    for lv, i in positions:
        if lv:
            by_level.setdefault(lv, []).append(i)
    parts, params = [], []
    if leaves:
        parts.append(
            f"SELECT 0, {qn('index')}, {qn('leaf_hash')} FROM {qn(Leaf._meta.db_table)} "  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
            f"WHERE {qn('index')} IN ({', '.join(['%s'] * len(leaves))})"
        )
        params += leaves
    if by_level:
        conds = []
        for lv, idxs in sorted(by_level.items()):
            conds.append(
                f"({qn('level')} = %s AND {qn('index')} IN ({', '.join(['%s'] * len(idxs))}))"
            )
            params += [lv, *idxs]
        parts.append(
            f"SELECT {qn('level')}, {qn('index')}, {qn('hash')} "  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
            f"FROM {qn(NodeHash._meta.db_table)} WHERE {' OR '.join(conds)}"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        out = {(lv, i): bytes(h) for lv, i, h in cursor.fetchall()}
    if len(out) != len(positions):
        raise _Missing(sorted(positions - out.keys())[:5])
    return out


def _size_error(size):
    return DomainError(
        _("树大小 %(size)s 无效（超出账本现有记录或小于最小值）。") % {"size": size},
        code=ErrorCode.NOT_FOUND,
    )


def _check_size(size, current=None, minimum=0) -> int:
    """Type and lower bound; with ``current`` also the upper bound. Without it, the upper
    bound is enforced by ``_hashes_for_ranges`` (nodes beyond the tree do not exist)."""
    if not isinstance(size, int) or size < minimum or (current is not None and size > current):
        raise _size_error(size)
    return size


def _hashes_for_ranges(ranges, size, extra=()) -> list[bytes]:
    """Hashes of leaf ranges of the tree of ``size`` leaves; DomainError if the tree is
    smaller than ``size`` (the last leaf, fetched as well, proves it exists)."""
    wanted = [p for a, b in ranges for p in merkle.perfect_nodes(a, b)]
    wanted += [(0, size - 1), *extra]
    try:
        nodes = _fetch_nodes(wanted)
    except _Missing:
        raise _size_error(size) from None
    # Only a range of several perfect subtrees is hashed (one query for the log's hash).
    folds = any(len(merkle.perfect_nodes(a, b)) > 1 for a, b in ranges)
    hasher = algorithm.log_hasher() if folds else merkle.SHA256
    return [merkle.range_hash(a, b, lambda lv, i: nodes[(lv, i)], hasher) for a, b in ranges]


def root_at(size: int) -> bytes:
    """Root hash of the tree of the first ``size`` leaves (O(log n) stored hashes)."""
    _check_size(size)
    if size == 0:
        return algorithm.log_hasher().empty_root
    return _hashes_for_ranges([(0, size)], size)[0]


def inclusion_proof(index: int, tree_size_: int | None = None) -> list[bytes]:
    """Audit path for leaf ``index`` in the tree of size ``tree_size_`` (default: now).
    One database round trip when ``tree_size_`` is given."""
    size = tree_size() if tree_size_ is None else _check_size(tree_size_, minimum=1)
    if not isinstance(index, int) or not 0 <= index < size:
        raise DomainError(
            _("序号为 %(index)s 的记录不在大小为 %(size)s 的树中。")
            % {"index": index, "size": size},
            code=ErrorCode.NOT_FOUND,
        )
    return _hashes_for_ranges(merkle.inclusion_ranges(index, size), size, [(0, index)])


def consistency_proof(size1: int, size2: int) -> list[bytes]:
    """Proof that the tree of ``size2`` leaves extends the tree of ``size1`` leaves."""
    _check_size(size2, minimum=1)
    _check_size(size1, size2, minimum=1)
    return _hashes_for_ranges(merkle.consistency_ranges(size1, size2), size2)


def get_leaf(index: int) -> Leaf:
    leaf = Leaf.objects.filter(index=index).first()
    if leaf is None:
        raise DomainError(
            _("序号为 %(index)s 的账本记录不存在。") % {"index": index}, code=ErrorCode.NOT_FOUND
        )
    return leaf


# --- signed tree heads (keys and signatures in heads.py) ---------------------------


def sign_tree_head(tree_size_: int | None = None) -> SignedTreeHead:
    """Sign (size, root, now) for the current tree or a past size and store the head."""
    from .heads import sign_head

    size = tree_size() if tree_size_ is None else _check_size(tree_size_)
    return sign_head(size, root_at(size))


def latest_head() -> SignedTreeHead | None:
    return SignedTreeHead.objects.order_by("-tree_size", "-timestamp_ms", "-id").first()
