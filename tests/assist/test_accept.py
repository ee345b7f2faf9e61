"""Accepting a suggested article (issue #14 item 1): citation form, the 决定书 draft, record."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.template import Context, Template
from django.test import Client, RequestFactory

from sanxiang.assist import services
from sanxiang.assist.models import AcceptedArticle, Article
from sanxiang.cases.models import Case, CaseSource
from sanxiang.core.errors import DomainError
from sanxiang.core.fields import CaseActType, EnforcementField
from sanxiang.documents import services as documents
from sanxiang.documents.models import DocumentKind
from sanxiang.ledger.models import Leaf

LAWS = Path(__file__).parent / "data" / "laws"
WATER = LAWS / "水污染防治法(2017-06-27).md"
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
WATER_TITLE = "中华人民共和国水污染防治法"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def laws(db):
    services.import_laws([WATER])


@pytest.fixture
def case(agency_a):
    return Case.objects.create(
        agency=agency_a,
        act_type=CaseActType.PENALTY_GENERAL,
        number="A1",
        title="饮用水水源保护区设置排污口案",
        facts="在饮用水水源保护区内设置排污口",
        field=EnforcementField.ENVIRONMENT,
        region="测试县",
        source=CaseSource.INSPECTION,
    )


def art(number):
    return Article.objects.get(law__key="水污染防治法", number=number)


def test_citation_form():
    assert (
        services.citation("中华人民共和国行政处罚法", "第28条", 1)
        == "《中华人民共和国行政处罚法》第二十八条第一款"
    )
    assert services.citation("《测试法》", "第十条") == "《测试法》第十条"
    assert services.article_paragraphs("甲：\n（一）a；\n（二）b。\n乙。") == [
        "甲：\n（一）a；\n（二）b。",
        "乙。",
    ]


def test_accept_is_recorded_and_fills_a_later_draft(laws, case, handler_a):
    row = services.accept_article(handler_a, case, art("第八十四条").pk, "violated_provisions", 2)
    assert row.citation == f"《{WATER_TITLE}》第八十四条第二款"
    assert (row.actor, row.case, row.document_id) == (handler_a, case, None)
    assert row.at == NOW and "设置排污口" in row.article_text
    services.accept_article(handler_a, case, art("第八十四条").pk, "legal_basis")
    # accepting the same citation twice records nothing new
    again = services.accept_article(handler_a, case, art("第八十四条").pk, "violated_provisions", 2)
    assert again.pk == row.pk and AcceptedArticle.objects.count() == 2
    doc = documents.create_draft(case, DocumentKind.PENALTY_DECISION, {}, handler_a)
    assert f"《{WATER_TITLE}》第八十四条第二款" in doc.content["violated_provisions"]
    assert doc.content["legal_basis"].startswith(f"《{WATER_TITLE}》第八十四条")


def test_accept_writes_into_the_open_draft_and_withdraw_removes(laws, case, handler_a):
    doc = documents.create_draft(
        case, DocumentKind.PENALTY_DECISION, {"violated_provisions": "《某法》第一条"}, handler_a
    )
    row = services.accept_article(handler_a, case, art("第八十四条").pk, "violated_provisions", 1)
    doc.refresh_from_db()
    cite = f"《{WATER_TITLE}》第八十四条第一款"
    assert doc.content["violated_provisions"] == f"《某法》第一条、{cite}"
    assert row.document_id == doc.pk
    services.withdraw_acceptance(handler_a, case, row.pk)
    doc.refresh_from_db()
    assert doc.content["violated_provisions"] == "《某法》第一条"
    assert services.accepted_articles(case) == []
    with pytest.raises(DomainError):
        services.withdraw_acceptance(handler_a, case, row.pk)


def test_accept_refusals(laws, case, handler_a, handler_b, reviewer_a):
    with pytest.raises(DomainError, match="共有3款"):
        services.accept_article(handler_a, case, art("第八十四条").pk, "legal_basis", 4)
    with pytest.raises(DomainError):
        services.accept_article(handler_a, case, art("第八十四条").pk, "title")
    with pytest.raises(DomainError):
        services.accept_article(handler_a, case, 999999, "legal_basis")
    # other agency, wrong role
    for user in (handler_b, reviewer_a):
        with pytest.raises(DomainError):
            services.accept_article(user, case, art("第八十四条").pk, "legal_basis")
    case.decision_at = NOW
    with pytest.raises(DomainError, match="已作出处理决定"):
        services.accept_article(handler_a, case, art("第八十四条").pk, "legal_basis")
    assert not AcceptedArticle.objects.exists()


def test_accept_over_http_without_js(laws, case, handler_a, handler_b, client_for):
    a = art("第八十四条")
    url = f"/assist/cases/{case.pk}/accept/?next=/cases/{case.pk}/"
    body = {"assist_accept": f"{a.pk}:legal_basis", f"assist_paragraph_{a.pk}": "3"}
    # another agency's handler: the case is not in their scope — refused in Chinese
    r = client_for(handler_b).post(url, body)
    assert r.status_code == 403 and "不属于您所在的机关" in r.content.decode()
    missing = client_for(handler_a).post(f"/assist/cases/{case.pk + 999}/accept/", body)
    assert missing.status_code == 403
    assert not AcceptedArticle.objects.exists()
    # without the CSRF token the POST is refused
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(handler_a, backend="django.contrib.auth.backends.ModelBackend")
    assert strict.post(url, body).status_code == 403
    assert not AcceptedArticle.objects.exists()
    r = client_for(handler_a).post(url, body)
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.pk}/"
    assert AcceptedArticle.objects.get().citation == f"《{WATER_TITLE}》第八十四条第三款"
    # an off-site next is ignored
    r = client_for(handler_a).post(
        f"/assist/cases/{case.pk}/accept/?next=https://evil.example/", body
    )
    assert r["Location"] == f"/cases/{case.pk}/"
    assert client_for(handler_a).get(url).status_code == 405


def test_accept_answers_the_panel_as_json_for_the_script(laws, case, handler_a, client_for):
    a = art("第八十四条")
    page = f"/cases/{case.pk}/act/decide/"
    url = f"/assist/cases/{case.pk}/accept/?next={page}"
    c = client_for(handler_a)
    r = c.post(url, {"assist_accept": f"{a.pk}:legal_basis"}, HTTP_ACCEPT="application/json")
    body = r.json()
    assert r.status_code == 200 and body["ok"] and "已采纳" in body["message"]
    assert 'class="assist-accepted"' in body["html"] and "第八十四条" in body["html"]
    # the re-rendered buttons still lead back to the page, not to the accept view
    assert f"next=%2Fcases%2F{case.pk}%2Fact%2Fdecide%2F" in body["html"]
    bad = c.post(url, {"assist_accept": f"{a.pk}:title"}, HTTP_ACCEPT="application/json").json()
    assert bad["ok"] is False and "请选择填入" in bad["message"]
    # nothing is left behind for the next page load (the message was in the panel)
    assert "已采纳" not in c.get(f"/cases/{case.pk}/").content.decode()


def test_accept_and_withdraw_are_ledgered(laws, case, handler_a):
    row = services.accept_article(handler_a, case, art("第八十四条").pk, "legal_basis", 1)
    back = services.withdraw_acceptance(handler_a, case, row.pk)
    leaves = [
        leaf
        for leaf in Leaf.objects.filter(subject=case.subject).order_by("index")
        if "assist" in leaf.payload
    ]
    assert [leaf.payload["assist"] for leaf in leaves] == ["article_accept", "article_withdraw"]
    first, second = (leaf.payload for leaf in leaves)
    assert first["acceptance"] == row.pk and first["citation"] == row.citation
    assert first["field"] == "legal_basis" and leaves[0].actor_id == handler_a.pk
    assert second["acceptance"] == back.pk and second["withdraws"] == row.pk


def test_accept_record_is_append_only(laws, case, handler_a):
    row = services.accept_article(handler_a, case, art("第八十四条").pk, "legal_basis")
    table = AcceptedArticle._meta.db_table
    for sql in (f"UPDATE {table} SET citation = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql)
    row.refresh_from_db()
    assert row.citation.endswith("第八十四条")


def test_panel_shows_accept_buttons_only_to_who_may_write(laws, case, handler_a, reviewer_a):
    services.accept_article(handler_a, case, art("第八十四条").pk, "legal_basis")

    def render(user, tpl):
        request = RequestFactory().get(f"/cases/{case.pk}/")
        request.user = user
        return Template("{% load assist_tags %}" + tpl).render(
            Context({"case": case, "request": request})
        )

    html = render(handler_a, "{% article_suggestions case %}")
    assert 'name="assist_accept"' in html and "formaction=" in html and "<form" not in html
    assert "已采纳" in html and "第八十四条" in html and 'name="assist_withdraw"' in html
    standalone = render(handler_a, "{% article_suggestions case 5 False %}")
    assert "<form" in standalone and "formaction=" not in standalone
    ro = render(reviewer_a, "{% article_suggestions case %}")
    assert "推荐适用条款" in ro and 'name="assist_accept"' not in ro
