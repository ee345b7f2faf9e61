"""Tokens (jieba) and an Okapi BM25 index in pure Python, plus the article ranker.

No database here: ``services`` feeds it rows, ``bench/assist_bench.py`` feeds it the
evaluation set, so the benchmark measures the very code the API runs.
"""

from __future__ import annotations

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
    """Search-mode jieba tokens (words and their sub-words), stopwords and punctuation out."""
    if not text:
        return []
    out = []
    for tok in _jb().cut_for_search(text):
        tok = tok.strip()
        if tok and tok not in STOPWORDS and _WORD.match(tok):
            out.append(tok)
    return out


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
