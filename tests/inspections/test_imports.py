"""CSV import of the target register: all-or-nothing with "第N行：原因" errors."""

import pytest

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.inspections import services
from sanxiang.inspections.models import Target

from .conftest import usci

HEADER = "名称,统一社会信用代码,地址,信用风险分类,是否在册\r\n"


def _csv(*rows, header=HEADER, bom=True):
    text = header + "".join(row + "\r\n" for row in rows)
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def test_import_good_file(agency_a, handler_a):
    data = _csv(
        f"甲公司,{usci(1)},青禾县人民路1号,A,是",
        f"乙公司,{usci(2).lower()},,D 失信/高风险,",
        "",
        f"丙商行,{usci(3)},城关镇,c,否",
    )
    assert services.import_targets(agency_a, data, handler_a) == 3
    rows = {t.usci: t for t in Target.objects.filter(agency=agency_a)}
    assert rows[usci(1)].risk_class == "A" and rows[usci(1)].is_active
    assert rows[usci(2)].risk_class == "D"
    assert rows[usci(3)].risk_class == "C" and not rows[usci(3)].is_active


def test_bad_row_writes_nothing(agency_a, handler_a):
    data = _csv(
        f"甲公司,{usci(1)},地址,A,是",
        f"乙公司,{usci(2)[:-1]}0,地址,B,是",  # wrong check character (or wrong letter)
        f",{usci(3)},地址,E,是",
        f"丁公司,{usci(1)},地址,B,也许",
    )
    if usci(2).endswith("0"):
        data = data.replace(f"{usci(2)[:-1]}0".encode(), f"{usci(2)[:-1]}1".encode())
    with pytest.raises(DomainError) as err:
        services.import_targets(agency_a, data, handler_a)
    assert err.value.code == ErrorCode.IMPORT_FAILED
    details = [str(d) for d in err.value.details]
    assert details[0].startswith("第3行：") and "校验位" in details[0]
    assert details[1].startswith("第4行：")
    assert "名称不能为空" in details[1] and "A、B、C或D" in details[1]
    assert details[2].startswith("第5行：") and "与第2行重复" in details[2]
    assert "是否在册" in details[2]
    assert "未导入任何数据" in str(err.value)
    assert Target.objects.count() == 0


def test_existing_usci_is_a_row_error(agency_a, handler_a):
    services.add_target(agency_a, handler_a, name="甲公司", usci=usci(1), risk_class="A")
    data = _csv(f"乙公司,{usci(2)},,B,", f"甲公司,{usci(1)},,A,")
    with pytest.raises(DomainError) as err:
        services.import_targets(agency_a, data, handler_a)
    assert [str(d)[:4] for d in err.value.details] == ["第3行："]
    assert Target.objects.count() == 1


def test_not_utf8_and_missing_columns(agency_a, handler_a):
    gbk = HEADER.encode("gbk") + f"甲公司,{usci(1)},,A,\r\n".encode("gbk")
    with pytest.raises(DomainError) as err:
        services.import_targets(agency_a, gbk, handler_a)
    assert "UTF-8" in str(err.value)
    with pytest.raises(DomainError) as err:
        services.import_targets(
            agency_a, _csv("甲公司,A", header="名称,信用风险分类\r\n"), handler_a
        )
    assert "缺少列：统一社会信用代码、地址" in str(err.value.details[0])
    with pytest.raises(DomainError) as err:
        services.import_targets(agency_a, _csv(), handler_a)
    assert "没有数据行" in str(err.value)
    assert Target.objects.count() == 0


def test_import_needs_permission(agency_a, reviewer_a, handler_b):
    data = _csv(f"甲公司,{usci(1)},,A,")
    for user in (reviewer_a, handler_b):
        with pytest.raises(PermissionDenied):
            services.import_targets(agency_a, data, user)
    assert Target.objects.count() == 0


def test_overlong_name_and_address(agency_a, handler_a):
    data = _csv(f"{'甲' * 201},{usci(1)},,A,", f"乙公司,{usci(2)},{'路' * 256},B,")
    with pytest.raises(DomainError) as err:
        services.import_targets(agency_a, data, handler_a)
    details = [str(d) for d in err.value.details]
    assert "名称不能超过200个字" in details[0] and "地址不能超过255个字" in details[1]
    assert Target.objects.count() == 0
