"""Column layout of each catalogue kind, shared by import, export and the item tables.

Every column has a Chinese header (the documented file header), the model attribute and a
value type. ``parse`` turns a cell into a Python value or raises ``ValueError`` with a Chinese
reason; ``format`` turns a value back into the cell text (export == import round trip).
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sanxiang.core.fields import (
    ActType,
    CaseActType,
    EnforcementField,
    PartyType,
    PenaltyKind,
    RecordedActivity,
)
from sanxiang.org.models import AgencyLevel

from .models import (
    CatalogKind,
    FineBasis,
    MajorCondition,
    MajorFlag,
    RemedyKind,
    TimeUnit,
)

LIST_SEP = re.compile(r"[、,，;；]\s*")
CN_DIGITS = "零一二三四五六七八九十百千〇两"
ARTICLE_RE = re.compile(
    r"第[零一二三四五六七八九十百千〇0-9]+条(?:第[零一二三四五六七八九十百〇0-9]+款)?(?:第[（(]?[零一二三四五六七八九十0-9]+[)）]?项)?"
)
LAW_RE = re.compile(r"《([^》]{2,60})》")


def extract_legal_refs(text):
    """[{"law": ..., "article": ...}] from text such as 《中华人民共和国食品安全法》第一百二十四条."""
    refs = []
    text = text or ""
    matches = list(LAW_RE.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        segment = text[m.end() : end]
        # articles that directly follow the law title (before the next sentence)
        head = re.split(r"[。：:]", segment, maxsplit=1)[0]
        law = re.sub(r"[（(][^）)]*[)）]$", "", m.group(1)).strip()
        articles = ARTICLE_RE.findall(head)
        for art in articles or [""]:
            ref = {"law": law, "article": art}
            if ref not in refs:
                refs.append(ref)
    return refs


def format_legal_refs(refs):
    return "；".join(f"《{r.get('law', '')}》{r.get('article', '')}" for r in refs or [])


@dataclass(frozen=True)
class Column:
    header: str
    attr: str
    type: str = "str"  # str, int, decimal, choice, choices, bool, refs, lines
    required: bool = False
    choices: object = None
    max_length: int | None = None

    def parse(self, raw):
        text = "" if raw is None else str(raw).strip()
        if self.type == "lines":
            text = "" if raw is None else str(raw).replace("\r\n", "\n").strip()
        if not text:
            if self.required:
                raise ValueError(f"“{self.header}”不能为空")
            return self.empty()
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"“{self.header}”超过{self.max_length}个字符")
        if self.type in ("str", "lines"):
            return text
        if self.type == "int":
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise ValueError(f"“{self.header}”应为整数：{text}") from None
            if number != number.to_integral_value() or number < 0:
                raise ValueError(f"“{self.header}”应为非负整数：{text}")
            return int(number)
        if self.type == "decimal":
            try:
                number = Decimal(text.replace(",", "").replace("，", ""))
            except InvalidOperation:
                raise ValueError(f"“{self.header}”应为数字：{text}") from None
            if number < 0 or not number.is_finite():
                raise ValueError(f"“{self.header}”不能为负数：{text}")
            return number
        if self.type == "bool":
            if text in ("是", "含", "Y", "y", "1", "true", "True"):
                return True
            if text in ("否", "不含", "N", "n", "0", "false", "False"):
                return False
            raise ValueError(f"“{self.header}”应填“是”或“否”：{text}")
        if self.type == "choice":
            return choice_value(self.choices, text, self.header)
        if self.type == "choices":
            return [
                choice_value(self.choices, part, self.header)
                for part in LIST_SEP.split(text)
                if part
            ]
        if self.type == "refs":
            refs = extract_legal_refs(text)
            if not refs:
                raise ValueError(f"“{self.header}”应写成《法律名称》第×条，多条以“；”分隔：{text}")
            return refs
        raise AssertionError(self.type)

    def empty(self):
        if self.type in ("int", "decimal"):
            return None
        if self.type in ("choices", "refs"):
            return []
        if self.type == "bool":
            return True
        return ""

    def format(self, value):
        if value is None:
            return ""
        if self.type == "choice":
            return str(self.choices(value).label) if value else ""
        if self.type == "choices":
            return "、".join(str(self.choices(v).label) for v in value)
        if self.type == "bool":
            return "是" if value else "否"
        if self.type == "refs":
            return format_legal_refs(value)
        if self.type == "decimal":
            return format_decimal(value)
        return str(value)


def format_decimal(value):
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def choice_value(choices, text, header):
    text = text.strip()
    for value, label in choices.choices:
        if text == value or text == str(label):
            return value
    names = "、".join(str(label) for _, label in choices.choices)
    raise ValueError(f"“{header}”的值“{text}”不在可选范围内（{names}）")


POWER_COLUMNS = [
    Column("事项编码", "code", required=True, max_length=64),
    Column("事项名称", "name", required=True, max_length=300),
    Column("执法类别", "act_type", "choice", True, ActType),
    Column("执法领域", "field", "choice", True, EnforcementField),
    Column("设定依据", "legal_basis", "lines", True),
    Column("条款引用", "legal_refs", "refs"),
    Column("实施程序", "procedure", "lines"),
    Column("法定期限(工作日)", "time_limit_days", "int"),
    Column("期限说明", "time_limit_note", max_length=300),
    Column("承办机构", "responsible_unit", max_length=120),
]

# One row per tier; the benchmark columns repeat on every row of the same 基准编码.
DISCRETION_BENCHMARK_COLUMNS = [
    Column("基准编码", "code", required=True, max_length=64),
    Column("违法行为", "violation", "lines", True),
    Column("所属法律法规", "law_title", max_length=200),
    Column("法律依据", "legal_basis", "lines"),
    Column("对应事项编码", "power_code", max_length=64),
]
DISCRETION_TIER_COLUMNS = [
    Column("档次序号", "order", "int", True),
    Column("裁量档次", "name", required=True, max_length=40),
    Column("适用情形", "conditions", "lines"),
    Column("处罚标准", "standard", "lines"),
    Column("罚款计算方式", "fine_basis", "choice", True, FineBasis),
    Column("计算基数", "base_label", max_length=60),
    Column("罚款下限", "fine_min", "decimal"),
    Column("罚款上限", "fine_max", "decimal"),
    Column("其他处罚种类", "penalty_kinds", "choices", False, PenaltyKind),
    Column("备注", "remark", "lines"),
]
DISCRETION_COLUMNS = DISCRETION_BENCHMARK_COLUMNS + DISCRETION_TIER_COLUMNS

MAJOR_COLUMNS = [
    Column("条目编码", "code", required=True, max_length=64),
    Column("执法类别", "act_type", "choice", False, ActType),
    Column("案件程序类别", "case_act_type", "choice", False, CaseActType),
    Column("执法领域", "field", "choice", False, EnforcementField),
    Column("机关层级", "level", "choice", False, AgencyLevel),
    Column("审核条件", "condition", "choice", True, MajorCondition),
    Column("当事人类别", "party_types", "choices", False, PartyType),
    Column("金额(元)", "amount", "decimal"),
    Column("含本数", "inclusive", "bool"),
    Column("处罚种类", "penalty_kind", "choice", False, PenaltyKind),
    Column("特定情形", "flag", "choice", False, MajorFlag),
    Column("条目表述", "description", max_length=500),
    Column("原文", "quote", "lines"),
]

RECORDING_COLUMNS = [
    Column("事项编码", "code", required=True, max_length=64),
    Column("执法行为类别", "case_act_type", "choice", False, CaseActType),
    Column("执法环节", "activity", "choice", True, RecordedActivity),
    Column("记录要求", "requirement", "lines"),
    Column("依据", "basis", "lines"),
]

INSPECTION_COLUMNS = [
    Column("事项编码", "code", required=True, max_length=64),
    Column("抽查事项", "name", required=True, max_length=300),
    Column("执法领域", "field", "choice", False, EnforcementField),
    Column("抽查依据", "basis", "lines", True),
    Column("抽查对象", "targets", "lines", True),
    Column("抽查比例", "ratio", required=True, max_length=100),
    Column("抽查方式", "method", required=True, max_length=200),
    Column("抽查频次", "frequency", required=True, max_length=100),
    Column("检查内容", "content", "lines"),
]

GUIDE_COLUMNS = [
    Column("指南编码", "code", required=True, max_length=64),
    Column("指南名称", "title", required=True, max_length=300),
    Column("执法类别", "act_type", "choice", True, ActType),
    Column("对应事项编码", "power_code", max_length=64),
    Column("办理依据", "basis", "lines"),
    Column("办理条件", "conditions", "lines"),
    Column("所需材料", "materials", "lines"),
    Column("办理流程", "steps", "lines"),
    Column("办理时限", "time_limit", max_length=200),
    Column("收费标准", "fee", max_length=200),
    Column("办理地点", "place", max_length=300),
    Column("咨询电话", "phone", max_length=60),
]

REMEDY_COLUMNS = [
    Column("编码", "code", required=True, max_length=64),
    Column("救济方式", "kind", "choice", True, RemedyKind),
    Column("受理机关", "body", required=True, max_length=300),
    Column("期限", "time_limit", "int"),
    Column("期限单位", "time_unit", "choice", False, TimeUnit),
    Column("法律依据", "basis", max_length=300),
    Column("说明", "note", "lines"),
]

CONTACT_COLUMNS = [
    Column("编码", "code", required=True, max_length=64),
    Column("部门/窗口", "name", required=True, max_length=200),
    Column("受理事项", "purpose", max_length=300),
    Column("电话", "phone", required=True, max_length=60),
    Column("地址", "address", max_length=300),
    Column("办公时间", "hours", max_length=120),
    Column("电子邮箱", "email", max_length=120),
]

COLUMNS = {
    CatalogKind.POWERS: POWER_COLUMNS,
    CatalogKind.DISCRETION: DISCRETION_COLUMNS,
    CatalogKind.MAJOR: MAJOR_COLUMNS,
    CatalogKind.RECORDING: RECORDING_COLUMNS,
    CatalogKind.INSPECTION: INSPECTION_COLUMNS,
    CatalogKind.GUIDES: GUIDE_COLUMNS,
    CatalogKind.REMEDIES: REMEDY_COLUMNS,
    CatalogKind.CONTACTS: CONTACT_COLUMNS,
}


def headers(kind):
    return [c.header for c in COLUMNS[kind]]
