"""The public portal /gs/: snapshots only, redaction, withdrawal, cache, search, exports."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.urls import reverse

import sanxiang.publicity
from sanxiang.core.fields import ActType
from sanxiang.org import services as org
from sanxiang.publicity import services

from .conftest import COMPANY_USCI, PERSON_ID, company, person, publish, published

pytestmark = pytest.mark.django_db


def _model_imports(module):
    import ast

    tree = ast.parse(Path(sanxiang.publicity.__file__).with_name(module).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("models"):
            if node.level == 1 or (node.module or "").startswith("sanxiang.publicity"):
                names |= {a.name for a in node.names}
        if isinstance(node, ast.ImportFrom) and (
            (node.level == 1 and (node.module or "").split(".")[0] == "services")
            or (node.module or "").startswith("sanxiang.publicity.services")
        ):
            names.add("services")  # the services package or one of its modules
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None:
            names |= {a.name for a in node.names if a.name == "services"}
    return names


def test_public_code_never_reads_workbench_models():
    """Public views, the open-data API, exports and serializers import snapshot models only."""
    allowed = {"Snapshot", "SnapshotState", "PortalPage", "PageStatus", "AnnualReport"}
    for module in ("public_views.py", "api.py", "exports.py", "serializers.py", "search.py"):
        names = _model_imports(module)
        assert names <= allowed, (module, names - allowed)


def test_decision_page_shows_only_redacted_snapshot(client, agency_a, handler_a):
    pub = published(agency_a, handler_a, parties=[person(), company()])
    r = client.get(reverse("gs:decision", args=[pub.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "张某某" in html and "测试县好味食品有限公司" in html and COMPANY_USCI in html
    for secret in ("张三丰", PERSON_ID, "13912345678", "人民路1号"):
        assert secret not in html
    assert "/api/ledger/proofs/inclusion/?index=" in html
    assert "决定书全文" in html


def test_unconfirmed_preview_is_not_reachable(client, agency_a):
    pub = publish(agency_a)
    assert client.get(reverse("gs:decision", args=[pub.pk])).status_code == 404
    assert client.get(reverse("publicity_api:decision", args=[pub.pk])).status_code == 404
    assert client.get(reverse("publicity_api:decisions")).json()["count"] == 0
    assert pub.document_number not in client.get(reverse("gs:decisions")).content.decode()


def test_decision_page_cached_and_invalidated_on_withdrawal(
    client, agency_a, handler_a, head_a, django_assert_num_queries
):
    pub = published(agency_a, handler_a)
    url = reverse("gs:decision", args=[pub.pk])
    assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200 and "测试县好味食品有限公司" in again.content.decode()
    services.withdraw_publication(pub, kind="revoked", reason="经行政复议决定撤销", actor=head_a)
    html = client.get(url).content.decode()
    assert "撤下公告" in html and "经行政复议决定撤销" in html
    assert "违法事实" not in html


def test_search_page_cached_and_renewed_by_every_publication_change(
    client, agency_a, handler_a, head_a, django_assert_max_num_queries
):
    """Search pages are cached (issue #12 throughput) under the publication generation: a
    repeat costs no query, and a withdrawal or a new publication shows at once."""
    pub = published(agency_a, handler_a, title="销售过期食品")
    url = reverse("gs:decisions") + "?q=过期"
    assert pub.document_number in client.get(url).content.decode()
    with django_assert_max_num_queries(0):
        assert pub.document_number in client.get(url).content.decode()
    other = published(agency_a, handler_a, title="销售过期饮料")
    assert other.document_number in client.get(url).content.decode()
    services.withdraw_publication(pub, kind="revoked", reason="经行政复议决定撤销", actor=head_a)
    html = client.get(url).content.decode()
    assert pub.document_number not in html and other.document_number in html


def test_correction_invalidates_cache_and_shows_history(client, agency_a, handler_a, head_a):
    pub = published(agency_a, handler_a)
    url = reverse("gs:decision", args=[pub.pk])
    client.get(url)
    services.correct_publication(
        pub, changes={"conclusion": "更正后的结论"}, note="笔误", actor=head_a
    )
    html = client.get(url).content.decode()
    assert "更正后的结论" in html and "更正记录" in html
    old = client.get(reverse("gs:decision_version", args=[pub.pk, 1]))
    assert old.status_code == 200 and "历史版本" in old.content.decode()


def test_expired_page_is_gone(client, agency_a, handler_a, head_a):
    pub = published(agency_a, handler_a)
    services.remove_early(pub, reason="信用修复", actor=head_a)
    assert client.get(reverse("gs:decision", args=[pub.pk])).status_code == 410


def test_search_filters_ranking_and_pagination(client, agency_a, agency_b, handler_a, handler_b):
    published(agency_a, handler_a, title="销售过期食品", full_text=[("事实", "过期 过期 过期食品")])
    published(
        agency_a, handler_a, title="无证经营", full_text=[("事实", "无证经营，另有过期食品一件")]
    )
    published(
        agency_b,
        handler_b,
        title="超标排放",
        parties=[company(name="某某化工有限公司", usci="")],
        full_text=[("事实", "废气超标排放")],
    )
    r = client.get(reverse("gs:decisions"), {"q": "过期食品"})
    html = r.content.decode()
    assert "共 2 条" in html
    assert html.index("销售过期食品") < html.index("无证经营")
    assert (
        "共 1 条" in client.get(reverse("gs:decisions"), {"agency": agency_b.pk}).content.decode()
    )
    assert "共 1 条" in client.get(reverse("gs:decisions"), {"party": "化工"}).content.decode()
    assert "共 2 条" in client.get(reverse("gs:decisions"), {"usci": COMPANY_USCI}).content.decode()
    api = client.get(reverse("publicity_api:decisions"), {"q": "排放", "page_size": 1}).json()
    assert api["count"] == 1 and api["results"][0]["target_name"] == "某某化工有限公司"
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    assert "共 0 条" in client.get(reverse("gs:decisions"), {"from": future}).content.decode()


def test_credential_check(client, officer_a1, head_a):
    cert = officer_a1.certificates.get()
    r = client.get(reverse("gs:credential", args=[cert.number]))
    html = r.content.decode()
    assert r.status_code == 200 and "有效" in html and officer_a1.name in html
    assert officer_a1.agency.name in html and "市场监管" in html
    org.change_certificate_status(cert, "revoke", reason="违法执法", actor=None)
    html = client.get(reverse("gs:credential", args=[cert.number])).content.decode()
    assert "已吊销" in html and "不得以此证件从事行政执法" in html
    assert client.get(reverse("gs:credential", args=["NOPE-1"])).status_code == 404
    qr = client.get(reverse("gs:credential_qr", args=[cert.number]))
    assert qr["Content-Type"].startswith("image/svg+xml") and b"<svg" in qr.content
    assert client.get(reverse("gs:credential_search"), {"number": cert.number}).status_code == 302


def test_expired_certificate_says_so(client, handler_a):
    from tests.conftest import make_officer

    officer = make_officer(
        handler_a, "market", "OLD-0001", issued=dt.date(2015, 1, 1), expires=dt.date(2020, 1, 1)
    )
    html = client.get(reverse("gs:credential", args=["OLD-0001"])).content.decode()
    assert officer.name in html and "已过期" in html


def test_feed_lists_new_and_withdrawn(client, agency_a, handler_a, head_a):
    a = published(agency_a, handler_a)
    b = published(agency_a, handler_a)
    services.withdraw_publication(b, kind="confirmed_illegal", reason="判决确认违法", actor=head_a)
    xml = client.get(reverse("gs:feed")).content.decode()
    assert "<feed" in xml and a.document_number in xml and "【已撤下】" in xml


def test_exports_penalty_csv_and_xlsx(client, agency_a, handler_a):
    published(agency_a, handler_a, parties=[person()])
    published(agency_a, handler_a)
    r = client.get(reverse("gs:export", args=["penalty", "csv"]))
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    for col in (
        "行政相对人名称",
        "行政相对人代码_1(统一社会信用代码)",
        "罚款金额（万元）",
        "公示截止期",
    ):
        assert col in header
    data = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    natural = next(d for d in data if d["行政相对人类别"] == "自然人")
    assert natural["行政相对人名称"] == "张某某" and natural["证件号码"] == ""
    org_row = next(d for d in data if d["行政相对人类别"] == "法人及非法人组织")
    assert org_row["行政相对人代码_1(统一社会信用代码)"] == COMPANY_USCI
    assert org_row["罚款金额（万元）"] == "5" and org_row["法定代表人"] == "陈大勇"
    assert PERSON_ID not in text
    x = client.get(reverse("gs:export", args=["licensing", "xlsx"]))
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(x.content))
    assert "行政许可决定文书号" in [c.value for c in next(wb.active.iter_rows())]


def test_licensing_export(client, agency_a, handler_a):
    published(
        agency_a,
        handler_a,
        category=ActType.LICENSING,
        case_act_type="licensing",
        penalty=None,
        licensing={
            "name": "食品经营许可证",
            "licence_number": "JY13399990000001",
            "valid_to": "2031-06-30",
        },
    )
    text = b"".join(client.get(reverse("gs:export", args=["licensing", "csv"])).streaming_content)
    assert "JY13399990000001" in text.decode("utf-8-sig") and "2031-06-30" in text.decode(
        "utf-8-sig"
    )


def test_api_is_public_and_withdrawn_list(client, agency_a, handler_a, head_a):
    pub = published(agency_a, handler_a)
    assert client.get(reverse("publicity_api:decision", args=[pub.pk])).json()["document_number"]
    services.withdraw_publication(pub, kind="revoked", reason="撤销", actor=head_a)
    assert client.get(reverse("publicity_api:decision", args=[pub.pk])).status_code == 404
    w = client.get(reverse("publicity_api:withdrawn")).json()
    assert w["count"] == 1 and w["results"][0]["withdrawal_reason"] == "撤销"


def test_home_ledger_and_reports_pages_render(client, agency_a, handler_a):
    published(agency_a, handler_a)
    for name in ("gs:home", "gs:ledger", "gs:reports", "gs:agencies", "gs:credential_search"):
        r = client.get(reverse(name))
        assert r.status_code == 200, name
        html = r.content.decode()
        assert "style=" not in html and "<script" not in html


def test_very_common_words_are_capped_and_newest_first(client, agency_a, handler_a, monkeypatch):
    from sanxiang.publicity import search as search_mod

    monkeypatch.setattr(search_mod, "RANK_CAP", 2)
    for n in range(3):
        published(agency_a, handler_a, decision_date=dt.date(2026, 6, 1 + n))
    result = search_mod.search_page(search_mod.Filters(q="保质期"))
    if search_mod.is_postgres():
        assert result.capped and not result.ranked
        assert [r.decision_date.day for r in result.rows] == [3, 2, 1]
        assert "超过 2 条" in client.get(reverse("gs:decisions"), {"q": "保质期"}).content.decode()
    else:
        assert result.total == 3 and result.ranked


@pytest.mark.postgres_only
def test_postgres_search_uses_the_gin_index(agency_a, handler_a):
    from django.db import connection

    from sanxiang.publicity import search as search_mod

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    published(agency_a, handler_a)
    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        cur.execute(
            "EXPLAIN SELECT id FROM publicity_snapshot WHERE " + search_mod.PG_MATCH, ["保质期"]
        )
        plan = "\n".join(r[0] for r in cur.fetchall())
        cur.execute("SET enable_seqscan = on")
    assert "pub_snap_vector" in plan


def test_common_words_walk_newest_first_and_fall_back(agency_a, handler_a, monkeypatch):
    from sanxiang.publicity import search as search_mod

    if not search_mod.is_postgres():
        pytest.skip("PostgreSQL strategy")
    for n in range(3):
        published(agency_a, handler_a, decision_date=dt.date(2026, 6, 1 + n))
    monkeypatch.setattr(search_mod, "_is_common", lambda tsq: True)  # every query looks common
    r = search_mod.search_page(search_mod.Filters(q="保质期"), per_page=2)
    assert [x.decision_date.day for x in r.rows] == [3, 2] and r.capped and r.total == 3
    r2 = search_mod.search_page(search_mod.Filters(q="保质期"), page=2, per_page=2)
    assert [x.decision_date.day for x in r2.rows] == [1]
    monkeypatch.setattr(search_mod, "_newest_first", lambda *a: None)  # walk timed out
    r3 = search_mod.search_page(search_mod.Filters(q="保质期"))
    assert r3.total == 3 and r3.ranked


def test_walk_timeout_is_caught_and_setting_restored(agency_a, handler_a, monkeypatch):
    from django.db import connection

    from sanxiang.publicity import search as search_mod

    if not search_mod.is_postgres():
        pytest.skip("PostgreSQL strategy")
    published(agency_a, handler_a)
    monkeypatch.setattr(search_mod, "WALK_TIMEOUT_MS", 1)
    matched = search_mod._filtered(search_mod.Filters()).extra(
        where=[search_mod.PG_MATCH + " AND pg_sleep(0.05) IS NOT NULL"], params=["保质期"]
    )
    assert search_mod._newest_first(matched, 0, 20) is None
    with connection.cursor() as cur:
        cur.execute("SHOW statement_timeout")
        assert cur.fetchone()[0] == "0"


def test_stopwords_are_not_search_words():
    from sanxiang.publicity.search import tokens

    assert "有限公司" not in tokens("青禾县鑫盛运输有限公司")
    assert "运输" in tokens("青禾县鑫盛运输有限公司")


def test_commonness_from_column_statistics(agency_a, handler_a, monkeypatch):
    from sanxiang.publicity import search as search_mod

    stats = {"虚假": 0.06, "广告": 0.06, "建筑": 0.06, "垃圾": 0.06}
    monkeypatch.setattr(search_mod, "_word_stats", lambda: (stats, 1_000_000.0))
    assert search_mod._is_common("虚假 & 广告")
    assert not search_mod._is_common("虚假 & 鑫盛")  # a rare word bounds the matches
    # four common words rarely together: estimated below the floor → the index
    assert not search_mod._is_common("虚假 & 广告 & 建筑 & 垃圾")
