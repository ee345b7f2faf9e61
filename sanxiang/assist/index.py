"""Tokens (jieba) and an Okapi BM25 index in pure Python, plus the article ranker.

No database here: ``services`` feeds it rows, ``bench/assist_bench.py`` feeds it the
evaluation set, so the benchmark measures the very code the API runs.
"""

from __future__ import annotations

import functools
import heapq
import math
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

_lock = threading.Lock()
_jieba = None

# Words of every penalty provision: they carry no signal about which article applies.
STOPWORDS = set(
    "的 了 和 与 及 以及 或 或者 等 对 在 由 为 是 有 其 其他 之 之一 本 本法 本条例 本办法 本规定 "
    "下列 行为 规定 违反 依照 依法 按照 根据 处 以上 以下 罚款 元 万元 责令 改正 的规定 "
    "县级 人民政府 主管部门 主管 部门 有关 应当 可以 并 并处 并可 给予 情节 严重 条 款 项 "
    "第 一 二 三 四 五 六 七 八 九 十 百 未 不 被 将 从 向 于 该 所 者 上 下 中 内 后 前".split()
)
_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]")


def _jb():
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(60)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def tokens(text: str) -> list[str]:
    """Search-mode jieba tokens (words and their sub-words), stopwords and punctuation out.

    jieba segments the runs between whitespace independently (whitespace is never inside
    one of its blocks), so the text is cut at whitespace and each run's tokens are cached:
    decisions repeat their texts (templates, the same facts with another title or number),
    and the index of 10^5 decisions is built from the runs it has not seen yet."""
    if not text:
        return []
    out: list[str] = []
    for run in text.split():
        out.extend(_run_tokens(run))
    return out


@functools.lru_cache(maxsize=50_000)
def _run_tokens(run: str) -> tuple[str, ...]:
    out = []
    for tok in _jb().cut_for_search(run):
        tok = tok.strip()
        if tok and tok not in STOPWORDS and _WORD.match(tok):
            out.append(tok)
    return tuple(out)


class BM25:
    """Okapi BM25 (k1, b) over token lists; ``scores`` walks only the query terms' postings."""

    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.n = len(docs)
        self.lengths = [len(d) for d in docs]
        self.avgdl = (sum(self.lengths) / self.n) if self.n else 1.0
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                postings[term].append((i, tf))
        self.postings = dict(postings)
        self.idf = {
            t: math.log(1 + (self.n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in postings.items()
        }
        avg = self.avgdl or 1.0
        self.norm = [k1 * (1 - b + b * dl / avg) for dl in self.lengths]

    def scores(
        self, query: list[str], max_df: float = 1.0, with_hits: bool = True
    ) -> tuple[dict[int, float], dict[int, list[str]]]:
        """(doc index → score, doc index → matched query terms; empty without ``with_hits``).

        ``max_df`` < 1 skips query terms found in more than that share of the documents (their
        idf is near zero; on a large decision index they would cost most of the time)."""
        acc: dict[int, float] = defaultdict(float)
        hits: dict[int, list[str]] = defaultdict(list)
        k1 = self.k1
        limit = max_df * self.n
        for term, qtf in Counter(query).items():
            plist = self.postings.get(term)
            if not plist or (max_df < 1.0 and len(plist) > limit and self.n > 1000):
                continue
            idf = self.idf[term] * qtf * (k1 + 1)
            norm = self.norm
            if with_hits:
                for i, tf in plist:
                    acc[i] += idf * tf / (tf + norm[i])
                    hits[i].append(term)
            else:
                for i, tf in plist:
                    acc[i] += idf * tf / (tf + norm[i])
        return acc, hits

    def top(self, query: list[str], k: int):
        acc, hits = self.scores(query)
        best = heapq.nlargest(k, acc.items(), key=lambda kv: kv[1])
        return [(i, s, hits[i]) for i, s in best]


@dataclass
class DecisionDoc:
    """A past decision in ``DecisionIndex``: what a query returns besides its score."""

    kind: str  # "case" (a decided case) or "snapshot" (a published, redacted decision)
    pk: int
    agency_id: int | None
    ref: int | None  # the case's power id; the snapshot's case id
    citations: list[tuple[str, str]]  # (law key, 第X条)
    order: tuple  # ties are broken by it (smaller first)
    stamp: object = None  # the row's updated_at: a different stamp means re-tokenise


PUBLISHED = "published"  # the group of published snapshots (every user may see them)


class DecisionIndex:
    """Okapi BM25 over past decisions that is updated row by row, not rebuilt.

    A query's scores are exactly those of ``BM25`` over the same documents (same idf over
    *all* documents, same length normalisation, same floating-point operations); what
    differs is the layout, made for the two things a request needs:

    * postings are split by visibility group (a case's agency; ``PUBLISHED`` for snapshots),
      so a query walks only the postings of the groups the user may see — the other
      agencies' decisions are never scored, let alone returned;
    * ``upsert``/``remove`` change one document (its postings, df, the total length and so
      every document's length norm), so a new or changed decision costs its own tokens.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.slot_of: dict[tuple[str, int], int] = {}
        self.docs: list[DecisionDoc | None] = []
        self.tfs: list[dict[str, int] | None] = []
        self.lengths: list[int] = []
        self.norm: list[float] = []
        self.free: list[int] = []
        # term → group → slot → tf
        self.postings: dict[str, dict[object, dict[int, int]]] = {}
        self.df: dict[str, int] = {}
        self.n = 0
        self.total = 0
        self._stale_norm = False

    @staticmethod
    def group(doc: DecisionDoc):
        return PUBLISHED if doc.kind == "snapshot" else doc.agency_id

    def __len__(self) -> int:
        return self.n

    def stamps(self) -> dict[tuple[str, int], object]:
        return {key: self.docs[slot].stamp for key, slot in self.slot_of.items()}

    def upsert(self, doc: DecisionDoc, toks: list[str]) -> None:
        key = (doc.kind, doc.pk)
        if key in self.slot_of:
            self.remove(key)
        tf = dict(Counter(toks))
        if self.free:
            slot = self.free.pop()
            self.docs[slot], self.tfs[slot], self.lengths[slot] = doc, tf, len(toks)
        else:
            slot = len(self.docs)
            self.docs.append(doc)
            self.tfs.append(tf)
            self.lengths.append(len(toks))
            self.norm.append(0.0)
        self.slot_of[key] = slot
        group = self.group(doc)
        postings, df = self.postings, self.df
        for term, count in tf.items():
            by_group = postings.get(term)
            if by_group is None:
                by_group = postings[term] = {}
            plist = by_group.get(group)
            if plist is None:
                plist = by_group[group] = {}
            plist[slot] = count
            df[term] = df.get(term, 0) + 1
        self.n += 1
        self.total += len(toks)
        self._stale_norm = True

    def remove(self, key: tuple[str, int]) -> None:
        slot = self.slot_of.pop(key, None)
        if slot is None:
            return
        doc = self.docs[slot]
        group = self.group(doc)
        for term in self.tfs[slot]:
            by_group = self.postings[term]
            plist = by_group[group]
            del plist[slot]
            if not plist:
                del by_group[group]
                if not by_group:
                    del self.postings[term]
            self.df[term] -= 1
            if not self.df[term]:
                del self.df[term]
        self.n -= 1
        self.total -= self.lengths[slot]
        self.docs[slot], self.tfs[slot], self.lengths[slot] = None, None, 0
        self.free.append(slot)
        self._stale_norm = True

    def _norms(self) -> list[float]:
        if self._stale_norm:
            avg = ((self.total / self.n) if self.n else 1.0) or 1.0
            k1, b = self.k1, self.b
            self.norm = [k1 * (1 - b + b * dl / avg) for dl in self.lengths]
            self._stale_norm = False
        return self.norm

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query: list[str], groups=None, max_df: float = 1.0):
        """(slot → score over the documents of ``groups`` (None: all), the query terms used).

        ``max_df`` < 1 skips query terms found in more than that share of *all* documents
        (near-zero idf; on a large index they would cost most of the time)."""
        norm = self._norms()
        acc: dict[int, float] = {}
        used: list[str] = []
        k1 = self.k1
        limit = max_df * self.n
        for term, qtf in Counter(query).items():
            by_group = self.postings.get(term)
            if not by_group or (max_df < 1.0 and self.df[term] > limit and self.n > 1000):
                continue
            used.append(term)
            idf = self.idf(term) * qtf * (k1 + 1)
            plists = (
                by_group.values()
                if groups is None
                else [by_group[g] for g in groups if g in by_group]
            )
            for plist in plists:
                if not acc:
                    acc = {i: idf * tf / (tf + norm[i]) for i, tf in plist.items()}
                    continue
                get = acc.get
                for i, tf in plist.items():
                    acc[i] = get(i, 0.0) + idf * tf / (tf + norm[i])
        return acc, used

    def best(self, acc: dict[int, float], k: int) -> list[tuple[int, float]]:
        """The ``k`` best (slot, score), ties at the cut included, best first, ties by
        ``DecisionDoc.order``; everything when ``k`` is None."""
        items = acc.items()
        if k is not None and k < len(acc):
            cut = heapq.nlargest(k, acc.values())[-1]
            items = [(i, s) for i, s in items if s >= cut]
        docs = self.docs
        return sorted(items, key=lambda kv: (-kv[1], docs[kv[0]].order))

    def matched(self, slot: int, used: list[str]) -> list[str]:
        """The query terms (in query order) that the document contains."""
        tf = self.tfs[slot]
        return [t for t in used if t in tf]


@dataclass
class ArticleDoc:
    law: str  # full title as in the file
    key: str  # law_key(title)
    number: str  # 第X条
    text: str
    pk: int | None = None


@dataclass
class Precedent:
    """A past decision (or an indexed table row) and the articles it cited."""

    label: str
    similarity: float  # 0..1 relative to the best precedent
    citations: list[tuple[str, str]]  # (law key, 第X条)
    matched: list[str] = field(default_factory=list)


CATALOG_BOOST = 0.6
PRECEDENT_BOOST = 1.0
PRECEDENT_DECAY = 0.75
# passages whose character-bigram coverage of the query is measured (the best by BM25)
COVERAGE_POOL = 200


@dataclass(frozen=True)
class Weights:
    """How the evidence is added up (``recommend``). The defaults are the production ranking;
    ``bench/assist_bench.py`` chooses them per fold by cross-validation on the indexed
    table only and reports both."""

    article: float = 0.5  # BM25 over the whole article (law title + text), 0..1
    passage: float = 0.5  # BM25 of the article's best 款/项 line, 0..1
    coverage: float = 1.0  # share of the query's character bigrams found in one line
    precedent: float = PRECEDENT_BOOST
    decay: float = PRECEDENT_DECAY
    catalog: float = CATALOG_BOOST


DEFAULT_WEIGHTS = Weights()


def passages(text: str) -> list[str]:
    """The 款 and 项 lines of an article (each its own passage)."""
    return [line.strip() for line in (text or "").split("\n") if line.strip()] or [text or ""]


@dataclass
class Evidence:
    """Per-article evidence for one query, before weighting (see ``ArticleIndex.evidence``)."""

    article: dict[int, float]  # normalised article BM25
    passage: dict[int, float]  # normalised BM25 of the best line
    coverage: dict[int, tuple[float, int]]  # (share of query bigrams, line number)
    hits: dict[int, list[str]]


class ArticleIndex:
    def __init__(self, articles: list[ArticleDoc]):
        self.articles = articles
        self.by_ref = {(a.key, a.number): i for i, a in enumerate(articles)}
        self.bm25 = BM25([tokens(a.key + " " + a.text) for a in articles])
        # every 款/项 line is a passage too: a penalty article lists many violations, and the
        # one a fact describes is usually a single line of it, nearly word for word
        self.passage_of: list[tuple[int, int]] = []  # passage → (article, line number)
        texts = []
        for i, a in enumerate(articles):
            for n, line in enumerate(passages(a.text), start=1):
                self.passage_of.append((i, n))
                texts.append(line)
        self.passage_bm25 = BM25([tokens(t) for t in texts])
        self.passage_bigrams = [bigrams(t) for t in texts]

    def evidence(self, facts: str) -> Evidence:
        """The query-dependent evidence (the expensive part; ``rank`` only adds it up)."""
        query = tokens(facts)
        acc, hits = self.bm25.scores(query)
        best = max(acc.values(), default=0.0) or 1.0
        article = {i: s / best for i, s in acc.items()}
        pacc, _none = self.passage_bm25.scores(query, with_hits=False)
        pbest = max(pacc.values(), default=0.0) or 1.0
        passage: dict[int, float] = {}
        for j, s in pacc.items():
            i = self.passage_of[j][0]
            if s / pbest > passage.get(i, 0.0):
                passage[i] = s / pbest
        qgrams = bigrams(facts)
        coverage: dict[int, tuple[float, int]] = {}
        if qgrams:
            for j, _s in heapq.nlargest(COVERAGE_POOL, pacc.items(), key=lambda kv: kv[1]):
                i, line = self.passage_of[j]
                share = len(qgrams & self.passage_bigrams[j]) / len(qgrams)
                if share > coverage.get(i, (0.0, 0))[0]:
                    coverage[i] = (share, line)
        return Evidence(article, passage, coverage, hits)

    def rank(
        self,
        ev: Evidence,
        *,
        linked: list[tuple[str, str, str]] = (),
        precedents: list[Precedent] = (),
        limit: int = 10,
        weights: Weights = DEFAULT_WEIGHTS,
    ) -> list[dict]:
        w = weights
        score: dict[int, float] = defaultdict(float)
        for i, s in ev.article.items():
            score[i] += w.article * s
        for i, s in ev.passage.items():
            score[i] += w.passage * s
        for i, (share, _line) in ev.coverage.items():
            score[i] += w.coverage * share
        extra: dict[int, list[str]] = defaultdict(list)
        for key, number, reason in linked:
            i = self.by_ref.get((key, number))
            if i is not None:
                score[i] += w.catalog
                extra[i].append(reason)
        for rank, p in enumerate(precedents):
            weight = w.precedent * p.similarity * (w.decay**rank)
            for key, number in p.citations:
                i = self.by_ref.get((key, number))
                if i is None:
                    continue
                score[i] += weight
                if sum(1 for x in extra[i] if x.startswith("相似")) < 3:
                    extra[i].append(f"相似决定引用：{p.label}")
        ranked = heapq.nlargest(limit, score.items(), key=lambda kv: (kv[1], -kv[0]))
        return [
            {
                "law": self.articles[i].law,
                "article": self.articles[i].number,
                "score": round(s, 4),
                "why": self._why(ev, i, w) + extra.get(i, []),
                "id": self.articles[i].pk,
            }
            for i, s in ranked
        ]

    def _why(self, ev: Evidence, i: int, w: Weights) -> list[str]:
        """The text evidence of one ranked article (only the returned ones are explained)."""
        out = []
        terms = ev.hits.get(i)
        if terms and (ev.article.get(i, 0.0) >= 0.05 or ev.passage.get(i, 0.0) >= 0.05):
            top_terms = sorted(set(terms), key=lambda t: -self.bm25.idf.get(t, 0))[:6]
            out.append("匹配词：" + "、".join(top_terms))
        share, line = ev.coverage.get(i, (0.0, 0))
        if share >= 0.5 and w.coverage:
            out.append(f"与条文第{line}段语句重合{round(share * 100)}%")
        return out

    def recommend(
        self,
        facts: str,
        *,
        linked: list[tuple[str, str, str]] = (),
        precedents: list[Precedent] = (),
        limit: int = 10,
        weights: Weights = DEFAULT_WEIGHTS,
    ) -> list[dict]:
        """Best-first articles for ``facts``.

        score = article × BM25 over the article (divided by the query's best, so 0..1)
              + passage × BM25 of its best 款/项 line (likewise 0..1)
              + coverage × share of the query's character bigrams found in one of its lines
              + catalog for an article the catalogue item cites
              + precedent × Σ similarity × decay^rank over similar precedents citing it.
        ``linked``: (law key, 第X条, why); every result carries its reasons in ``why``.
        """
        return self.rank(
            self.evidence(facts),
            linked=linked,
            precedents=precedents,
            limit=limit,
            weights=weights,
        )


def bigrams(text: str) -> set[str]:
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff" or c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
