"""Chinese full-text search over published snapshots.

Text is segmented with jieba (``cut_for_search``) into space-separated words stored in
``Snapshot.search_text``.

* PostgreSQL: a stored generated column ``search_vector`` =
  ``to_tsvector('simple', search_text)`` with a GIN index (migration 0003), matched with
  ``to_tsquery('simple', ...)`` and ranked by ``ts_rank``.
* SQLite: an FTS5 virtual table ``publicity_snapshot_fts`` (rowid = snapshot id) that
  the services keep in step with the published snapshots, ranked by ``bm25``.

Only snapshots in state ``published`` whose publication window is open are searchable;
withdrawn, superseded, expired and removed snapshots leave the index.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from sanxiang.core import clock

from .models import Snapshot, SnapshotState

FTS_TABLE = "publicity_snapshot_fts"
# Words in nearly every decision: not indexed and dropped from queries (they only make the
# posting lists the index must intersect long). A query of stopwords only lists everything.
STOPWORDS = frozenset(
    "有限公司 有限 公司 有限责任 责任 股份 的 了 和 与 及 或 等 号 年 月 日 当事人 元 人民币".split()
)
_WORD_RE = re.compile(r"[\w]+", re.UNICODE)
_jieba = None


def _get_jieba():
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba = jieba
    return _jieba


def tokens(text: str) -> list[str]:
    """Lower-cased search words of ``text`` (jieba for Chinese, runs for the rest),
    without stopwords."""
    jieba = _get_jieba()
    out = []
    for piece in jieba.cut_for_search(text or ""):
        for word in _WORD_RE.findall(piece.lower()):
            if word.strip() and word != "_" and word not in STOPWORDS:
                out.append(word)
    return out


def segment(text: str) -> str:
    return " ".join(tokens(text))


def snapshot_text(snap: Snapshot) -> str:
    parts = [
        snap.title,
        snap.agency_name,
        snap.document_number,
        snap.target_name,
        snap.target_usci,
        snap.target_legal_rep,
        snap.conclusion,
        str(snap.get_category_display()),
    ]
    details = snap.details or {}
    for key in ("violation_type", "facts", "basis", "penalty_content", "licence_content"):
        if details.get(key):
            parts.append(str(details[key]))
    for section in snap.full_text or []:
        if isinstance(section, (list, tuple)) and len(section) == 2:
            parts.append(str(section[1]))
    return segment("\n".join(p for p in parts if p))


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def index(snap: Snapshot) -> None:
    """Make ``snap`` searchable (SQLite FTS row; PostgreSQL needs nothing)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [snap.pk])  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
            cur.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (%s, %s)",  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
                [snap.pk, snap.search_text],
            )


def unindex(snap: Snapshot) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [snap.pk])  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters


def public_q(today: dt.date | None = None) -> Q:
    """Snapshots visible on the public site today."""
    today = today or clock.today()
    return Q(state=SnapshotState.PUBLISHED) & (
        Q(visible_until__isnull=True) | Q(visible_until__gte=today)
    )


@dataclass
class Filters:
    q: str = ""
    agency: int | None = None
    category: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    party: str = ""
    usci: str = ""
    number: str = ""


def _filtered(filters: Filters, today=None):
    qs = Snapshot.objects.filter(public_q(today))
    if filters.agency:
        qs = qs.filter(agency_id=filters.agency)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.date_from:
        qs = qs.filter(decision_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(decision_date__lte=filters.date_to)
    if filters.party:
        qs = qs.filter(target_name__icontains=filters.party.strip())
    if filters.usci:
        qs = qs.filter(target_usci=filters.usci.strip().upper())
    if filters.number:
        qs = qs.filter(document_number__icontains=filters.number.strip())
    return qs


def _tsquery(words: list[str]) -> str:
    clean = []
    for w in words:
        w = re.sub(r"[&|!():*'\\<>\s]", "", w)
        if w:
            clean.append(w)
    return " & ".join(dict.fromkeys(clean))


RANK_CAP = 1000  # rank by relevance up to this many matches
COUNT_CAP = 100_000  # listing without words: counted exactly up to this many
COMMON_ESTIMATE = 5000  # planner's estimate above which a query is "common"
COMMON_FLOOR = 50  # a whole-query estimate below this keeps the query on the index
WALK_TIMEOUT_MS = 150  # guard of the newest-first walk (falls back to the index)


@dataclass
class Result:
    rows: list
    total: int
    capped: bool = False  # ``total`` is a lower bound (many matches)
    ranked: bool = False  # ordered by relevance (else by decision date, newest first)


PG_MATCH = "search_vector @@ to_tsquery('simple'::regconfig, %s)"
PG_RANK = "ts_rank(search_vector, to_tsquery('simple'::regconfig, %s))"


# "at": never read yet (time.monotonic() counts from boot, so 0.0 would mean "read at boot")
_STATS = {"at": float("-inf"), "freqs": {}, "rows": 0.0}
STATS_SECONDS = 600


def _word_stats():
    """(word → fraction of rows, row count) from PostgreSQL's statistics of the vector
    column (``pg_stats.most_common_elems``, kept by ANALYZE/autovacuum), cached a while."""
    import time

    now = time.monotonic()
    if now - _STATS["at"] < STATS_SECONDS:
        return _STATS["freqs"], _STATS["rows"]
    freqs, rows = {}, 0.0
    with connection.cursor() as cur:
        cur.execute(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
            "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname "
            "AND s.attname = 'search_vector' AND s.schemaname = current_schema() "
            "WHERE c.relname = 'publicity_snapshot' AND c.relnamespace = "
            "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
        )
        row = cur.fetchone()
    if row is not None:
        elems, values, rows = row[0] or [], row[1] or [], max(float(row[2] or 0), 0.0)
        freqs = dict(zip(elems, values, strict=False))
    _STATS.update(at=now, freqs=freqs, rows=rows)
    return freqs, rows


def _is_common(tsq) -> bool:
    """Will newest-first walking find a page quickly? Decided from column statistics
    (no query runs).

    The rarest word bounds the number of matches; a combination the independence
    assumption puts below ``COMMON_FLOOR`` rows stays on the index (it may well be empty
    when common words rarely come together). A walk that still takes too long is cut by
    the statement timeout and the query goes to the index.
    """
    freqs, rows = _word_stats()
    if not rows:
        return False
    words = tsq.split(" & ")
    found = [freqs.get(w, 0.0) for w in words]
    rarest = min(found) * rows
    together = rows
    for f in found:
        together *= f
    return rarest > COMMON_ESTIMATE and together >= COMMON_FLOOR


def _newest_first(matched, offset, per_page):
    """Walk the (state, decision date) index newest first, checking each row's vector.

    Cheap when the words are common (a few hundred rows give a page). Guarded by a
    statement timeout: a rare combination the planner over-estimated falls back to the
    GIN index (returns None).
    """
    from django.db import OperationalError, transaction

    nested = connection.in_atomic_block
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(f"SET LOCAL statement_timeout = {int(WALK_TIMEOUT_MS)}")
            rows = list(matched.order_by("-decision_date", "-id")[offset : offset + per_page + 1])
            if nested:  # the outer transaction goes on: undo the local setting now
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL statement_timeout = DEFAULT")
            return rows
    except OperationalError:  # statement timeout: the savepoint rollback restores the setting
        return None


def _pg_words(qs, tsq, offset, per_page) -> Result:
    matched = qs.extra(where=[PG_MATCH], params=[tsq])  # noqa: S610 - constant SQL fragments; the query terms are params
    if _is_common(tsq):
        rows = _newest_first(matched, offset, per_page)
        if rows is not None:
            more = len(rows) > per_page
            return Result(rows[:per_page], offset + len(rows), capped=more or offset > 0)
    # the GIN index finds the matches (up to RANK_CAP + 1 of them); one query ranks those,
    # counts them and returns only the page's rows (relevance, then newest first)
    capped = matched.order_by().values("id")[: RANK_CAP + 1]
    rows = list(
        Snapshot.objects.filter(id__in=capped)
        .extra(  # noqa: S610 - constant SQL fragments; the query terms are params
            select={"rank": PG_RANK, "matches": "COUNT(*) OVER ()"}, select_params=[tsq]
        )
        .order_by("-rank", "-decision_date", "-id")[offset : offset + per_page]
    )
    total = rows[0].matches if rows else capped.count()
    if total > RANK_CAP:
        rows = list(matched.order_by("-decision_date", "-id")[offset : offset + per_page])
        return Result(rows, total, capped=True)
    return Result(rows, total, ranked=True)


def search_page(filters: Filters, *, page: int = 1, per_page: int = 20, today=None) -> Result:
    """One page of results.

    Without words: newest first, counted up to ``COUNT_CAP``. With words on PostgreSQL:
    a query the planner expects to be common walks the date index newest first (a page
    costs a few hundred row checks; the count is "more than"); otherwise the GIN index
    finds the matches and up to ``RANK_CAP`` of them are ranked by ``ts_rank``. SQLite:
    FTS5 ranked by ``bm25``.
    """
    page = max(1, int(page or 1))
    offset = (page - 1) * per_page
    qs = _filtered(filters, today)
    words = tokens(filters.q) if filters.q else []
    if not words:
        total = qs.order_by().values("id")[: COUNT_CAP + 1].count()
        rows = list(qs.order_by("-decision_date", "-id")[offset : offset + per_page])
        return Result(rows, total, capped=total > COUNT_CAP)
    if is_postgres():
        tsq = _tsquery(words)
        if not tsq:
            return Result([], 0)
        return _pg_words(qs, tsq, offset, per_page)
    # SQLite FTS5: rank in the virtual table, filters on the snapshot table.
    fts = " ".join('"' + w.replace('"', "") + '"' for w in dict.fromkeys(words))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608 - identifiers are quoted model/column names; values are %s parameters
            f"ORDER BY bm25({FTS_TABLE}) LIMIT 20000",
            [fts],
        )
        ranked_ids = [r[0] for r in cur.fetchall()]
    order = {rowid: i for i, rowid in enumerate(ranked_ids)}
    ids = list(qs.filter(id__in=ranked_ids).values_list("id", flat=True))
    ids.sort(key=lambda i: order[i])
    page_ids = ids[offset : offset + per_page]
    by_id = Snapshot.objects.in_bulk(page_ids)
    return Result([by_id[i] for i in page_ids if i in by_id], len(ids), ranked=True)


def search(filters: Filters, *, page: int = 1, per_page: int = 20, today=None):
    """(rows of the page, total) — see ``search_page``."""
    result = search_page(filters, page=page, per_page=per_page, today=today)
    return result.rows, result.total


def like_search(q: str, limit: int = 20):
    """The naive baseline (benchmarks only): LIKE over the raw fields."""
    qs = Snapshot.objects.filter(public_q()).filter(
        Q(conclusion__contains=q) | Q(target_name__contains=q) | Q(title__contains=q)
    )
    return list(qs.order_by("-decision_date", "-id")[:limit])
