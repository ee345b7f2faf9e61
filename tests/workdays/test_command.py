"""`manage.py workdays …` for administrators."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sanxiang.workdays import calendar
from sanxiang.workdays.models import HolidayYear

from .conftest import TEST_2027_CSV, ledger_events


def run(*args):
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_add_prints_the_deadline(db):
    assert run("add", "2026-09-30", "7") == "2026-10-15\n"


def test_between_prints_the_count(db):
    assert run("between", "2026-09-30", "2026-10-15") == "7\n"
    assert run("between", "2026-10-15", "2026-09-30") == "-7\n"


def test_is_and_next(db):
    assert run("is", "2026-10-10") == "2026-10-10 星期六 工作日（调休上班：国庆节）\n"
    assert run("is", "2026-10-01") == "2026-10-01 星期四 休息日（国庆节）\n"
    assert run("is", "2026-10-12") == "2026-10-12 星期一 工作日\n"
    assert run("next", "2026-09-30") == "2026-10-08\n"


def test_unknown_year_prints_the_date_first_then_provisional(db):
    note = "2028年节假日安排尚未录入，暂按法定节假日推算，录入后自动重算"
    assert run("add", "2028-01-24", "3") == f"2028-02-02 暂定：{note}\n"
    assert run("between", "2028-01-24", "2028-02-02") == f"3 暂定：{note}\n"
    assert run("add", "2026-09-30", "7") == "2026-10-15\n"  # official: no suffix
    with pytest.raises(CommandError) as exc:
        run("add", "1999-12-28", "5")
    assert "1999年的节假日安排尚未录入" in str(exc.value)


def test_bad_arguments(db):
    with pytest.raises(CommandError, match="日期格式无效"):
        run("add", "2026/09/31", "7")
    with pytest.raises(CommandError, match="不能为负数"):
        run("add", "2026-09-30", "-1")


def test_status_lists_years(db):
    out = run("status").splitlines()
    assert "2026 已有数据（内置）" in out
    assert any(line.startswith("2027 未录入") for line in out)


def test_import_csv_then_the_year_works(admin_user, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(TEST_2027_CSV, encoding="utf-8")
    out = run("import", str(path), "--notice", "测试用通知（虚构）")  # the only administrator
    assert out == (
        "已导入2027年节假日安排：休息日12天，调休上班日2天；已标记为完整录入。\n"
        "没有需要重算的暂定期限。\n"
    )
    assert run("add", "2026-12-28", "5") == "2027-01-05\n"
    assert HolidayYear.objects.get(year=2027).entered_by == admin_user
    assert ledger_events("holiday-year:2027")[0]["actor"]["id"] == admin_user.pk


def test_import_bad_file_lists_every_bad_row(admin_user, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n2027-03-01,x,y\n")
    with pytest.raises(CommandError) as exc:
        run("import", str(path), "--user", admin_user.username)
    lines = str(exc.value).splitlines()
    assert lines[0].startswith("导入失败：文件有2处错误，未导入任何数据。")
    assert lines[1].startswith("第2行：日期无效")
    assert lines[2].startswith("第3行：类型“x”无效")
    assert not calendar.year_is_known(2027)


def test_import_as_a_non_administrator_is_refused(handler_a, admin_user, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(TEST_2027_CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="只有系统管理员"):
        run("import", str(path), "--user", handler_a.username)
    with pytest.raises(CommandError, match="不存在"):
        run("import", str(path), "--user", "nobody")
    with pytest.raises(CommandError, match="无法读取文件"):
        run("import", str(tmp_path / "missing.csv"), "--user", admin_user.username)
    assert not calendar.year_is_known(2027)


def test_import_needs_user_when_several_administrators(admin_user, tmp_path):
    from sanxiang.org import services as org
    from sanxiang.org.models import Role

    org.create_user(
        username="root2", password="Test-pass-2026", role=Role.ADMIN, full_name="管理员二"
    )
    path = tmp_path / "2027.csv"
    path.write_text(TEST_2027_CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="--user"):
        run("import", str(path))
