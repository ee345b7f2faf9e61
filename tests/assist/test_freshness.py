"""The decision index follows the decision tables without scanning them on every request:
a saved decision bumps a generation (signals), only changed rows are re-read, and the
index only scores the decisions of the groups a user may see."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
import time_machine

from sanxiang.assist import index as ix
from sanxiang.assist import services
from sanxiang.assist.models import CorpusGeneration
from sanxiang.cases.models import Case, CaseSource, DecisionOutcome
from sanxiang.core.fields import CaseActType, EnforcementField

from .test_assist import AIR, SOIL, WATER

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
FACTS = "通过暗管向河道排放含重金属的电镀废水"
QUERY = "暗管排放电镀废水"


@pytest.fixture(autouse=True)
def _frozen(settings):
    # the periodic safety check must not hide a missing signal
    settings.ASSIST_DECISION_RECHECK_SECONDS = 10**9
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def laws(db):
    services.import_laws([WATER, AIR, SOIL])


def make_case(agency, title, facts, *, decided=True, basis="", n=[0]):  # noqa: B006
    n[0] += 1
    return Case.objects.create(
        agency=agency,
        act_type=CaseActType.PENALTY_GENERAL,
        number=f"F{n[0]}",
        title=title,
        facts=facts,
        field=EnforcementField.ENVIRONMENT,
        region="测试县",
        source=CaseSource.INSPECTION,
        decision_outcome=DecisionOutcome.PENALTY if decided else "",
        decision_at=NOW if decided else None,
        fine=Decimal(10000),
        decision_summary=basis,
    )


def similar_ids(user, facts=QUERY, **kw):
    return [r["id"] for r in services.similar_decisions(user, facts, **kw) if r["kind"] == "case"]


def test_a_new_decision_is_found_by_the_next_request(laws, agency_a, handler_a):
    other = make_case(agency_a, "扬尘案", "工地未采取扬尘防治措施")
    assert similar_ids(handler_a) == []  # the index is built here
    assert similar_ids(handler_a, "扬尘防治措施") == [other.pk]
    draft = make_case(agency_a, "电镀废水案", FACTS, decided=False)
    assert similar_ids(handler_a) == []  # not decided: not a precedent
    draft.decision_at, draft.decision_outcome = NOW, DecisionOutcome.PENALTY
    draft.save()
    assert similar_ids(handler_a) == [draft.pk]
    new = make_case(
        agency_a, "电镀废水案二", FACTS, basis="依据《中华人民共和国水污染防治法》第八十三条"
    )
    assert set(similar_ids(handler_a)) == {draft.pk, new.pk}
    # the article ranking sees it too (its citation is a precedent)
    recs = services.recommend_articles(handler_a, QUERY)
    assert any(f"案件#{new.pk}" in w for r in recs for w in r["why"])


def test_a_changed_decision_is_found_with_its_new_text(laws, agency_a, handler_a):
    case = make_case(agency_a, "扬尘案", "工地未采取扬尘防治措施")
    assert similar_ids(handler_a, "扬尘防治措施") == [case.pk]
    case.facts = FACTS
    case.save()
    assert similar_ids(handler_a) == [case.pk]
    assert similar_ids(handler_a, "扬尘防治措施") == []


def test_a_decision_ordered_redone_leaves_the_index(laws, agency_a, handler_a):
    case = make_case(agency_a, "电镀废水案", FACTS)
    assert similar_ids(handler_a) == [case.pk]
    case = Case.objects.get(pk=case.pk)  # loaded decided, saved undecided
    case.decision_at, case.decision_outcome = None, ""
    case.save()
    assert similar_ids(handler_a) == []


def test_another_process_learns_of_a_change_from_the_generation(
    laws, agency_a, handler_a, django_capture_on_commit_callbacks
):
    assert similar_ids(handler_a) == []
    before = services._generations()[1]
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(agency_a, "电镀废水案", FACTS)
    assert services._generations()[1] != before  # bumped when the transaction committed
    # this process's own mark cleared: what is left is what another process would see
    services._decision_cache["dirty"] = False
    assert similar_ids(handler_a) == [case.pk]


def test_an_undecided_case_saved_costs_no_bump(laws, agency_a, handler_a):
    similar_ids(handler_a)
    before = CorpusGeneration.objects.filter(pk=services.DECISIONS_ROW).first()
    make_case(agency_a, "在办案件", FACTS, decided=False)
    assert services._decision_cache["dirty"] is False
    assert CorpusGeneration.objects.filter(pk=services.DECISIONS_ROW).first() == before


def test_writes_without_signals_are_found_by_the_periodic_check(
    laws, agency_a, handler_a, settings
):
    assert similar_ids(handler_a) == []
    (case,) = Case.objects.bulk_create(
        [
            Case(
                agency=agency_a,
                act_type=CaseActType.PENALTY_GENERAL,
                number="BULK1",
                title="电镀废水案",
                facts=FACTS,
                field=EnforcementField.ENVIRONMENT,
                region="测试县",
                source=CaseSource.INSPECTION,
                decision_outcome=DecisionOutcome.PENALTY,
                decision_at=NOW,
            )
        ]
    )
    assert similar_ids(handler_a) == []  # no signal, check not due
    settings.ASSIST_DECISION_RECHECK_SECONDS = 0
    assert similar_ids(handler_a) == [Case.objects.get(number="BULK1").pk]


def test_only_changed_rows_are_tokenised_again(laws, agency_a, handler_a, monkeypatch):
    for i in range(5):
        make_case(agency_a, f"扬尘案{i}", f"工地{i}号未采取扬尘防治措施")
    similar_ids(handler_a)
    seen = Counter()
    real = services.tokens

    def counting(text):
        seen[text] += 1
        return real(text)

    monkeypatch.setattr(services, "tokens", counting)
    case = make_case(agency_a, "电镀废水案", FACTS)
    assert similar_ids(handler_a) == [case.pk]
    indexed = [t for t in seen if t != QUERY]
    assert indexed == [f"电镀废水案 {FACTS}"]


def test_other_agencies_decisions_are_never_suggested(
    laws, agency_a, agency_b, handler_a, supervisor
):
    assert similar_ids(handler_a) == []
    secret = make_case(
        agency_b, "电镀废水案", FACTS, basis="依据《中华人民共和国水污染防治法》第八十三条"
    )
    changed = make_case(agency_b, "扬尘案", "工地未采取扬尘防治措施")
    changed.facts = FACTS
    changed.save()
    for agency in (None, agency_a.pk):
        assert similar_ids(handler_a, agency=agency) == []
    recs = services.recommend_articles(handler_a, QUERY)
    assert not any(f"#{secret.pk}" in w or f"#{changed.pk}" in w for r in recs for w in r["why"])
    # the same index serves the supervisor, who may see agency B
    assert {secret.pk, changed.pk} <= set(similar_ids(supervisor))
    recs = services.recommend_articles(supervisor, QUERY)
    assert any(f"#{secret.pk}" in w for r in recs for w in r["why"])


# ---------------------------------------------------------------- the index itself
DOCS = [
    ("通过暗管排放电镀废水", 1),
    ("工地未采取扬尘防治措施", 1),
    ("暗管排放废水 暗管 第3号现场", 2),
    ("未依法取得排污许可证排放大气污染物", 2),
    ("电镀企业超标排放废水", None),
]


def _doc(i, agency):
    kind = "snapshot" if agency is None else "case"
    return ix.DecisionDoc(kind, i, agency, None, [], (0 if kind == "case" else 1, -i))


def _same_as_bm25(index, live):
    """Scores equal those of a BM25 built from scratch over the live documents."""
    texts = [ix.tokens(DOCS[i][0]) for i in live]
    fresh = ix.BM25(texts)
    for q in ("暗管排放废水", "扬尘", "排放废水电镀", "许可证"):
        acc, _hits = fresh.scores(ix.tokens(q))
        want = {live[j]: s for j, s in acc.items()}
        got, _used = index.scores(ix.tokens(q))
        assert {index.docs[slot].pk: s for slot, s in got.items()} == want


def test_incremental_index_scores_exactly_as_a_rebuild():
    index = ix.DecisionIndex()
    for i, (text, agency) in enumerate(DOCS):
        index.upsert(_doc(i, agency), ix.tokens(text))
    _same_as_bm25(index, [0, 1, 2, 3, 4])
    index.remove(("case", 1))
    _same_as_bm25(index, [0, 2, 3, 4])
    index.upsert(_doc(1, 1), ix.tokens(DOCS[1][0]))  # back, in a reused slot
    index.upsert(_doc(0, 1), ix.tokens(DOCS[0][0]))  # same row again: replaced, not doubled
    assert len(index) == 5
    _same_as_bm25(index, [0, 1, 2, 3, 4])


def test_index_scores_only_the_groups_asked_for():
    index = ix.DecisionIndex()
    for i, (text, agency) in enumerate(DOCS):
        index.upsert(_doc(i, agency), ix.tokens(text))
    acc, used = index.scores(ix.tokens("暗管排放废水"), groups=(1, ix.PUBLISHED))
    assert {index.docs[s].pk for s in acc} == {0, 4}
    assert "暗管" in used
    ranked = index.best(acc, None)
    assert [index.docs[s].pk for s, _ in ranked] == [0, 4]
    assert index.matched(ranked[0][0], used) == [t for t in used if t in ix.tokens(DOCS[0][0])]


def test_tokens_cut_at_whitespace_equal_jieba_on_the_whole_text():
    jieba = ix._jb()
    for text in (
        "案件12 通过暗管排放电镀废水 第3号现场",
        "《中华人民共和国水污染防治法》\u3000第八十三条\n未依法取得排污许可证",
        "abc123 ABC 12.5%的 罚款",
    ):
        whole = [
            t.strip()
            for t in jieba.cut_for_search(text)
            if t.strip() and t.strip() not in ix.STOPWORDS and ix._WORD.match(t.strip())
        ]
        assert ix.tokens(text) == whole
