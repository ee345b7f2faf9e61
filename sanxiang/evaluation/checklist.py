"""评查标准 (scoring checklist) as versioned data.

A round stores the version it was created with (``Round.checklist_version``); a new
standard is a new entry in ``CHECKLISTS`` (never edit a version in use). Points of every
version sum to 100; a sheet's score is 100 minus the deductions.

Grades (defaults, 《行政执法案卷评查》 common practice): 优秀 ≥ 90, 合格 ≥ 75,
基本合格 ≥ 60, 不合格 < 60.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    points: int
    hint: str = ""


CURRENT_VERSION = "2026.1"

CHECKLISTS = {
    "2026.1": (
        Item("subject", "执法主体合法", 10, "执法主体资格、执法人员持证、两人以上执法"),
        Item("facts", "事实清楚、证据确凿", 20, "证据收集合法、充分，能相互印证"),
        Item("law", "适用法律正确", 15, "适用法律、法规、规章条款准确"),
        Item("procedure", "程序合法", 20, "立案、调查、告知、听证、送达等程序完整、期限合规"),
        Item("discretion", "裁量适当", 10, "符合裁量基准，超出基准有书面说明"),
        Item("documents", "文书规范完整", 10, "文书齐全、格式规范、编号正确、签章完备"),
        Item("recording", "全过程记录（音像记录按规定上传）", 10, "按音像记录事项清单记录并入库"),
        Item("review", "重大决定经法制审核", 5, "须法制审核的决定经审核通过后作出"),
    ),
}

# (grade code, label, minimum score), highest first.
GRADES = (
    ("excellent", "优秀", 90),
    ("pass", "合格", 75),
    ("basic", "基本合格", 60),
    ("fail", "不合格", 0),
)
GRADE_LABELS = {code: label for code, label, _min in GRADES}


def items(version=CURRENT_VERSION):
    return CHECKLISTS[version]


def grade_for(score):
    """The grade code for a score 0..100."""
    for code, _label, minimum in GRADES:
        if score >= minimum:
            return code
    return GRADES[-1][0]
