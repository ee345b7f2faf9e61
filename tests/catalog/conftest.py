"""Helpers for catalogue tests: build CSV files from header/rows and publish them."""

import csv
import datetime as dt
import io

import pytest

from sanxiang.catalog import imports, services
from sanxiang.catalog.columns import headers


def csv_bytes(kind, rows, encoding="utf-8-sig"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers(kind))
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers(kind)])
    return buffer.getvalue().encode(encoding)


def power_row(code, name="对销售不符合食品安全标准的食品的行政处罚", **more):
    row = {
        "事项编码": code,
        "事项名称": name,
        "执法类别": "行政处罚",
        "执法领域": "市场监管",
        "设定依据": "《中华人民共和国食品安全法》第一百二十四条",
        "实施程序": "立案—调查取证—告知—决定—送达—执行",
        "法定期限(工作日)": "90",
        "承办机构": "执法稽查科",
    }
    row.update(more)
    return row


@pytest.fixture
def publish_rows():
    """publish_rows(agency, kind, rows, actor, publisher, effective_from) -> published version."""

    def make(agency, kind, rows, actor, publisher=None, effective_from=dt.date(2026, 1, 1)):
        version = imports.import_catalog(agency, kind, csv_bytes(kind, rows), "t.csv", actor)
        return services.publish_version(version, publisher or actor, effective_from=effective_from)

    return make
