"""办案规范 per stage (assist/guidance.py) and the decision draft (assist/drafting.py)."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from sanxiang.assist import drafting, guidance
from sanxiang.catalog.models import (
    CatalogKind,
    CatalogVersion,
    Remedy,
    RemedyKind,
    ServiceGuide,
    TimeUnit,
    VersionStatus,
)
from sanxiang.discretion import services
from sanxiang.documents import services as documents

pytestmark = pytest.mark.django_db

LAW_FILE = (
    Path(__file__).resolve().parents[2] / "sanxiang/assist/data/laws/行政处罚法(2021-01-22).md"
)


# --------------------------------------------------------------------------- guidance


def test_article_numbers_are_those_of_the_2021_text():
    """Every step's article exists in the law and says what the step says it does."""
    if not LAW_FILE.exists():
        pytest.skip("reference text not available")
    text = LAW_FILE.read_text(encoding="utf-8")
    parts = re.split(r"^(第[一二三四五六七八九十百]+条)\s", text, flags=re.M)
    articles = dict(zip(parts[1::2], parts[2::2], strict=True))
    expect = {
        "第四十二条": "不得少于两人",
        "第四十四条": "告知当事人",
        "第四十五条": "陈述和申辩",
        "第五十一条": "当场作出",
        "第五十四条": "立案",
        "第五十五条": "出示执法证件",
        "第五十六条": "先行登记保存",
        "第五十七条": "调查终结",
        "第五十八条": "法制审核",
        "第五十九条": "行政处罚决定书",
        "第六十条": "九十日",
        "第六十一条": "七日内",
        "第六十二条": "第四十四条、第四十五条",
        "第六十三条": "听证",
        "第六十四条": "听证",
        "第六十七条": "分离",
        "第七十二条": "逾期不履行",
        "第七十三条": "不停止执行",
    }
    for number, words in expect.items():
        assert words in articles[number], number
    for table in (guidance.GENERAL, guidance.SIMPLE):
        for steps in table.values():
            for step in steps:
                for number in step.articles:
                    assert number in articles, number


def test_decision_stage_guidance_with_progress(case_a):
    g = guidance.stage_guidance(case_a)
    assert g["stage"] == "decision"
    titles = {s.title: s for s in g["steps"]}
    notice = next(s for s in g["steps"] if "告知" in s.title)
    assert notice.done is True  # the fixture's case was notified
    assert [a["number"] for a in notice.articles] == ["第四十四条"]
    assert "行政处罚事先告知书" in notice.documents
    assert any(a["number"] == "第五十八条" for s in titles.values() for a in s.articles)
    decision = next(s for s in g["steps"] if "行政处罚决定书" in s.documents)
    assert decision.done is False


def test_hearing_step_only_when_the_party_may_ask(case_a):
    assert not case_a.hearing_eligible
    g = guidance.stage_guidance(case_a)
    assert not any("听证" in s.title for s in g["steps"])
    case_a.hearing_eligible = True
    g = guidance.stage_guidance(case_a)
    assert any(a["number"] == "第六十四条" for s in g["steps"] for a in s.articles)


def test_article_text_from_the_corpus_when_present(case_a, monkeypatch):
    monkeypatch.setattr(
        guidance, "article_text", lambda law, number: f"{number} 原文" if "处罚法" in law else ""
    )
    g = guidance.stage_guidance(case_a)
    assert g["corpus"] is True
    notice = next(s for s in g["steps"] if "告知" in s.title)
    assert notice.articles[0]["text"] == "第四十四条 原文"


def test_article_text_through_the_assist_corpus(case_a):
    """The real lookup: import the law into assist's corpus, the guidance shows its text."""
    assist_services = pytest.importorskip("sanxiang.assist.services")
    if not LAW_FILE.exists() or not hasattr(assist_services, "import_laws"):
        pytest.skip("law corpus not available")
    assert guidance.article_text(guidance.LAW, "第四十四条") == ""
    assist_services.import_laws([LAW_FILE])
    text = guidance.article_text(guidance.LAW, "第四十四条")
    assert "告知当事人拟作出的行政处罚内容" in text
    notice = next(s for s in guidance.stage_guidance(case_a)["steps"] if "告知" in s.title)
    assert "告知当事人" in notice.articles[0]["text"]


def test_catalogue_guide_of_the_power(case_a, head_a):
    version = CatalogVersion.objects.create(
        agency=case_a.agency, kind=CatalogKind.GUIDES, number=1, created_by=head_a
    )
    ServiceGuide.objects.create(
        version=version,
        code="G-1",
        title="过期食品处罚办事指南",
        act_type="penalty",
        power_code="SJ-CF-001",
        steps="立案\n调查\n告知\n决定",
    )
    CatalogVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, effective_from=dt.date(2024, 1, 1)
    )
    g = guidance.stage_guidance(case_a)
    assert g["guide"]["title"] == "过期食品处罚办事指南"
    assert g["guide"]["steps"] == ["立案", "调查", "告知", "决定"]


def test_case_page_shows_guidance_and_discretion_panel(client_for, case_a, handler_a):
    resp = client_for(handler_a).get(reverse("cases:detail", args=[case_a.pk]))
    body = resp.content.decode()
    assert "办案规范 · 审查决定" in body
    assert "第四十四条" in body
    assert reverse("discretion:case", args=[case_a.pk]) in body


# --------------------------------------------------------------------------- drafting


@pytest.fixture
def remedies(sfj, admin_user):
    version = CatalogVersion.objects.create(
        agency=sfj, kind=CatalogKind.REMEDIES, number=1, created_by=admin_user
    )
    Remedy.objects.create(
        version=version,
        code="R1",
        kind=RemedyKind.RECONSIDERATION,
        body="测试县人民政府",
        time_limit=60,
        time_unit=TimeUnit.DAYS,
    )
    Remedy.objects.create(
        version=version,
        code="R2",
        kind=RemedyKind.LITIGATION,
        body="测试县人民法院",
        time_limit=6,
        time_unit=TimeUnit.MONTHS,
    )
    CatalogVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, effective_from=dt.date(2024, 1, 1)
    )


def test_decision_draft_starts_from_the_case(case_a, handler_a, tier, remedies):
    services.record_assessment(case_a, handler_a, tier=tier)
    doc = documents.create_draft(case_a, "penalty_decision", {}, handler_a)
    c = doc.content
    assert c["facts"] == "当事人销售过期食品12袋。"  # as notified
    assert c["violated_provisions"] == "违反食品安全法第三十四条。"
    assert (
        c["legal_basis"] == "《中华人民共和国食品安全法》第一百二十四条"
    )  # read inline: 依据…的规定
    assert "“一般”档次（处2000元以上6000元以下罚款）" in c["penalty"]
    assert "SP-124-1" in c["penalty"] and "5,000.00" in c["penalty"]
    assert "六十日内依法向测试县人民政府申请行政复议" in c["remedies"]
    assert "六个月内依法向测试县人民法院提起行政诉讼" in c["remedies"]


def test_decision_draft_reason_of_a_flagged_fine_is_in_the_penalty(case_a, handler_a, tier):
    from sanxiang.cases.models import Case

    Case.objects.filter(pk=case_a.pk).update(proposed_fine=Decimal("7000"))
    case_a.refresh_from_db()
    services.record_assessment(case_a, handler_a, tier=tier, reason="多次违法")
    data = documents.prefill(case_a, "penalty_decision")
    assert "并考虑以下情节：多次违法" in data["penalty"]
    # no remedies catalogue: the generic sentence stays
    assert "六十日内" in data["remedies"]


def test_accepted_articles_are_cited(case_a, monkeypatch):
    """Each accepted citation goes into the field it was accepted for (assist.services)."""
    accepted = {
        "violated_provisions": ["《中华人民共和国食品安全法》第三十四条第十项"],
        "legal_basis": ["《中华人民共和国食品安全法》第一百二十四条第一款"],
    }
    monkeypatch.setattr(
        drafting,
        "accepted_articles",
        lambda case, field=None: accepted.get(field, []) if field else sum(accepted.values(), []),
    )
    data = documents.prefill(case_a, "penalty_decision")
    assert "第三十四条第十项" in data["violated_provisions"]
    assert "第一百二十四条" not in data["violated_provisions"]
    assert data["legal_basis"].startswith("《中华人民共和国食品安全法》第一百二十四条第一款")
    assert "第三十四条第十项" not in data["legal_basis"]


def test_cn_number():
    assert [drafting.cn_number(n) for n in (6, 15, 60, 105, 180)] == [
        "六",
        "十五",
        "六十",
        "一百零五",
        "一百八十",
    ]


# --------------------------------------------------------------------------- assist wiring


def test_assist_panels_on_case_page_decision_form_and_submit_form(client_for, case_a, head_a):
    client = client_for(head_a)
    body = client.get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    assert "assist-similar" in body or "相似" in body
    body = client.get(reverse("cases:action", args=[case_a.pk, "decide"])).content.decode()
    assert "推荐适用条款" in body
    body = client.get(reverse("review:submit", args=[case_a.pk])).content.decode()
    assert "推荐适用条款" in body


# --------------------------------------------------------------------------- cited article text

FOOD_LAW = LAW_FILE.parent / "食品安全法(2021-04-29).md"
ART_124 = "尚不构成犯罪的，由县级以上人民政府食品安全监督管理部门没收违法所得"


def test_cited_articles_tag_shows_the_text_and_hides_misses_on_public_pages():
    from django.template import Context, Template

    from sanxiang.assist import services as assist_services

    assist_services.import_laws([FOOD_LAW])
    sections = [
        ("违反的法律规定", "《中华人民共和国食品安全法》第三十四条第（十）项"),
        ("行政处罚的依据", "《中华人民共和国食品安全法》第一百二十四条、《某某条例》第九条"),
    ]
    tpl = "{% load assist_tags %}{% cited_articles sections heading='引用' public=p %}"
    staff = Template(tpl).render(Context({"sections": sections, "p": False}))
    assert ART_124 in staff and "第三十四条" in staff
    assert "《某某条例》第九条" in staff and "法规库中暂无该条文" in staff
    public = Template(tpl).render(Context({"sections": sections, "p": True}))
    assert ART_124 in public and "某某条例" not in public
    assert (
        Template(tpl).render(Context({"sections": [("事实", "无引用")], "p": True})).strip() == ""
    )


def test_reviewer_sees_the_text_of_the_articles_the_draft_cites(client_for, steps, reviewer_a):
    from sanxiang.assist import services as assist_services

    assist_services.import_laws([FOOD_LAW])
    review = steps.submitted()
    assert "第一百二十四条" in review.draft_snapshot["content"]["legal_basis"]
    page = client_for(reviewer_a).get(f"/review/{review.pk}/").content.decode()
    assert "代拟稿引用的条文" in page and ART_124 in page
    assert 'class="assist-similar"' in page  # similar decisions shown to the reviewer too


def test_decision_form_shows_the_text_of_the_draft_citations(client_for, case_a, draft_a, head_a):
    from sanxiang.assist import services as assist_services

    assist_services.import_laws([FOOD_LAW])
    body = client_for(head_a).get(reverse("cases:action", args=[case_a.pk, "decide"]))
    body = body.content.decode()
    assert "本案决定书引用的条文" in body and ART_124 in body


def test_public_decision_page_shows_the_cited_articles_text():
    from django.template.loader import render_to_string

    from sanxiang.assist import services as assist_services
    from sanxiang.publicity.models import Snapshot

    assist_services.import_laws([FOOD_LAW])
    snap = Snapshot(
        agency_name="测试县市场监督管理局",
        decision_date=dt.date(2026, 11, 20),
        conclusion="罚款五万元。",
        full_text=[["行政处罚的依据", "《中华人民共和国食品安全法》第一百二十四条"]],
    )
    html = render_to_string("publicity/public/_decision_body.html", {"snap": snap})
    assert "引用的法律条文" in html and ART_124 in html
