"""Importing a year's schedule (holiday-cn JSON, CSV): all or nothing, every bad row named."""

import datetime as dt
import json

import pytest

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.workdays import calendar, services
from sanxiang.workdays.importing import format_error, parse_schedule
from sanxiang.workdays.models import HolidayOverride, HolidayYear, OverrideKind

from .conftest import TEST_2027_CSV, holiday_cn, holiday_cn_bytes, ledger_events

D = dt.date


def _import_error(user, content, filename, **kwargs):
    with pytest.raises(DomainError) as exc:
        services.import_schedule(user, content, filename, **kwargs)
    assert exc.value.code == ErrorCode.IMPORT_FAILED
    return exc.value


def test_2027_unknown_until_imported_from_csv(admin_user):
    # Given no 2027 schedule: provisional
    assert calendar.deadline(D(2026, 12, 28), 5).provisional
    # When the administrator imports it
    result = services.import_schedule(
        admin_user, TEST_2027_CSV.encode(), "2027.csv", notice="测试用通知（虚构）"
    )
    # Then the same call follows the schedule: 12-29, 12-30, 12-31, (01-01), 01-04, 01-05
    assert calendar.add_workdays(D(2026, 12, 28), 5) == D(2027, 1, 5)
    assert not calendar.deadline(D(2026, 12, 28), 5).provisional
    assert (result.year, result.format, result.holidays, result.workdays) == (2027, "csv", 12, 2)
    assert calendar.is_workday(D(2027, 2, 14))  # Sunday make-up workday
    assert not calendar.is_workday(D(2027, 2, 8))
    assert calendar.is_workday(D(2027, 3, 1))
    assert calendar.day_info(D(2027, 10, 1)).describe() == "休息日（国庆节）"
    row = HolidayYear.objects.get(year=2027)
    assert row.complete and row.notice == "测试用通知（虚构）"
    actions = [e["action"] for e in ledger_events("holiday-year:2027")]
    assert actions == ["imported", "year_completed"]
    imported = ledger_events("holiday-year:2027")[0]
    assert imported["days"][0] == {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    assert len(imported["days"]) == 14


def test_2027_imported_from_holiday_cn_json(admin_user):
    # The same schedule in holiday-cn format (made from the test CSV)
    days = []
    for line in TEST_2027_CSV.splitlines()[1:]:
        date, kind, name = line.split(",")
        days.append({"name": name, "date": date, "isOffDay": kind == "holiday"})
    content = json.dumps({"year": 2027, "papers": ["https://example.test/2027"], "days": days})
    result = services.import_schedule(admin_user, content.encode(), "2027.json")
    assert (result.year, result.format, result.holidays) == (2027, "json", 12)
    assert calendar.add_workdays(D(2026, 12, 28), 5) == D(2027, 1, 5)
    assert HolidayYear.objects.get(year=2027).source == "https://example.test/2027"


def test_the_empty_2027_file_of_the_reference_snapshot_is_refused(admin_user):
    # holiday-cn's 2027.json had no days yet: importing it must not make 2027 "known"
    assert holiday_cn(2027)["days"] == []
    error = _import_error(admin_user, holiday_cn_bytes(2027), "2027.json")
    assert "没有2027年的任何休息日" in error.details[0]["reason"]
    assert not calendar.year_is_known(2027)
    assert not HolidayYear.objects.exists()
    assert ledger_events() == []


def test_importing_a_builtin_year_from_holiday_cn_agrees(admin_user):
    result = services.import_schedule(admin_user, holiday_cn_bytes(2026), "2026.json")
    assert result.year == 2026
    assert HolidayOverride.objects.count() == len(holiday_cn(2026)["days"])
    day = D(2026, 1, 1)
    while day.year == 2026:
        import chinese_calendar

        assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    assert calendar.add_workdays(D(2026, 9, 30), 7) == D(2026, 10, 15)


def test_previous_december_days_are_imported_too(admin_user):
    # holiday-cn 2019.json lists 2018-12-29 (Saturday, make-up workday) … 2018-12-31
    services.import_schedule(admin_user, holiday_cn_bytes(2019), "2019.json")
    assert HolidayOverride.objects.get(date=D(2018, 12, 29)).kind == OverrideKind.WORKDAY
    assert calendar.is_workday(D(2018, 12, 29))
    assert not calendar.is_workday(D(2018, 12, 31))


def test_csv_with_bad_rows_imports_nothing_and_lists_every_bad_row(admin_user):
    services.set_override(admin_user, D(2027, 5, 1), OverrideKind.HOLIDAY, "劳动节")
    before = len(ledger_events())
    content = (
        "date,kind,name\n"  # line 1: header
        "2027-01-01,holiday,元旦\n"  # 2: fine
        "2027-13-01,holiday,元旦\n"  # 3: bad date
        "2027-02-14,vacation,春节\n"  # 4: bad kind
        "2027-02-15,holiday,\n"  # 5: no name
        "2027-01-01,holiday,元旦\n"  # 6: duplicate of line 2
        "2025-06-01,holiday,端午节\n"  # 7: not in 2027 nor December 2026
        "2027-10-01,holiday\n"  # 8: two columns
        "\n"  # 9: empty line ignored
        "2027-10-02,holiday,国庆节\n"  # 10: fine
    ).encode()
    error = _import_error(admin_user, content, "2027.csv", year=2027)
    lines = [(d["line"], d["reason"]) for d in error.details]
    assert [n for n, _ in lines] == [3, 4, 5, 6, 7, 8]
    reasons = dict(lines)
    assert "日期无效" in reasons[3] and "2027-13-01" in reasons[3]
    assert "类型“vacation”无效" in reasons[4]
    assert "缺少名称" in reasons[5]
    assert "与第2行重复" in reasons[6]
    assert "不属于2027年的节假日安排" in reasons[7]
    assert "应为3列" in reasons[8]
    assert "文件有6处错误，未导入任何数据" in str(error)
    assert format_error(error.details[0]).startswith("第3行：")
    # nothing changed
    assert list(HolidayOverride.objects.values_list("date", flat=True)) == [D(2027, 5, 1)]
    assert not HolidayYear.objects.filter(complete=True).exists()
    assert len(ledger_events()) == before


def test_json_bad_entries_are_reported_with_their_line_numbers(admin_user):
    content = """{
  "year": 2027,
  "papers": [],
  "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "春节", "date": "2027-02-30", "isOffDay": true},
    {
      "name": "",
      "date": "2027-02-07",
      "isOffDay": "yes"
    }
  ]
}""".encode()
    error = _import_error(admin_user, content, "2027.json")
    assert [(d["line"]) for d in error.details] == [6, 7, 7]
    assert "日期无效" in error.details[0]["reason"]
    assert {d["reason"] for d in error.details[1:]} == {
        "isOffDay 应为 true（休息）或 false（上班）。",
        "缺少节日名称 name。",
    }


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"year": 2027, "days": [', "JSON 格式错误"),
        (b'{"year": "2027", "days": []}', "缺少有效的年份字段"),
        (b'{"year": 2027}', "缺少节假日列表字段"),
        (b"[1, 2]", "JSON 顶层应为对象"),
    ],
)
def test_malformed_json_is_refused(admin_user, content, expected):
    error = _import_error(admin_user, content, "x.json")
    assert expected in str(error.details[0]["reason"])


def test_json_year_must_match_the_chosen_year(admin_user):
    error = _import_error(admin_user, holiday_cn_bytes(2026), "2026.json", year=2027)
    assert "与所选的2027年不一致" in error.details[0]["reason"]


def test_csv_in_gbk_without_header_and_chinese_kinds(admin_user):
    content = "2027-01-01,休,元旦\n2027/2/14,班,春节\n2027-02-08,节假日,春节\n".encode("gbk")
    result = services.import_schedule(admin_user, content, "假期.csv", notice="测试（虚构）")
    assert (result.year, result.holidays, result.workdays) == (2027, 2, 1)
    assert calendar.is_workday(D(2027, 2, 14))


def test_import_replaces_the_years_previous_overrides(admin_user):
    services.set_override(admin_user, D(2027, 5, 3), OverrideKind.HOLIDAY, "旧录入")
    services.set_override(admin_user, D(2027, 1, 1), OverrideKind.HOLIDAY, "旧名称")
    result = services.import_schedule(admin_user, TEST_2027_CSV.encode(), "2027.csv", notice="测")
    assert result.removed == ["2027-05-03"]
    assert (result.replaced, result.created) == (1, 13)
    assert not HolidayOverride.objects.filter(date=D(2027, 5, 3)).exists()
    assert HolidayOverride.objects.get(date=D(2027, 1, 1)).name == "元旦"
    assert ledger_events("holiday-year:2027")[0]["removed"] == ["2027-05-03"]


def test_csv_year_is_inferred_and_empty_files_are_refused(admin_user):
    assert parse_schedule(b"2026-12-31,holiday,x\n2027-01-01,holiday,y\n", "a.csv").year == 2027
    error = _import_error(admin_user, b"date,kind,name\n", "a.csv")
    assert "没有任何节假日安排" in error.details[0]["reason"]
    error = _import_error(admin_user, b"2027-01-04,workday,x\n", "a.csv")
    assert "没有2027年的任何休息日" in error.details[0]["reason"]
    error = _import_error(admin_user, b"\xff\xfe\x00\xd8" * 3, "a.csv")
    assert error.details


def test_oversized_file_is_refused(admin_user):
    error = _import_error(admin_user, b"x" * (600 * 1024), "a.csv")
    assert "文件过大" in error.details[0]["reason"]
