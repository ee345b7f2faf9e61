"""Import of every catalogue kind from CSV (UTF-8 with/without BOM, GBK fallback) or XLSX.

The first row holds the Chinese headers of ``columns.COLUMNS[kind]`` (order free, extra
columns ignored). Every row is validated; if any row is bad nothing is imported and
``DomainError(code=IMPORT_FAILED, details=["第N行：原因", ...])`` lists every bad row (N is the
file's line number, the header is line 1). A good file becomes a new draft version.

``import_jiangmen_discretion`` reads the layout of the real 江门市生态环境局 裁量标准参照表
(columns sheet, law_title, seq, violation, legal_basis, tier, circumstance, standard, remark,
xls_row) and parses the standards into fine ranges where they are plain ranges.
"""

import csv
import hashlib
import io
from collections import OrderedDict

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event

from . import services
from .columns import COLUMNS, DISCRETION_BENCHMARK_COLUMNS, DISCRETION_TIER_COLUMNS
from .discretion import parse_standard
from .models import CatalogKind, FineBasis, MajorCondition

MAX_FILE_BYTES = 20 * 1024 * 1024


# --------------------------------------------------------------------------- reading


def decode_csv(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise DomainError(
            _("无法识别文件编码，请保存为UTF-8或GBK编码的CSV文件。"), ErrorCode.IMPORT_FAILED
        ) from None


def read_table(data, filename):
    """[(line_number, [cells])] including the header row (line 1)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if hasattr(data, "read"):
        data = data.read()
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(_("文件过大（上限20MB）。"), ErrorCode.IMPORT_FAILED)
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if name.endswith(".xls"):
        raise DomainError(
            _("不支持旧版.xls格式，请另存为.xlsx或CSV后再导入。"), ErrorCode.IMPORT_FAILED
        )
    text = decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DomainError(
            _("第%(n)s行：CSV格式错误（%(e)s）") % {"n": start, "e": exc},
            ErrorCode.IMPORT_FAILED,
            details=[_("第%(n)s行：CSV格式错误") % {"n": start}],
        ) from None
    return rows


def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any parse failure is a bad upload
        raise DomainError(
            _("无法读取该XLSX文件，请确认文件未损坏。"), ErrorCode.IMPORT_FAILED
        ) from None
    ws = wb.worksheets[0]
    rows = []
    for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
        rows.append((n, ["" if v is None else _cell_text(v) for v in values]))
    wb.close()
    return rows


def _cell_text(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _records(rows, columns):
    """Map rows to {header: cell}; returns (records, errors). Skips blank rows."""
    if not rows:
        raise DomainError(_("文件为空。"), ErrorCode.IMPORT_FAILED, details=[_("第1行：缺少表头")])
    header_line, header = rows[0]
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c.header for c in columns if c.header not in header]
    if missing:
        detail = _("第%(n)s行：缺少列：%(c)s") % {"n": header_line, "c": "、".join(missing)}
        raise DomainError(_("表头不符合模板要求。"), ErrorCode.IMPORT_FAILED, details=[detail])
    index = {h: i for i, h in enumerate(header) if h}
    records = []
    for line, cells in rows[1:]:
        if not any(str(c).strip() for c in cells):
            continue
        record = {h: (cells[i] if i < len(cells) else "") for h, i in index.items()}
        records.append((line, record))
    return records


def _parse_columns(columns, record, errors):
    values = {}
    for column in columns:
        try:
            values[column.attr] = column.parse(record.get(column.header))
        except ValueError as exc:
            errors.append(str(exc))
    return values


def _fail(bad):
    details = [
        _("第%(n)s行：%(r)s") % {"n": line, "r": "；".join(reasons)} for line, reasons in bad
    ]
    raise DomainError(
        _("导入失败：%(n)s行数据有误，未导入任何内容。请修改后重新导入。") % {"n": len(bad)},
        ErrorCode.IMPORT_FAILED,
        details=details,
    )


# --------------------------------------------------------------------------- validation


def _check_row(kind, values, errors):
    if kind == CatalogKind.MAJOR:
        cond = values.get("condition")
        if (
            cond in (MajorCondition.FINE, MajorCondition.CONFISCATION)
            and values.get("amount") is None
        ):
            errors.append(_("审核条件为罚款或没收时必须填写“金额(元)”"))
        if cond == MajorCondition.PENALTY_KIND and not values.get("penalty_kind"):
            errors.append(_("审核条件为处罚种类时必须填写“处罚种类”"))
        if cond == MajorCondition.FLAG and not values.get("flag"):
            errors.append(_("审核条件为特定情形时必须填写“特定情形”"))
    if kind == CatalogKind.REMEDIES and not values.get("time_unit"):
        values["time_unit"] = "days"
    if kind == CatalogKind.POWERS and not values.get("legal_refs"):
        from .columns import extract_legal_refs

        values["legal_refs"] = extract_legal_refs(values.get("legal_basis", ""))


def _check_tier(tier, errors):
    basis = tier.get("fine_basis")
    lo, hi = tier.get("fine_min"), tier.get("fine_max")
    if lo is not None and hi is not None and lo > hi:
        errors.append(_("罚款下限大于上限"))
    if basis and basis != FineBasis.NONE:
        if hi is None:
            errors.append(
                _("罚款计算方式为“%(b)s”时必须填写“罚款上限”") % {"b": FineBasis(basis).label}
            )
        if tier.get("fine_min") is None:
            tier["fine_min"] = 0
        if basis in (FineBasis.MULTIPLE, FineBasis.PERCENTAGE) and not tier.get("base_label"):
            errors.append(_("按倍数或百分比计算时必须填写“计算基数”"))
    elif lo is not None or hi is not None:
        errors.append(_("填写了罚款幅度但“罚款计算方式”为“无数值幅度”"))


def parse_rows(kind, rows):
    """Validate all rows; returns the item dicts or raises IMPORT_FAILED listing every bad row."""
    columns = COLUMNS[kind]
    records = _records(rows, columns)
    bad = []
    items = OrderedDict()
    first_line = {}
    if not records:
        raise DomainError(
            _("文件中没有数据行。"), ErrorCode.IMPORT_FAILED, details=[_("第2行：没有数据")]
        )
    for line, record in records:
        errors = []
        if kind == CatalogKind.DISCRETION:
            bench = _parse_columns(DISCRETION_BENCHMARK_COLUMNS, record, errors)
            tier = _parse_columns(DISCRETION_TIER_COLUMNS, record, errors)
            _check_tier(tier, errors)
            code = bench.get("code")
            if code and code in items:
                existing = items[code]
                if existing["violation"] != bench.get("violation"):
                    errors.append(
                        _("与第%(n)s行基准编码相同但违法行为不一致") % {"n": first_line[code]}
                    )
                orders = [t["order"] for t in existing["tiers"]]
                if tier.get("order") is not None and tier["order"] in orders:
                    errors.append(
                        _("基准编码%(c)s的档次序号%(o)s重复") % {"c": code, "o": tier["order"]}
                    )
            if errors:
                bad.append((line, errors))
                continue
            if code not in items:
                items[code] = dict(bench, tiers=[])
                first_line[code] = line
            items[code]["tiers"].append(tier)
            continue
        values = _parse_columns(columns, record, errors)
        _check_row(kind, values, errors)
        code = values.get("code")
        if code and code in items:
            errors.append(_("编码“%(c)s”与第%(n)s行重复") % {"c": code, "n": first_line[code]})
        if errors:
            bad.append((line, errors))
            continue
        items[code] = values
        first_line[code] = line
    if bad:
        _fail(bad)
    return list(items.values())


# --------------------------------------------------------------------------- importing


@transaction.atomic
def import_catalog(agency, kind, data, filename, actor, note=""):
    """Import a file into a new draft version of ``agency``'s ``kind`` catalogue."""
    if kind not in CatalogKind.values:
        raise DomainError(_("未知的目录类别：%(k)s。") % {"k": kind}, code=ErrorCode.BAD_CHOICE)
    services.require_edit(actor, agency)
    raw = data.read() if hasattr(data, "read") else data
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    items = parse_rows(kind, read_table(raw, filename))
    return _store(agency, kind, items, raw, filename, actor, note)


def _store(agency, kind, items, raw, filename, actor, note, extra=None):
    version = services._new_version(
        agency,
        kind,
        actor,
        note=note or _("由文件“%(f)s”导入") % {"f": filename},
        source=filename or "",
    )
    services.create_items(version, kind, items)
    payload = {
        "agency": agency.pk,
        "kind": kind,
        "version": version.pk,
        "number": version.number,
        "filename": filename or "",
        "file_sha256": hashlib.sha256(raw).hexdigest(),
        "items": len(items),
    }
    payload.update(extra or {})
    append_event(EventType.CATALOG_IMPORTED, f"catalog_version:{version.pk}", payload, actor)
    return version


def import_powers(agency, data, filename, actor, note=""):
    return import_catalog(agency, CatalogKind.POWERS, data, filename, actor, note)


def import_discretion(agency, data, filename, actor, note=""):
    return import_catalog(agency, CatalogKind.DISCRETION, data, filename, actor, note)


def import_major(agency, data, filename, actor, note=""):
    return import_catalog(agency, CatalogKind.MAJOR, data, filename, actor, note)


def import_recording(agency, data, filename, actor, note=""):
    return import_catalog(agency, CatalogKind.RECORDING, data, filename, actor, note)


def import_inspection(agency, data, filename, actor, note=""):
    return import_catalog(agency, CatalogKind.INSPECTION, data, filename, actor, note)


def import_guides(agency, data, filename, actor, note=""):
    return import_catalog(agency, CatalogKind.GUIDES, data, filename, actor, note)


def import_remedies(agency, data, filename, actor, note=""):
    return import_catalog(agency, CatalogKind.REMEDIES, data, filename, actor, note)


def import_contacts(agency, data, filename, actor, note=""):
    return import_catalog(agency, CatalogKind.CONTACTS, data, filename, actor, note)


# --------------------------------------------------------------------------- Jiangmen layout

JIANGMEN_HEADERS = [
    "sheet",
    "law_title",
    "seq",
    "violation",
    "legal_basis",
    "tier",
    "circumstance",
    "standard",
    "remark",
    "xls_row",
]


def parse_jiangmen(rows):
    """Benchmark dicts from the Jiangmen layout; returns (items, stats)."""
    if not rows:
        raise DomainError(_("文件为空。"), ErrorCode.IMPORT_FAILED, details=[_("第1行：缺少表头")])
    header_line, header = rows[0]
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [h for h in JIANGMEN_HEADERS[:8] if h not in header]
    if missing:
        raise DomainError(
            _("表头不符合江门裁量表格式。"),
            ErrorCode.IMPORT_FAILED,
            details=[_("第%(n)s行：缺少列：%(c)s") % {"n": header_line, "c": "、".join(missing)}],
        )
    idx = {h: i for i, h in enumerate(header)}
    items = OrderedDict()
    bad = []
    stats = {"rows": 0, "parsed": 0, "fixed": 0, "multiple": 0, "percentage": 0}
    for line, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue

        def get(h, cells=cells):
            return (cells[idx[h]] if idx[h] < len(cells) else "").strip()

        errors = []
        code, violation, tier_no = get("seq"), get("violation"), get("tier")
        if not code:
            errors.append(_("缺少序号（seq）"))
        if not violation:
            errors.append(_("缺少违法行为"))
        if not tier_no.isdigit():
            errors.append(_("裁量档次应为数字：%(t)s") % {"t": tier_no or "（空）"})
        if errors:
            bad.append((line, errors))
            continue
        standard, remark = get("standard"), get("remark") if "remark" in idx else ""
        parsed = parse_standard(standard, remark)
        stats["rows"] += 1
        if parsed.parsed:
            stats["parsed"] += 1
            stats[parsed.fine_basis] += 1
        if code not in items:
            items[code] = {
                "code": code[:64],
                "violation": violation,
                "law_title": get("law_title").split("、", 1)[-1][:200],
                "legal_basis": get("legal_basis"),
                "power_code": "",
                "tiers": [],
            }
        items[code]["tiers"].append(
            {
                # one row per 裁量情节; several circumstances may share a tier
                "order": len(items[code]["tiers"]) + 1,
                "name": _("第%(n)s档") % {"n": tier_no},
                "conditions": get("circumstance"),
                "standard": standard,
                "fine_basis": parsed.fine_basis,
                "base_label": parsed.base_label[:60],
                "fine_min": parsed.fine_min,
                "fine_max": parsed.fine_max,
                "penalty_kinds": list(parsed.penalty_kinds),
                "remark": remark,
            }
        )
    if bad:
        _fail(bad)
    return list(items.values()), stats


@transaction.atomic
def import_jiangmen_discretion(agency, data, filename, actor, note=""):
    """Import the real Jiangmen discretion table layout into a new draft version."""
    services.require_edit(actor, agency)
    raw = data.read() if hasattr(data, "read") else data
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    items, stats = parse_jiangmen(read_table(raw, filename))
    version = _store(
        agency, CatalogKind.DISCRETION, items, raw, filename, actor, note, extra={"stats": stats}
    )
    version.import_stats = stats
    return version
