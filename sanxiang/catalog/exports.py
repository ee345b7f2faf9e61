"""Export of a catalogue version to CSV (UTF-8 with BOM, opens in Excel) and XLSX.

The headers are those of ``columns.COLUMNS[kind]``, so an exported file imports back unchanged.
"""

import csv
import io

from .columns import COLUMNS, DISCRETION_BENCHMARK_COLUMNS, DISCRETION_TIER_COLUMNS
from .models import CatalogKind
from .services import version_items


def table_rows(version):
    """[[cell text]] of the version's items, without the header."""
    rows = []
    for item in version_items(version):
        if version.kind == CatalogKind.DISCRETION:
            head = [c.format(getattr(item, c.attr)) for c in DISCRETION_BENCHMARK_COLUMNS]
            tiers = list(item.tiers.all())
            for tier in sorted(tiers, key=lambda t: (t.order, t.id)):
                rows.append(
                    head + [c.format(getattr(tier, c.attr)) for c in DISCRETION_TIER_COLUMNS]
                )
            if not tiers:
                rows.append(head + [""] * len(DISCRETION_TIER_COLUMNS))
        else:
            rows.append([c.format(getattr(item, c.attr)) for c in COLUMNS[version.kind]])
    return rows


def headers(kind):
    return [c.header for c in COLUMNS[kind]]


def export_csv(version):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers(version.kind))
    writer.writerows(table_rows(version))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(version):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = str(version.get_kind_display())[:31]
    ws.append(headers(version.kind))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in table_rows(version):
        ws.append(row)
    for column in ws.columns:
        width = max((len(str(c.value or "")) for c in column), default=8)
        ws.column_dimensions[column[0].column_letter].width = min(max(width * 2, 10), 60)
        for cell in column[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_csv(kind):
    """An empty file with just the headers (download as import template)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(headers(kind))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def filename(version, ext):
    return f"{version.get_kind_display()}-{version.agency.short_name or version.agency.name}-v{version.number}.{ext}"
