"""Import (all-or-nothing, bad rows listed) and export round trips."""

import io
import pathlib

import pytest
from openpyxl import Workbook

from sanxiang.catalog import exports, imports, services
from sanxiang.catalog.columns import headers
from sanxiang.catalog.models import (
    CatalogKind,
    CatalogVersion,
    DiscretionBenchmark,
    DiscretionTier,
    FineBasis,
    Power,
)
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf

from .conftest import csv_bytes, power_row

DATA = pathlib.Path(__file__).parent / "data"


def test_one_bad_row_imports_nothing_and_names_row_and_reason(head_a):
    rows = [
        power_row("P-001"),
        power_row("P-002", 执法类别="行政罚没"),  # unknown category -> line 3
        power_row("P-003"),
        power_row("P-001"),  # duplicate code -> line 5
        power_row("P-005", **{"法定期限(工作日)": "三十"}),  # not a number -> line 6
        power_row("", 事项名称=""),  # required fields -> line 7
    ]
    with pytest.raises(DomainError) as info:
        imports.import_powers(head_a.agency, csv_bytes(CatalogKind.POWERS, rows), "p.csv", head_a)
    err = info.value
    assert err.code == ErrorCode.IMPORT_FAILED
    details = [str(d) for d in err.details]
    assert len(details) == 4
    assert (
        details[0].startswith("第3行：") and "执法类别" in details[0] and "行政罚没" in details[0]
    )
    assert details[1].startswith("第5行：") and "与第2行重复" in details[1]
    assert details[2].startswith("第6行：") and "整数" in details[2]
    assert (
        details[3].startswith("第7行：") and "事项编码" in details[3] and "事项名称" in details[3]
    )
    assert not Power.objects.exists()
    assert not CatalogVersion.objects.exists()


def test_line_numbers_count_multiline_cells(head_a):
    rows = [
        power_row("P-001", 设定依据="《中华人民共和国食品安全法》\n第一百二十四条\n第一百二十六条"),
        power_row("P-002", 执法领域="宇宙"),
    ]
    with pytest.raises(DomainError) as info:
        imports.import_powers(head_a.agency, csv_bytes(CatalogKind.POWERS, rows), "p.csv", head_a)
    assert str(info.value.details[0]).startswith("第5行：")


def test_good_import_is_a_draft_with_legal_refs_and_ledger_event(head_a):
    rows = [
        power_row("P-001"),
        power_row("P-002", 设定依据="《中华人民共和国行政处罚法》第五十一条"),
    ]
    before = Leaf.objects.count()
    version = imports.import_powers(
        head_a.agency, csv_bytes(CatalogKind.POWERS, rows), "p.csv", head_a
    )
    assert version.status == "draft" and version.number == 1
    power = Power.objects.get(version=version, code="P-002")
    assert power.legal_refs == [{"law": "中华人民共和国行政处罚法", "article": "第五十一条"}]
    assert power.time_limit_days == 90 and power.act_type == "penalty" and power.field == "market"
    leaf = Leaf.objects.order_by("-index").first()
    assert Leaf.objects.count() == before + 1
    assert leaf.event_type == EventType.CATALOG_IMPORTED


def test_gbk_csv_and_missing_header(head_a):
    data = csv_bytes(CatalogKind.POWERS, [power_row("P-001")], encoding="gbk")
    version = imports.import_powers(head_a.agency, data, "gbk.csv", head_a)
    assert Power.objects.get(version=version).name.startswith("对销售")
    with pytest.raises(DomainError) as info:
        imports.import_powers(head_a.agency, "事项编码,事项名称\nA,B\n".encode(), "x.csv", head_a)
    assert str(info.value.details[0]).startswith("第1行：缺少列")


def test_handler_cannot_import(handler_a):
    with pytest.raises(DomainError) as info:
        imports.import_powers(
            handler_a.agency, csv_bytes(CatalogKind.POWERS, [power_row("P-1")]), "p.csv", handler_a
        )
    assert info.value.code == ErrorCode.PERMISSION_DENIED


def test_cannot_import_into_other_agency(head_a, agency_b):
    with pytest.raises(DomainError) as info:
        imports.import_powers(
            agency_b, csv_bytes(CatalogKind.POWERS, [power_row("P-1")]), "p.csv", head_a
        )
    assert info.value.code == ErrorCode.PERMISSION_DENIED


DISCRETION_ROWS = [
    {
        "基准编码": "D-1",
        "违法行为": "销售不符合食品安全标准的食品",
        "档次序号": "1",
        "裁量档次": "轻微",
        "罚款计算方式": "倍数",
        "计算基数": "货值金额",
        "罚款下限": "10",
        "罚款上限": "13",
        "其他处罚种类": "没收违法所得、没收非法财物",
        "处罚标准": "货值金额十倍以上十三倍以下罚款",
    },
    {
        "基准编码": "D-1",
        "违法行为": "销售不符合食品安全标准的食品",
        "档次序号": "2",
        "裁量档次": "一般",
        "罚款计算方式": "固定金额",
        "罚款下限": "50000",
        "罚款上限": "80000",
    },
    {
        "基准编码": "D-2",
        "违法行为": "未按规定公示",
        "档次序号": "1",
        "裁量档次": "较重",
        "罚款计算方式": "无数值幅度",
        "处罚标准": "责令改正，给予警告",
        "其他处罚种类": "警告",
    },
]


def test_discretion_validation_min_max_and_base(head_a):
    rows = [dict(r) for r in DISCRETION_ROWS]
    rows[1]["罚款下限"] = "90000"  # min > max, line 3
    rows[0]["计算基数"] = ""  # multiple without base, line 2
    with pytest.raises(DomainError) as info:
        imports.import_discretion(
            head_a.agency, csv_bytes(CatalogKind.DISCRETION, rows), "d.csv", head_a
        )
    details = [str(d) for d in info.value.details]
    assert details[0].startswith("第2行：") and "计算基数" in details[0]
    assert details[1].startswith("第3行：") and "下限大于上限" in details[1]
    assert not DiscretionTier.objects.exists()


@pytest.mark.parametrize(
    "kind, rows",
    [
        (
            CatalogKind.POWERS,
            [power_row("P-001"), power_row("P-002", 执法类别="行政强制", 期限说明="30日")],
        ),
        (CatalogKind.DISCRETION, DISCRETION_ROWS),
        (
            CatalogKind.MAJOR,
            [
                {
                    "条目编码": "M1",
                    "执法类别": "行政处罚",
                    "审核条件": "罚款数额",
                    "当事人类别": "自然人、个体工商户",
                    "金额(元)": "10000",
                    "含本数": "否",
                    "原文": "处以万元以上(不含本数)",
                },
                {"条目编码": "M2", "审核条件": "处罚种类", "处罚种类": "吊销许可证件"},
                {"条目编码": "M3", "审核条件": "特定情形", "特定情形": "涉及重大公共利益"},
            ],
        ),
        (
            CatalogKind.RECORDING,
            [
                {
                    "事项编码": "R1",
                    "执法行为类别": "行政强制",
                    "执法环节": "查封、扣押",
                    "记录要求": "全程录像",
                },
                {"事项编码": "R2", "执法环节": "听证"},
            ],
        ),
        (
            CatalogKind.INSPECTION,
            [
                {
                    "事项编码": "I1",
                    "抽查事项": "食品经营者监督检查",
                    "抽查依据": "《中华人民共和国食品安全法》第一百一十条",
                    "抽查对象": "辖区食品经营者",
                    "抽查比例": "5%",
                    "抽查方式": "双随机",
                    "抽查频次": "每年1次",
                },
            ],
        ),
        (
            CatalogKind.GUIDES,
            [
                {
                    "指南编码": "G1",
                    "指南名称": "行政处罚服务指南",
                    "执法类别": "行政处罚",
                    "办理流程": "立案\n调查\n决定",
                },
            ],
        ),
        (
            CatalogKind.REMEDIES,
            [
                {
                    "编码": "RM1",
                    "救济方式": "行政复议",
                    "受理机关": "青禾县人民政府",
                    "期限": "60",
                    "期限单位": "日",
                    "法律依据": "《中华人民共和国行政复议法》第二十条",
                },
                {
                    "编码": "RM2",
                    "救济方式": "行政诉讼",
                    "受理机关": "青禾县人民法院",
                    "期限": "6",
                    "期限单位": "个月",
                },
            ],
        ),
        (CatalogKind.CONTACTS, [{"编码": "C1", "部门/窗口": "法制科", "电话": "0570-1234567"}]),
    ],
)
def test_round_trip_csv_and_xlsx(head_a, kind, rows):
    agency = head_a.agency
    v1 = imports.import_catalog(agency, kind, csv_bytes(kind, rows), "a.csv", head_a)
    h1 = services.content_hash(v1)
    v2 = imports.import_catalog(agency, kind, exports.export_csv(v1), "b.csv", head_a)
    v3 = imports.import_catalog(agency, kind, exports.export_xlsx(v1), "c.xlsx", head_a)
    assert services.content_hash(v2) == h1
    assert services.content_hash(v3) == h1
    assert exports.export_csv(v3) == exports.export_csv(v1)


def test_xlsx_bad_row_line_number(head_a):
    wb = Workbook()
    ws = wb.active
    ws.append(headers(CatalogKind.CONTACTS))
    ws.append(["C1", "法制科", "", "0570-1", "", "", ""])
    ws.append(["C2", "执法大队", "", "", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(DomainError) as info:
        imports.import_contacts(head_a.agency, buf.getvalue(), "c.xlsx", head_a)
    assert [str(d) for d in info.value.details] == ["第3行：“电话”不能为空"]


def test_jiangmen_slice_import(reviewer_b):
    data = (DATA / "jiangmen_slice.csv").read_bytes()
    version = imports.import_jiangmen_discretion(
        reviewer_b.agency, data, "jiangmen.csv", reviewer_b
    )
    stats = version.import_stats
    assert stats["rows"] == DiscretionTier.objects.filter(benchmark__version=version).count()
    assert stats["parsed"] >= stats["rows"] - 3
    b = DiscretionBenchmark.objects.get(version=version, code="1-1")
    first = b.tiers.get(order=1)
    assert first.fine_basis == FineBasis.PERCENTAGE and first.base_label == "建设项目总投资额"
    assert (first.fine_min, first.fine_max) == (1, 2)
    # the real typo "处七万元以下九万元以下罚款" is kept as text without a range
    odd = DiscretionTier.objects.filter(
        benchmark__version=version, standard="处七万元以下九万元以下罚款"
    )
    assert odd.exists() and all(t.fine_basis == FineBasis.NONE for t in odd)


def test_jiangmen_bad_rows(reviewer_b):
    text = (
        "sheet,law_title,seq,violation,legal_basis,tier,circumstance,standard,remark,xls_row\n"
        "s,t,1-1,违法行为,依据,1,情节,处1万元以上3万元以下罚款,,3\n"
        "s,t,1-1,违法行为,依据,一,情节,处1万元以上3万元以下罚款,,4\n"
        "s,t,,违法行为,依据,2,情节,处1万元以上3万元以下罚款,,5\n"
    )
    with pytest.raises(DomainError) as info:
        imports.import_jiangmen_discretion(reviewer_b.agency, text.encode(), "j.csv", reviewer_b)
    details = [str(d) for d in info.value.details]
    assert details[0].startswith("第3行：") and "裁量档次应为数字" in details[0]
    assert details[1].startswith("第4行：") and "缺少序号" in details[1]
    assert not DiscretionBenchmark.objects.exists()
