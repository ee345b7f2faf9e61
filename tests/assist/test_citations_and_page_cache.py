"""Citations written without 《》 are recognised (titles the corpus knows), and importing laws
drops the cached public decision pages that show the changed article text."""

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command

from sanxiang.assist import corpus, services
from sanxiang.core.fields import ActType, CaseActType, PartyType, PenaltyKind
from sanxiang.publicity import services as publicity

LAWS = Path(__file__).parent / "data" / "laws"
WATER = LAWS / "水污染防治法(2017-06-27).md"
ENV = LAWS / "环境保护法(2014-04-24).md"
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
KNOWN = ("中华人民共和国行政处罚法", "中华人民共和国环境保护法", "排污许可管理条例")


@pytest.fixture(autouse=True)
def _frozen_and_clean_cache():
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


# ---------------------------------------------------------------- citations without 《》
@pytest.mark.parametrize(
    "text,expected",
    [
        ("依据中华人民共和国行政处罚法第二十八条", [("中华人民共和国行政处罚法", "第二十八条")]),
        ("行政处罚法第二十八条第一款", [("中华人民共和国行政处罚法", "第二十八条")]),
        (
            "违反环境保护法（2014年修订）第四十二条、第四十五条和排污许可管理条例第三十三条",
            [
                ("中华人民共和国环境保护法", "第四十二条"),
                ("中华人民共和国环境保护法", "第四十五条"),
                ("排污许可管理条例", "第三十三条"),
            ],
        ),
        # quoted and bare citations together, in the order written, without duplicates
        (
            "依据《中华人民共和国行政处罚法》第三十二条及行政处罚法第二十八条、"
            "行政处罚法第三十二条",
            [
                ("中华人民共和国行政处罚法", "第三十二条"),
                ("中华人民共和国行政处罚法", "第二十八条"),
            ],
        ),
    ],
)
def test_bare_titles_known_to_the_corpus_are_citations(text, expected):
    assert corpus.parse_citations(text, known_titles=KNOWN) == expected


def test_bare_titles_need_the_corpus_and_a_word_boundary():
    # a title the corpus does not know is not guessed
    assert corpus.parse_citations("依据行政处罚法第二十八条") == []
    assert corpus.parse_citations("依据食品安全法第二十八条", known_titles=KNOWN) == []
    # 环境保护法 inside 海洋环境保护法 is not the 环境保护法
    assert corpus.parse_citations("违反海洋环境保护法第六条", known_titles=KNOWN) == []
    # a title mentioned without an article is no citation
    assert corpus.parse_citations("根据行政处罚法的精神", known_titles=KNOWN) == []


def test_services_parse_with_the_imported_titles(db):
    assert services.citations("依据水污染防治法第八十三条") == []
    services.import_laws([WATER])
    assert services.citations("依据水污染防治法第八十三条") == [
        ("中华人民共和国水污染防治法", "第八十三条")
    ]
    assert services.citations("依据中华人民共和国水污染防治法第八十三条第一项") == [
        ("中华人民共和国水污染防治法", "第八十三条")
    ]


# ---------------------------------------------------------------- public page cache
def _published(agency, handler, basis):
    pub = publicity.publish_decision(
        agency=agency,
        source_key="assist-test:1",
        category=ActType.PENALTY,
        case_act_type=CaseActType.PENALTY_GENERAL,
        decision_date=NOW.date(),
        document_number="测环罚决〔2026〕1号",
        parties=[
            {
                "party_type": PartyType.LEGAL_PERSON,
                "name": "测试县某化工有限公司",
                "usci": "91110108MA01ABCD0B",
                "legal_representative": "陈大勇",
                "address": "测试县城关镇兴业路8号",
                "phone": "0571-88880000",
            }
        ],
        title="通过暗管排放水污染物",
        outcome="给予行政处罚",
        full_text=[
            ("违法事实", "当事人通过暗管排放水污染物。"),
            ("处罚依据", basis),
        ],
        penalty={
            "kinds": [PenaltyKind.FINE],
            "fine": "100000",
            "violation_type": "通过暗管排放水污染物",
            "facts": "当事人通过暗管排放水污染物。",
            "basis": basis,
            "content": "罚款人民币100000元",
        },
        handler_ids=[handler.pk],
    )
    return publicity.confirm_publication(pub, handler)


def test_law_import_drops_cached_public_pages_citing_the_law(
    db, agency_a, handler_a, client, tmp_path
):
    services.import_laws([WATER, ENV])
    pub = _published(agency_a, handler_a, "依据水污染防治法第八十三条（bare title）")
    url = f"/gs/jd/{pub.pk}/"
    first = client.get(url)
    assert first.status_code == 200
    body = first.content.decode()
    assert "未依法取得排污许可证排放水污染物的" in body  # the cited article's text is shown
    # the same revision, its article text amended (a corrected copy of the file)
    amended = tmp_path / WATER.name
    shutil.copy(WATER, amended)
    text = amended.read_text("utf-8")
    assert "未依法取得排污许可证排放水污染物的" in text
    amended.write_text(
        text.replace(
            "未依法取得排污许可证排放水污染物的", "未依法取得排污许可证排放水污染物（修正文本）的"
        ),
        "utf-8",
    )
    call_command("laws", "import", str(amended), stdout=io.StringIO())
    again = client.get(url).content.decode()
    assert "（修正文本）" in again


def test_invalidation_reaches_only_pages_naming_the_changed_laws(db, agency_a, handler_a):
    services.import_laws([WATER, ENV])
    pub = _published(agency_a, handler_a, "依据《中华人民共和国水污染防治法》第八十三条")
    assert services.invalidate_public_pages({"水污染防治法"}) == 1
    assert services.invalidate_public_pages({"环境保护法"}) == 0
    assert pub.pk
