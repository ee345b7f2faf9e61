"""CSV / XLSX export in the 双公示 administrative-penalty and -licensing layouts.

Reads public snapshots only (state ``published``, window open). Mapping and rules:
docs/publicity.md §Open data. Amounts are in 万元; natural-person identifiers (证件号码)
are withheld and natural-person names are shown masked (张某某).
"""

from __future__ import annotations

import csv
import io

from sanxiang.core.fields import ActType, PartyType

from .models import Snapshot
from .search import public_q

TARGET_CLASS = {
    PartyType.LEGAL_PERSON: "法人及非法人组织",
    PartyType.OTHER_ORG: "法人及非法人组织",
    PartyType.INDIVIDUAL_BUSINESS: "个体工商户",
    PartyType.NATURAL_PERSON: "自然人",
}

_COMMON_TARGET = [
    "行政相对人名称",
    "行政相对人类别",
    "行政相对人代码_1(统一社会信用代码)",
    "行政相对人代码_2(工商注册号)",
    "行政相对人代码_3(组织机构代码)",
    "行政相对人代码_4(税务登记号)",
    "行政相对人代码_5(事业单位证书号)",
    "行政相对人代码_6(社会组织登记证号)",
    "法定代表人",
    "法定代表人证件类型",
    "法定代表人证件号码",
    "证件类型",
    "证件号码",
]

PENALTY_COLUMNS = _COMMON_TARGET + [
    "行政处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚依据",
    "处罚类别",
    "处罚内容",
    "罚款金额（万元）",
    "没收违法所得、没收非法财物的金额（万元）",
    "暂扣或吊销证照名称及编号",
    "处罚决定日期",
    "处罚有效期",
    "公示截止期",
    "处罚机关",
    "处罚机关统一社会信用代码",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "备注",
]

LICENSING_COLUMNS = _COMMON_TARGET + [
    "行政许可决定文书名称",
    "行政许可决定文书号",
    "许可类别",
    "许可证书名称",
    "许可编号",
    "许可内容",
    "许可决定日期",
    "有效期自",
    "有效期至",
    "许可机关",
    "许可机关统一社会信用代码",
    "当前状态",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "备注",
]

LAYOUTS = {
    "penalty": (ActType.PENALTY, PENALTY_COLUMNS),
    "licensing": (ActType.LICENSING, LICENSING_COLUMNS),
}


def _date(value):
    if not value:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]


def _parties(snap: Snapshot) -> list[dict]:
    """One 双公示 row per party (each party is a 行政相对人)."""
    parties = (snap.details or {}).get("parties") or []
    return parties or [
        {
            "party_type": snap.target_type,
            "name": snap.target_name,
            "usci": snap.target_usci,
            "legal_representative": snap.target_legal_rep,
        }
    ]


def _target(party: dict) -> list:
    ptype = party.get("party_type") or ""
    natural = ptype == PartyType.NATURAL_PERSON
    return [
        party.get("name", ""),
        TARGET_CLASS.get(ptype, ""),
        "" if natural else party.get("usci", ""),
        "",
        "",
        "",
        "",
        "",
        "" if natural else party.get("legal_representative", ""),
        "",
        "",  # 法定代表人证件号码: never published
        "身份证" if natural else "",
        "",  # 证件号码 of a natural person: withheld
    ]


def penalty_row(snap: Snapshot, party: dict) -> list:
    d = snap.details or {}
    return _target(party) + [
        snap.document_number,
        d.get("violation_type", ""),
        d.get("facts", ""),
        d.get("basis", ""),
        ";".join(d.get("penalty_kinds") or []),
        d.get("penalty_content", "") or snap.conclusion,
        d.get("fine_wan", ""),
        d.get("confiscated_wan", ""),
        d.get("licence_revoked", ""),
        _date(snap.decision_date),
        _date(d.get("penalty_valid_until")) or "2099-12-31",
        _date(snap.visible_until),
        snap.agency_name,
        snap.agency_usci,
        snap.agency_name,
        snap.agency_usci,
        snap.correction_note,
    ]


def licensing_row(snap: Snapshot, party: dict) -> list:
    d = snap.details or {}
    return _target(party) + [
        snap.title or d.get("licence_name", ""),
        snap.document_number,
        d.get("licence_category", "普通"),
        d.get("licence_name", ""),
        d.get("licence_number", ""),
        d.get("licence_content", "") or snap.conclusion,
        _date(snap.decision_date),
        _date(d.get("valid_from")) or _date(snap.decision_date),
        _date(d.get("valid_to")) or "2099-12-31",
        snap.agency_name,
        snap.agency_usci,
        d.get("licence_state", "有效"),
        snap.agency_name,
        snap.agency_usci,
        snap.correction_note,
    ]


def rows(layout: str, *, agency=None, date_from=None, date_to=None):
    category, columns = LAYOUTS[layout]
    qs = Snapshot.objects.filter(public_q(), category=category)
    if agency:
        qs = qs.filter(agency_id=agency)
    if date_from:
        qs = qs.filter(decision_date__gte=date_from)
    if date_to:
        qs = qs.filter(decision_date__lte=date_to)
    make = penalty_row if layout == "penalty" else licensing_row
    yield columns
    for snap in qs.order_by("decision_date", "id").iterator(chunk_size=2000):
        for party in _parties(snap):
            yield make(snap, party)


class _Echo:
    def write(self, value):
        return value


def csv_stream(layout: str, **filters):
    """Generator of CSV lines (UTF-8 with BOM, so spreadsheet programs read Chinese)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows(layout, **filters):
        yield writer.writerow(row)


def xlsx_bytes(layout: str, max_rows: int = 200_000, **filters) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title="行政处罚" if layout == "penalty" else "行政许可")
    for i, row in enumerate(rows(layout, **filters)):
        if i > max_rows:
            break
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
