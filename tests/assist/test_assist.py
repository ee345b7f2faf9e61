"""智能辅助: corpus import, citations, article ranking, similar decisions and agency scoping."""

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template import Context, Template
from django.test import RequestFactory

from sanxiang.assist import corpus, services
from sanxiang.assist.models import Article, CatalogArticleLink, Law
from sanxiang.cases.models import Case, CaseSource, DecisionOutcome
from sanxiang.core.errors import DomainError
from sanxiang.core.fields import CaseActType, EnforcementField

DATA = Path(__file__).parent / "data"
LAWS = DATA / "laws"
WATER = LAWS / "水污染防治法(2017-06-27).md"
AIR = LAWS / "大气污染防治法(2018-10-26).md"
SOIL = LAWS / "土壤污染防治法(2018-08-31).md"
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def laws(db):
    services.import_laws([WATER, AIR, SOIL])


def decided(agency, title, facts, *, fine=10000, basis="", n=[0]):  # noqa: B006
    n[0] += 1
    return Case.objects.create(
        agency=agency,
        act_type=CaseActType.PENALTY_GENERAL,
        number=f"T{n[0]}",
        title=title,
        facts=facts,
        field=EnforcementField.ENVIRONMENT,
        region="测试县",
        source=CaseSource.INSPECTION,
        decision_outcome=DecisionOutcome.PENALTY,
        decision_at=NOW,
        fine=Decimal(fine),
        decision_summary=basis,
    )


# ---------------------------------------------------------------- parsing
def test_numerals_round_trip():
    for n in (1, 10, 11, 20, 46, 100, 101, 110, 124, 999):
        assert corpus.cn_to_int(corpus.int_to_cn(n)) == n
    assert corpus.int_to_cn(124) == "一百二十四"
    assert corpus.normalize_article("第46条") == "第四十六条"
    assert corpus.normalize_article("四十六条") == "第四十六条"


def test_citations_chain_and_normalise():
    text = "《中华人民共和国环境影响评价法》（2018年修订）第三十一条第一款、第二款：建设单位违反本法第二十四条"
    assert corpus.parse_citations(text) == [("中华人民共和国环境影响评价法", "第三十一条")]
    assert corpus.parse_citations("《商业银行法》第二十一条四十六条；《票据法》第46条") == [
        ("商业银行法", "第二十一条"),
        ("商业银行法", "第四十六条"),
        ("票据法", "第四十六条"),
    ]
    assert corpus.law_key("《中华人民共和银行业监督管理法》") == "银行业监督管理法"
    assert corpus.parse_citations("第十条", default_law="《测试法》") == [("测试法", "第十条")]


def test_article_keeps_its_paragraphs():
    law = corpus.parse_law_file(WATER)
    art = {a.number: a for a in law.articles}["第八十三条"]
    assert "（一）未依法取得排污许可证排放水污染物的" in art.text
    assert law.revision_date == dt.date(2017, 6, 27)
    assert law.title == "中华人民共和国水污染防治法"


# ---------------------------------------------------------------- import
def test_import_is_idempotent_and_addressable(laws):
    n_articles = Article.objects.count()
    assert services.import_laws([WATER, AIR, SOIL]) == {"created": 0, "updated": 0, "unchanged": 3}
    assert Article.objects.count() == n_articles
    art = services.find_article("《中华人民共和国水污染防治法》", "第83条")
    assert art.number == "第八十三条" and "排污许可证" in art.text
    assert art.law.source.startswith("LawRefBook/Laws @")


def test_new_revision_is_versioned_latest_wins(laws, tmp_path):
    newer = tmp_path / "水污染防治法(2030-01-01).md"
    newer.write_text(
        "# 中华人民共和国水污染防治法\n\n<!-- INFO END -->\n\n第八十三条 修订后的条文。\n", "utf-8"
    )
    assert services.import_laws([newer])["created"] == 1
    assert Law.objects.filter(key="水污染防治法").count() == 2
    assert services.find_article("水污染防治法", "第八十三条").text == "修订后的条文。"


def test_malformed_file_imports_nothing(db, tmp_path):
    bad = DATA / "bad" / "测试法(2020-01-01).md"
    with pytest.raises(DomainError) as exc:
        services.import_laws([WATER, bad])
    assert "没有找到任何“第X条”条文" in str(exc.value.message)
    assert "未导入任何内容" in str(exc.value.message)
    assert Law.objects.count() == 0 and Article.objects.count() == 0
    dup = tmp_path / "重复法(2020-01-01).md"
    dup.write_text("# 重复法\n\n第一条 甲。\n\n第一条 乙。\n", "utf-8")
    with pytest.raises(DomainError, match="第一条重复出现"):
        services.import_laws([dup])
    nodate = tmp_path / "无日期法.md"
    nodate.write_text("# 无日期法\n\n第一条 甲。\n", "utf-8")
    with pytest.raises(DomainError, match="修订日期"):
        services.import_laws([nodate])


def test_command_imports_folder_and_reports_errors(db, tmp_path):
    folder = tmp_path / "laws"
    folder.mkdir()
    shutil.copy(WATER, folder / WATER.name)
    call_command("laws", "import", str(folder))
    assert Law.objects.count() == 1
    with pytest.raises(CommandError, match="格式不正确"):
        call_command("laws", "import", str(DATA / "bad"))


# ---------------------------------------------------------------- catalogue links
def _power(agency_b):
    from sanxiang.catalog.models import CatalogKind, CatalogVersion, Power

    version = CatalogVersion.objects.create(agency=agency_b, kind=CatalogKind.POWERS, number=1)
    power = Power.objects.create(
        version=version,
        code="P1",
        name="对未依法取得排污许可证排放水污染物的处罚",
        act_type="penalty",
        field=EnforcementField.ENVIRONMENT,
        legal_basis="《中华人民共和国水污染防治法》第八十三条第一项；《某某条例》第五条",
    )
    return power


def test_catalog_links_built_from_legal_basis(laws, agency_b):
    power = _power(agency_b)
    assert services.build_catalog_links() == 2
    links = CatalogArticleLink.objects.filter(item_id=power.pk).order_by("number")
    assert [(lk.law_key, lk.number, lk.article_id is not None) for lk in links] == [
        ("某某条例", "第五条", False),
        ("水污染防治法", "第八十三条", True),
    ]


# ---------------------------------------------------------------- ranking
RANKING = [
    ("某公司未依法取得排污许可证，通过暗管向河道排放水污染物", ("水污染防治法", "第八十三条")),
    ("工地施工未采取覆盖、洒水等防治扬尘污染的措施", ("大气污染防治法", "第一百一十五条")),
    ("露天焚烧秸秆、落叶等产生烟尘污染的物质", ("大气污染防治法", "第一百一十九条")),
]


@pytest.mark.parametrize("facts,expected", RANKING)
def test_recommender_ranks_the_provision_in_top5(laws, handler_b, facts, expected):
    results = services.recommend_articles(handler_b, facts)
    assert len(results) >= 10
    top5 = [(corpus.law_key(r["law"]), r["article"]) for r in results[:5]]
    assert expected in top5, top5
    assert all(r["why"] for r in results[:5])
    assert results == sorted(results, key=lambda r: -r["score"])


def test_catalog_item_boosts_its_articles(laws, agency_b, handler_b):
    power = _power(agency_b)
    services.build_catalog_links()
    facts = "企业违法排放污染物"

    def rank(results):
        refs = [(corpus.law_key(r["law"]), r["article"]) for r in results]
        ref = ("水污染防治法", "第八十三条")
        return refs.index(ref) if ref in refs else 999

    plain = services.recommend_articles(handler_b, facts, limit=50)
    boosted = services.recommend_articles(handler_b, facts, catalog_item=power.pk, limit=50)
    assert rank(boosted) < rank(plain) and rank(boosted) < 3
    hit = boosted[rank(boosted)]
    assert any("执法事项" in w for w in hit["why"])


def test_similar_decision_citation_boosts(laws, agency_b, handler_b):
    facts = "养殖场废水直排，污染周边鱼塘"
    before = services.recommend_articles(handler_b, facts, limit=50)
    decided(
        agency_b,
        "养殖场废水直排案",
        "养殖场废水直排，污染周边鱼塘",
        basis="依据《中华人民共和国土壤污染防治法》第八十七条",
    )
    after = services.recommend_articles(handler_b, facts)
    refs = [(corpus.law_key(r["law"]), r["article"]) for r in after[:3]]
    assert ("土壤污染防治法", "第八十七条") in refs
    assert ("土壤污染防治法", "第八十七条") not in [
        (corpus.law_key(r["law"]), r["article"]) for r in before[:3]
    ]
    hit = next(r for r in after if r["article"] == "第八十七条")
    assert any(w.startswith("相似决定引用") for w in hit["why"])


# ---------------------------------------------------------------- scoping (attack)
def test_similar_never_shows_other_agencies_decisions(
    laws, agency_a, agency_b, handler_a, handler_b, supervisor
):
    secret = decided(
        agency_b,
        "暗管排污案",
        "通过暗管排放水污染物",
        fine=200000,
        basis="《中华人民共和国水污染防治法》第八十三条",
    )
    own = decided(agency_a, "暗管排污案（本局）", "通过暗管排放水污染物", fine=100000)
    for agency in (None, agency_a.pk):
        res = services.similar_decisions(handler_a, "暗管排放水污染物", agency=agency)
        assert [r["id"] for r in res if r["kind"] == "case"] == [own.pk]
    # the other agency's citation must not leak into article reasons either
    recs = services.recommend_articles(handler_a, "暗管排放水污染物")
    assert not any(f"#{secret.pk}" in w for r in recs for w in r["why"])
    # asking for the other agency explicitly is refused
    with pytest.raises(DomainError):
        services.similar_decisions(handler_a, "暗管排放水污染物", agency=agency_b.pk)
    # the supervisor sees both agencies below it
    ids = {r["id"] for r in services.similar_decisions(supervisor, "暗管排放水污染物")}
    assert {own.pk, secret.pk} <= ids


def test_api_endpoints(laws, agency_a, agency_b, handler_a, api_for, client):
    decided(agency_b, "暗管排污案", "通过暗管排放水污染物", fine=200000)
    own = decided(agency_a, "暗管排污案（本局）", "通过暗管排放水污染物", fine=100000)
    api = api_for(handler_a)
    r = api.post("/api/assist/articles/", {"facts": "通过暗管排放水污染物"}, format="json")
    assert r.status_code == 200
    body = r.json()["results"]
    assert len(body) >= 10 and {"law", "article", "score", "why"} <= set(body[0])
    assert not body[0]["law"].startswith("《")
    r = api.post("/api/assist/similar/", {"facts": "通过暗管排放水污染物"}, format="json")
    assert r.status_code == 200
    res = r.json()["results"]
    assert [x["id"] for x in res] == [own.pk]
    assert res[0]["fine"] == "100000.00" and res[0]["outcome"] == "给予行政处罚"
    assert api.post("/api/assist/similar/", {"facts": ""}, format="json").status_code == 400
    forged = api.post(
        "/api/assist/similar/", {"facts": "暗管", "agency": agency_b.pk}, format="json"
    )
    assert forged.status_code == 403
    assert client.post("/api/assist/articles/", {"facts": "x"}).status_code in (401, 403)


def test_index_rebuilds_when_corpus_changes(laws, handler_b, tmp_path):
    q = "独一无二的测试词语甲乙丙"
    assert not any(
        r["article"] == "第九十九条" and "测试条例" in r["law"]
        for r in services.recommend_articles(handler_b, q)
    )
    f = tmp_path / "测试条例(2025-01-01).md"
    f.write_text("# 测试条例\n\n第九十九条 独一无二的测试词语甲乙丙。\n", "utf-8")
    services.import_laws([f])
    assert services.recommend_articles(handler_b, q)[0]["law"] == "测试条例"


# ---------------------------------------------------------------- template tags
def test_template_tags_render(laws, agency_a, handler_a):
    case = decided(agency_a, "暗管排污", "通过暗管排放水污染物")
    other = decided(agency_a, "暗管排污二", "通过暗管排放水污染物，未取得排污许可证")
    request = RequestFactory().get("/")
    request.user = handler_a
    html = Template(
        "{% load assist_tags %}{% article_suggestions case %}{% similar_cases case %}"
        '{% article_text "中华人民共和国水污染防治法" "第八十三条" %}'
        '{% article_text "不存在的法" "第一条" %}'
    ).render(Context({"case": case, "request": request}))
    assert "推荐适用条款" in html and "《中华人民共和国水污染防治法》" in html
    assert "暗管排污二" in html and f'href="/cases/{case.pk}/"' not in html
    assert "未依法取得排污许可证排放水污染物的" in html
    assert "法规库中暂无该条文" in html
    assert other.pk


# ---------------------------------------------------------------- demo data
def test_demo_laws_cover_the_demo_catalogue_citations():
    """Every 《法》第X条 the demo catalogue cites is in data/laws/ when LawRefBook has the law."""
    from sanxiang.assist.demo import LAWS as DEMO_LAWS

    root = Path(__file__).resolve().parents[2] / "sanxiang" / "catalog"
    text = (root / "demo.py").read_text("utf-8")
    cited = {(corpus.law_key(t), n) for t, n in corpus.parse_citations(text)}
    have = {}
    for f in DEMO_LAWS.glob("*.md"):
        if f.name != "SOURCE.md":
            law = corpus.parse_law_file(f)
            have[corpus.law_key(law.title)] = {a.number for a in law.articles}
            assert corpus.source_lines(DEMO_LAWS)[f.name].startswith("LawRefBook/Laws @")
    missing = {(k, n) for k, n in cited if k in have and n not in have[k]}
    assert not missing
    # laws LawRefBook does not hold (a 部门规章 of 住建部) are the only ones left out
    assert {k for k, _n in cited} - set(have) <= {"城市建筑垃圾管理规定"}
