"""网上巡查 pages say who did what and which quarter in words (issue #13 items 8 and 9): the
sampler, the scorer and the issuer / reporter / closer of a 整改通知 read 「姓名（角色，账号
x）」; a quarter reads 「2026年第二季度」 on the pages, in the Excel export and on the
dashboard's charts, never 「26Q2」 nor 「第2季度」."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from sanxiang.org.models import Role
from sanxiang.patrol import services, trends
from sanxiang.patrol.labels import quarter_label
from tests.conftest import make_user

from .conftest import first, with_finding

pytestmark = pytest.mark.django_db

SUPERVISOR = "郑监督（监督人员，账号 supervisor）"


def test_quarter_label_in_words():
    assert quarter_label(2026, 4) == "2026年第四季度"
    assert [quarter_label(2027, q)[5:] for q in (1, 2, 3)] == ["第一季度", "第二季度", "第三季度"]


def test_round_and_item_name_the_sampler_and_scorer(client_for, sampled, supervisor, sfj):
    make_user("supervisor_2", Role.SUPERVISOR, sfj, "郑监督")  # same name, another account
    client = client_for(supervisor)
    page = client.get(f"/patrol/rounds/{sampled.pk}/").content.decode()
    assert f"（{SUPERVISOR}）" in page
    item = first(sampled)
    services.submit_item(item, supervisor, deductions={})
    page = client.get(f"/patrol/items/{item.pk}/").content.decode()
    assert f"由 {SUPERVISOR} 于" in page


def test_notice_names_issuer_reporter_and_closer(
    client_for, sampled, supervisor, agency_a, handler_a
):
    with_finding(sampled, supervisor, agency_a)
    notice = services.issue_notice(sampled, agency_a, supervisor, requirements="更正标题")
    notice = services.submit_report(notice, handler_a, report="已更正")
    services.accept_report(notice, supervisor)
    page = client_for(handler_a).get(f"/patrol/notices/{notice.pk}/").content.decode()
    assert page.count(f"（{SUPERVISOR}）") == 2  # 发出, 销号
    assert "（王执法（承办人，账号 handler_a））" in page


def test_quarter_in_words_on_pages_and_export(client_for, sampled, supervisor, agency_a):
    with_finding(sampled, supervisor, agency_a)
    services.issue_notice(sampled, agency_a, supervisor, requirements="更正标题")
    client = client_for(supervisor)
    for url in (f"/patrol/rounds/{sampled.pk}/", "/patrol/", "/patrol/notices/"):
        page = client.get(url).content.decode()
        assert "2026年第二季度" in page, url
        assert "第2季度（" not in page and "26Q2" not in page, url
    response = client.get("/patrol/notices/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "季度" in cells and "2026年第二季度" in cells


def test_dashboard_quarters_in_words(supervisor, sampled):
    for item in sampled.items.order_by("order"):
        services.submit_item(item, supervisor, deductions={})
    rows = trends.trends(supervisor, trends.quarters(dt.date(2026, 5, 20)))
    assert [r["short"] for r in rows] == [
        "2025年第三季度",
        "2025年第四季度",
        "2026年第一季度",
        "2026年第二季度",
    ]
    assert rows[-1]["label"] == "2026年第二季度" and rows[-1]["items"] == sampled.items.count()
