"""网上巡查 scoring checklist as versioned data.

A round stores the version it was created with (``PatrolRound.checklist_version``); a new
standard is a new entry in ``CHECKLISTS`` (never edit a version in use). Points sum to 100;
an item's score is 100 minus the automatic and the supervisor's deductions.

``auto`` items are scored by the platform (``checks.py``) and cannot be changed by hand;
the others are scored by the supervisor. Grades are those of 案卷评查
(``sanxiang.evaluation.checklist``: 优秀 ≥ 90, 合格 ≥ 75, 基本合格 ≥ 60, 不合格 < 60).
"""

from dataclasses import dataclass

from sanxiang.evaluation.checklist import GRADE_LABELS, GRADES, grade_for

__all__ = ["GRADES", "GRADE_LABELS", "grade_for", "items", "auto_items", "manual_items"]


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    points: int
    hint: str = ""
    auto: bool = False


CURRENT_VERSION = "2026.1"

CHECKLISTS = {
    "2026.1": (
        Item(
            "fields",
            "公示要素齐全",
            20,
            "执法机关、文书号、相对人、类别、结论及处罚/许可的必备字段；一般程序处罚公开全文"
            "（每缺一项扣5分）",
            auto=True,
        ),
        Item(
            "timeliness",
            "按时公示",
            20,
            "许可、处罚决定7个工作日内，其他决定20个工作日内公开",
            auto=True,
        ),
        Item(
            "redaction",
            "依法脱敏（身份证号、电话号码）",
            20,
            "公开内容中不得出现身份证号码、个人电话号码",
            auto=True,
        ),
        Item(
            "portal",
            "公开页面状态正确",
            10,
            "已公示的可以访问；被撤销、确认违法、责令重作的决定已撤下并改为撤下公告",
            auto=True,
        ),
        Item("accuracy", "内容准确", 15, "公示内容与决定书一致，无错漏"),
        Item("standard", "表述规范", 10, "标题明确、分类正确、表述规范、便于检索"),
        Item("privacy", "脱敏适度", 5, "自然人姓名等已隐去，且未过度隐去应公开的内容"),
    ),
}


def items(version=CURRENT_VERSION):
    return CHECKLISTS[version]


def auto_items(version=CURRENT_VERSION):
    return tuple(i for i in items(version) if i.auto)


def manual_items(version=CURRENT_VERSION):
    return tuple(i for i in items(version) if not i.auto)


def item(version, code):
    return next(i for i in items(version) if i.code == code)
