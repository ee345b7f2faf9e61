"""Workbench pages and API: scoping, import errors shown, publish button, exports."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sanxiang.catalog import imports, services
from sanxiang.catalog.models import CatalogKind, CatalogVersion, VersionStatus

from .conftest import csv_bytes, power_row

JAN = dt.date(2026, 1, 1)


def draft(user, rows, kind=CatalogKind.POWERS):
    return imports.import_catalog(user.agency, kind, csv_bytes(kind, rows), "x.csv", user)


def test_index_and_kind_pages(client_for, head_a):
    services.publish_version(draft(head_a, [power_row("P-1")]), head_a, effective_from=JAN)
    c = client_for(head_a)
    page = c.get(reverse("catalog:index")).content.decode()
    assert "执法事项清单" in page and "第1版" in page
    page = c.get(reverse("catalog:kind", args=[head_a.agency_id, "powers"])).content.decode()
    assert "导入" in page and "下载导入模板" in page


def test_upload_with_bad_row_shows_every_bad_row(client_for, head_a):
    rows = [power_row("P-1"), power_row("P-2", 执法类别="乱填"), power_row("P-1")]
    upload = SimpleUploadedFile("bad.csv", csv_bytes(CatalogKind.POWERS, rows), "text/csv")
    response = client_for(head_a).post(
        reverse("catalog:import", args=[head_a.agency_id, "powers"]), {"file": upload}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "第3行：" in html and "乱填" in html and "第4行：" in html and "重复" in html
    assert not CatalogVersion.objects.exists()


def test_upload_publish_and_export_through_pages(client_for, head_a):
    c = client_for(head_a)
    upload = SimpleUploadedFile("ok.csv", csv_bytes(CatalogKind.POWERS, [power_row("P-1")]))
    response = c.post(
        reverse("catalog:import", args=[head_a.agency_id, "powers"]), {"file": upload}
    )
    version = CatalogVersion.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "catalog:version", args=[version.pk]
    )
    page = c.get(response.url).content.decode()
    assert "发布此版本" in page and "对销售不符合食品安全标准的食品的行政处罚" in page
    c.post(reverse("catalog:publish", args=[version.pk]), {"effective_from": "2026-01-01"})
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    csv = c.get(reverse("catalog:export", args=[version.pk, "csv"]))
    assert csv.status_code == 200 and "事项编码" in csv.content.decode("utf-8-sig")
    xlsx = c.get(reverse("catalog:export", args=[version.pk, "xlsx"]))
    assert xlsx.content[:2] == b"PK"


def test_handler_has_no_publish_button_and_is_refused(client_for, handler_a, head_a):
    version = draft(head_a, [power_row("P-1")])
    c = client_for(handler_a)
    page = c.get(reverse("catalog:version", args=[version.pk])).content.decode()
    assert "发布此版本" not in page and "导入为草稿" not in page
    response = c.post(
        reverse("catalog:publish", args=[version.pk]), {"effective_from": "2026-01-01"}
    )
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_other_agency_cannot_see_drafts(client_for, api_for, head_a, head_b, supervisor):
    version = draft(head_a, [power_row("P-1")])
    c = client_for(head_b)
    assert c.get(reverse("catalog:version", args=[version.pk])).status_code == 404
    assert c.get(reverse("catalog:export", args=[version.pk, "csv"])).status_code == 404
    assert c.get(reverse("catalog:kind", args=[head_a.agency_id, "powers"])).status_code == 404
    api = api_for(head_b)
    assert api.get(f"/api/catalog/powers/?version={version.pk}").json()["count"] == 0
    assert api.get(f"/api/catalog/versions/{version.pk}/").status_code == 404
    # the supervisor sees the subtree
    assert (
        client_for(supervisor).get(reverse("catalog:version", args=[version.pk])).status_code == 200
    )


def test_api_powers_current_and_by_date(api_for, head_a, head_b, handler_a):
    services.publish_version(draft(head_a, [power_row("P-1")]), head_a, effective_from=JAN)
    services.publish_version(
        draft(head_b, [power_row("B-1", 执法领域="生态环境")]), head_b, effective_from=JAN
    )
    data = api_for(handler_a).get("/api/catalog/powers/").json()
    assert [p["code"] for p in data["results"]] == ["P-1"]
    assert data["results"][0]["version"]["number"] == 1
    assert data["results"][0]["legal_refs"][0]["article"] == "第一百二十四条"
    old = api_for(handler_a).get("/api/catalog/powers/?on_date=2025-06-01").json()
    assert old["count"] == 0
    assert (
        api_for(handler_a).get(f"/api/catalog/powers/?agency={head_b.agency_id}").json()["count"]
        == 0
    )


def test_api_major_rules_and_discretion_check(api_for, head_a, handler_a, supervisor):
    services.publish_version(
        imports.import_catalog(
            supervisor.agency,
            CatalogKind.MAJOR,
            csv_bytes(
                CatalogKind.MAJOR,
                [{"条目编码": "S1", "审核条件": "经过听证", "执法类别": "行政处罚"}],
            ),
            "m.csv",
            supervisor,
        ),
        supervisor,
        effective_from=JAN,
    )
    rules = api_for(handler_a).get("/api/catalog/major-rules/").json()["results"]
    assert [r["code"] for r in rules] == ["S1"] and rules[0][
        "text"
    ] == "经过听证程序拟作出的行政处罚决定"
    rows = [
        {
            "基准编码": "D-1",
            "违法行为": "违法行为甲",
            "档次序号": "1",
            "裁量档次": "一般",
            "罚款计算方式": "倍数",
            "计算基数": "违法所得",
            "罚款下限": "1",
            "罚款上限": "3",
        }
    ]
    services.publish_version(
        draft(head_a, rows, CatalogKind.DISCRETION), head_a, effective_from=JAN
    )
    bench = api_for(handler_a).get("/api/catalog/discretion/").json()["results"][0]
    tier = bench["tiers"][0]
    assert tier["range_text"] == "违法所得1～3倍"
    url = (
        f"/api/catalog/discretion/{bench['id']}/check/?tier={tier['id']}&fine=4000&base_amount=1000"
    )
    result = api_for(handler_a).get(url).json()
    assert result["within"] is False and result["maximum"] == "3000.00"
    missing = api_for(handler_a).get(
        f"/api/catalog/discretion/{bench['id']}/check/?tier={tier['id']}&fine=1"
    )
    assert missing.status_code == 400 and "违法所得" in missing.json()["detail"]


def test_admin_scoped_and_published_read_only(client_for, head_a, head_b):
    from sanxiang.catalog.models import Power

    version = services.publish_version(
        draft(head_a, [power_row("P-1")]), head_a, effective_from=JAN
    )
    power = Power.objects.get(version=version)
    c = client_for(head_a)
    assert c.get("/admin/catalog/power/").status_code == 200
    assert c.get(f"/admin/catalog/power/{power.pk}/change/").status_code == 200
    assert c.post(f"/admin/catalog/power/{power.pk}/change/", {"name": "改"}).status_code == 403
    other = client_for(head_b)
    listing = other.get("/admin/catalog/power/").content.decode()
    assert "P-1" not in listing
    assert other.get(f"/admin/catalog/power/{power.pk}/change/").status_code == 302


def test_jiangmen_upload_through_page(client_for, head_b):
    import pathlib

    data = (pathlib.Path(__file__).parent / "data" / "jiangmen_slice.csv").read_bytes()
    upload = SimpleUploadedFile("jiangmen.csv", data, "text/csv")
    c = client_for(head_b)
    url = reverse("catalog:import", args=[head_b.agency_id, "discretion"])
    response = c.post(url, {"file": upload, "layout": "jiangmen"})
    assert response.status_code == 302
    page = c.get(response.url).content.decode()
    assert "个解析出数值化罚款幅度" in page and "建设项目总投资额" in page
