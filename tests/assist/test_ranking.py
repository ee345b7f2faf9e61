"""The ranking's line evidence: a fact written like one 款/项 line of a long penalty article
ranks that article (no database: the index is built from the test corpus's files)."""

from pathlib import Path

import pytest

from sanxiang.assist import corpus
from sanxiang.assist.index import ArticleDoc, ArticleIndex, Weights, passages

LAWS = Path(__file__).parent / "data" / "laws"
WITHOUT_LINES = Weights(article=1.0, passage=0.0, coverage=0.0)  # the ranking before


@pytest.fixture(scope="module")
def index():
    docs = []
    for f in sorted(LAWS.glob("*.md")):
        if f.name != "SOURCE.md":
            law = corpus.parse_law_file(f)
            key = corpus.law_key(law.title)
            docs += [ArticleDoc(law.title, key, a.number, a.text) for a in law.articles]
    return ArticleIndex(docs)


def _top5(index, facts, **kw):
    return [(corpus.law_key(r["law"]), r["article"]) for r in index.recommend(facts, **kw)[:5]]


@pytest.mark.parametrize(
    "facts,expected",
    [
        ("某公司未依法取得排污许可证排放水污染物", ("水污染防治法", "第八十三条")),
        ("施工单位未依法取得排污许可证排放大气污染物", ("大气污染防治法", "第九十九条")),
    ],
)
def test_a_fact_like_one_line_ranks_its_article(index, facts, expected):
    assert expected in _top5(index, facts)
    assert expected not in _top5(index, facts, weights=WITHOUT_LINES)  # whole articles only
    hit = next(r for r in index.recommend(facts) if r["article"] == expected[1])
    assert any("语句重合" in w for w in hit["why"]), hit["why"]


def test_passages_are_the_lines_of_an_article():
    assert passages("第一款。\n（一）甲；\n\n（二）乙。") == [
        "第一款。",
        "（一）甲；",
        "（二）乙。",
    ]
    assert passages("") == [""]
