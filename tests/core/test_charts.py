"""The supervisor's dashboard (issue #13 item 6): server-side SVG charts with their tables
and drill-down links; hashes shortened on the case page (item 11)."""

import datetime as dt
import io

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from sanxiang.cases.models import Case, Stage
from sanxiang.core.charts import Series, bar_chart, legend
from sanxiang.core.templatetags.hashes import shorthash
from tests.evaluation.conftest import closed_case

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_bar_chart_is_accessible_svg_with_links_and_escaped_labels():
    svg = bar_chart(
        ["<甲>", "乙"],
        [Series("立案", [3, 0]), Series("结案", [1, 7])],
        title="测试图",
        link=lambda si, ci: f"/cases/?s={si}&c={ci}",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg
    assert "&lt;甲&gt;" in svg and "<甲>" not in svg
    assert 'href="/cases/?s=1&amp;c=1"' in svg
    assert "乙 · 结案：7" in svg
    assert "<script" not in svg
    horizontal = bar_chart(["市场监管局"], [Series("同意", [2])], title="t", horizontal=True)
    assert "市场监管局" in horizontal and "<a " not in horizontal
    assert 'class="swatch s1"' in legend([Series("a", []), Series("b", [])])


def _label_lines(svg):
    """[(full name, [lines])] of the category labels."""
    import re

    return [
        (full, re.findall(r"<tspan[^>]*>([^<]*)</tspan>", spans))
        for full, spans in re.findall(
            r'<text class="cat"[^>]*><title>([^<]*)</title>(.*?)</text>', svg
        )
    ]


def test_long_names_wrap_instead_of_being_cut_to_stubs():
    """Role walk (#13): names were cut to 7 characters (「1. 行政执法…」)."""
    names = ["县市场监管局", "青禾县综合行政执法局城关执法中队"]
    svg = bar_chart(names, [Series("同意", [2, 3])], title="t", horizontal=True)
    (short, [one]), (full, lines) = _label_lines(svg)
    assert (short, one) == ("县市场监管局", "县市场监管局")
    assert full == names[1] and len(lines) == 2 and "".join(lines) == names[1]
    assert "…" not in svg


def test_names_too_long_to_sit_beside_the_bars_go_above_them_whole():
    rule = "15. 已公示的执法决定被撤销、确认违法或责令重作（被纠错）"
    svg = bar_chart([rule], [Series("新增", [2])], title="t", horizontal=True, width=400)
    [(full, lines)] = _label_lines(svg)
    assert full == rule and "".join(lines) == rule
    assert 'text-anchor="start"' in svg  # written above the bars, from the left edge


def test_only_what_two_full_lines_cannot_hold_is_elided_with_the_name_as_tooltip():
    name = "很长的名称" * 30
    svg = bar_chart([name], [Series("a", [1])], title="t", horizontal=True, width=400)
    [(full, lines)] = _label_lines(svg)
    assert full == name and len(lines) == 2 and lines[1].endswith("…")
    assert len("".join(lines)) > 40  # two full lines, not a stub


def test_vertical_chart_has_a_legible_horizontal_twin_for_phones():
    months = [f"{m}月" for m in range(1, 13)]
    svg = bar_chart(
        months, [Series("立案", list(range(12)))], title="t", link=lambda s, c: f"/c/?m={c}"
    )
    assert svg.count("<svg") == 2
    assert 'class="chart vbar has-twin"' in svg and 'class="chart hbar twin"' in svg
    wide, twin = svg.split("</svg>")[:2]
    assert [f for f, _l in _label_lines(wide)] == months == [f for f, _l in _label_lines(twin)]
    assert 'href="/c/?m=11"' in wide and 'href="/c/?m=11"' in twin
    assert 'width="360"' in twin  # drawn for a 390 px phone, not shrunk from 640


def test_bar_chart_without_data_draws_empty_axes():
    svg = bar_chart([], [], title="空")
    assert svg.startswith("<svg") and "空" in svg


@pytest.fixture
def figures(agency_a, agency_b):
    with time_machine.travel(NOW, tick=False):
        for n, opened, closed in ((1, 3, 5), (2, 3, None), (3, 5, 5)):
            c = closed_case(
                agency_a,
                n,
                closed_on=dt.date(2026, closed, 10) if closed else None,
                stage=Stage.ARCHIVED if closed else Stage.EXECUTION,
            )
            Case.objects.filter(pk=c.pk).update(
                opened_at=timezone.make_aware(dt.datetime(2026, opened, 2, 9))
            )
        c = closed_case(agency_b, 1, closed_on=None, stage=Stage.EXECUTION)
        Case.objects.filter(pk=c.pk).update(
            opened_at=timezone.make_aware(dt.datetime(2026, 6, 1, 9))
        )
        yield


def test_dashboard_shows_charts_tables_and_drill_down(figures, client_for, supervisor, agency_a):
    with time_machine.travel(NOW, tick=False):
        response = client_for(supervisor).get("/workbench/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    # 5 + the 5 supervision charts (issue #15); the 5 vertical ones have a phone twin
    assert html.count('<svg class="chart ') == 15 and html.count("chart vbar has-twin") == 5
    ctx = response.context
    march = next(m for m in ctx["by_month"] if m["label"] == "2026年3月")
    may = next(m for m in ctx["by_month"] if m["label"] == "2026年5月")
    assert (march["opened"], march["closed"], may["opened"], may["closed"]) == (2, 0, 1, 2)
    assert march["opened_url"] == "/cases/?date_from=2026-03-01&date_to=2026-03-31"
    assert "date_on=closed" in may["closed_url"]
    row = next(r for r in ctx["rows"] if r["agency"] == agency_a)
    assert (row["opened"], row["closed"]) == (3, 2)
    assert f"/cases/?agency={agency_a.pk}" in row["urls"]["cases"]
    # the drill-down link opens the list with exactly those rows
    with time_machine.travel(NOW, tick=False):
        listed = client_for(supervisor).get(march["opened_url"] + "&format=xlsx")
    rows = list(
        load_workbook(io.BytesIO(listed.content)).active.iter_rows(min_row=4, values_only=True)
    )
    assert len(rows) == 2
    # the table is the fallback for the charts: every agency has a row
    assert "市场监管局" in html and "生态环境分局" in html and "各执法机关数据表" in html


def test_dashboard_is_for_supervisors_only(client_for, handler_a, head_a):
    for user in (handler_a, head_a):
        response = client_for(user).get("/workbench/dashboard/")
        assert response.status_code == 403


def test_dashboard_in_supervisor_navigation(client_for, supervisor, handler_a):
    assert "/workbench/dashboard/" in client_for(supervisor).get("/workbench/").content.decode()
    assert (
        'href="/workbench/dashboard/"'
        not in client_for(handler_a).get("/workbench/").content.decode()
    )


def test_dashboard_query_count_does_not_grow_with_agencies(
    figures, client_for, supervisor, django_assert_max_num_queries
):
    client = client_for(supervisor)
    client.get("/workbench/dashboard/")
    # 30 + 10 for the supervision of issue #15 (trends: alerts 3, patrol 2, appeals 1;
    # per agency: alerts 1, patrol 2, appeals 1)
    with django_assert_max_num_queries(40):
        assert client.get("/workbench/dashboard/").status_code == 200


def test_shorthash_shows_12_characters_with_the_full_value_in_details():
    digest = "ab" * 32
    html = shorthash(f"已入账本 #12 · SHA-256 {digest} <b>")
    assert "abababababab…" in html and f'<code class="hash">{digest}</code>' in html
    assert "<details" in html and "&lt;b&gt;" in html
    assert shorthash("已入账本 #3") == "已入账本 #3"
