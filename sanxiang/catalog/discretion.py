"""裁量基准: parsing penalty standards, checking a proposed penalty against a tier, lookup.

``parse_standard("处二万元以上二十万元以下的罚款")`` understands plain ranges written with
Arabic or Chinese numerals, fixed amounts, multiples (违法所得1倍以上3倍以下) and percentages
(总投资额百分之一以上百分之五以下). Anything else keeps its text and has no numeric range.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import PenaltyKind

from .models import CatalogKind, DiscretionBenchmark, FineBasis

# --------------------------------------------------------------------------- numerals

_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_BIG_UNIT = {"万": 10000, "亿": 100000000}
NUM = r"[0-9０-９.．零〇一二两三四五六七八九十百千万亿]+"


def parse_number(text):
    """'1.5万' → 15000, '二十万' → 200000, '一万五千' → 15000, '5000' → 5000."""
    text = (text or "").strip().replace("，", "").replace(",", "")
    text = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    if not text:
        raise ValueError("empty number")
    total = Decimal(0)
    section = Decimal(0)  # below 万
    digit = None  # pending digit (Decimal)
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isdigit() or ch == ".":
            j = i
            while j < len(text) and (text[j].isdigit() or text[j] == "."):
                j += 1
            digit = Decimal(text[i:j])
            i = j
            continue
        if ch in _CN_DIGIT:
            digit = Decimal(_CN_DIGIT[ch])
        elif ch in _CN_SMALL_UNIT:
            section += (digit if digit is not None else Decimal(1)) * _CN_SMALL_UNIT[ch]
            digit = None
        elif ch in _CN_BIG_UNIT:
            section += digit or 0
            digit = None
            total = (
                (total + section) * _CN_BIG_UNIT[ch]
                if ch == "亿"
                else total + section * _CN_BIG_UNIT[ch]
            )
            section = Decimal(0)
        else:
            raise ValueError(f"not a number: {text}")
        i += 1
    total += section + (digit or 0)
    return total


# --------------------------------------------------------------------------- standards

_YUAN = r"(?:元|元人民币)?"
_RANGE_RE = re.compile(
    rf"(?:处以?|并处|处)?(?P<min>{NUM}){_YUAN}以上(?:的)?(?P<max>{NUM}){_YUAN}以下(?:的)?元?罚款"
)
_UPPER_RE = re.compile(rf"处以?(?P<max>{NUM}){_YUAN}以下(?:的)?罚款")
_FIXED_RE = re.compile(rf"处以?(?P<amount>{NUM})元(?:的)?罚款")
_MULT_RE = re.compile(
    rf"(?P<base>违法所得|货值金额|违法收入|销售额|营业额|工程合同价款|[^，,；;。]{{0,12}}?(?:费用|价款|金额|价值|所得))"
    rf"(?:的)?(?P<min>{NUM})倍以上(?:的)?(?P<max>{NUM})倍以下"
)
_BASE = r"(?P<base>违法所得|货值金额|直接经济损失|直接损失|[^，,；;。]{0,12}?(?:总投资额|费用|价款|金额))"
_MULT_FIXED_RE = re.compile(rf"{_BASE}(?:的)?(?P<amount>{NUM})倍(?:的)?罚款")
_PCT_FIXED_RE = re.compile(
    _BASE
    + r"(?:的)?(?:百分之(?P<cn>[零一二三四五六七八九十点.0-9]+)|(?P<ar>[0-9.]+)[%％])(?:的)?罚款"
)
_PCT_RE = re.compile(
    r"(?P<base>[^，,；;。]{0,16}?(?:总投资额|投资额|合同价款|价款|金额|费用|所得))"
    r"(?:的)?百分之(?P<min>[零一二三四五六七八九十点.0-9]+)以上(?:的)?"
    r"百分之(?P<max>[零一二三四五六七八九十点.0-9]+)以下"
)

_KIND_WORDS = [
    ("警告", PenaltyKind.WARNING),
    ("通报批评", PenaltyKind.CRITICISM),
    ("没收违法所得", PenaltyKind.CONFISCATE_INCOME),
    ("没收非法财物", PenaltyKind.CONFISCATE_PROPERTY),
    ("暂扣", PenaltyKind.SUSPEND_LICENCE),
    ("降低资质等级", PenaltyKind.LOWER_QUALIFICATION),
    ("吊销", PenaltyKind.REVOKE_LICENCE),
    ("限制开展生产经营活动", PenaltyKind.RESTRICT_ACTIVITIES),
    ("责令停产停业", PenaltyKind.STOP_PRODUCTION),
    ("责令停业", PenaltyKind.STOP_PRODUCTION),
    ("责令停产", PenaltyKind.STOP_PRODUCTION),
    ("责令关闭", PenaltyKind.CLOSE),
    ("限制从业", PenaltyKind.RESTRICT_EMPLOYMENT),
    ("拘留", PenaltyKind.DETENTION),
]


@dataclass
class ParsedStandard:
    fine_basis: str = FineBasis.NONE
    base_label: str = ""
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    penalty_kinds: list = field(default_factory=list)

    @property
    def parsed(self):
        return self.fine_basis != FineBasis.NONE


def _pct(text):
    text = text.replace("点", ".")
    return parse_number(text)


def penalty_kinds_in(text):
    kinds = []
    for word, kind in _KIND_WORDS:
        if word in (text or "") and kind not in kinds:
            kinds.append(kind)
    return kinds


def parse_standard(standard, remark=""):
    """Parse a Chinese penalty standard into a fine range (first range found wins)."""
    text = re.sub(r"\s+", "", standard or "")
    result = ParsedStandard(penalty_kinds=penalty_kinds_in(text + (remark or "")))
    candidates = []
    for regex, basis in (
        (_RANGE_RE, FineBasis.FIXED),
        (_MULT_RE, FineBasis.MULTIPLE),
        (_PCT_RE, FineBasis.PERCENTAGE),
        (_UPPER_RE, FineBasis.FIXED),
        (_FIXED_RE, FineBasis.FIXED),
        (_MULT_FIXED_RE, FineBasis.MULTIPLE),
        (_PCT_FIXED_RE, FineBasis.PERCENTAGE),
    ):
        m = regex.search(text)
        if m:
            candidates.append((m.start(), regex, basis, m))
    if not candidates:
        return result
    candidates.sort(key=lambda c: c[0])
    _, regex, basis, m = candidates[0]
    try:
        if regex is _RANGE_RE:
            lo, hi = parse_number(m.group("min")), parse_number(m.group("max"))
            lo = _apply_unit_from_max(m.group("min"), m.group("max"), lo)
        elif regex is _UPPER_RE:
            lo, hi = Decimal(0), parse_number(m.group("max"))
        elif regex is _FIXED_RE:
            lo = hi = parse_number(m.group("amount"))
        elif regex is _MULT_FIXED_RE:
            lo = hi = parse_number(m.group("amount"))
            result.base_label = _clean_base(m.group("base"))
        elif regex is _PCT_FIXED_RE:
            lo = hi = _pct(m.group("cn") or m.group("ar"))
            result.base_label = _clean_base(m.group("base"))
        elif regex is _MULT_RE:
            lo, hi = parse_number(m.group("min")), parse_number(m.group("max"))
            result.base_label = _clean_base(m.group("base"))
        else:
            lo, hi = _pct(m.group("min")), _pct(m.group("max"))
            result.base_label = _clean_base(m.group("base"))
    except (ValueError, ArithmeticError):
        return result
    if lo > hi:
        return result
    result.fine_basis, result.fine_min, result.fine_max = basis, lo, hi
    return result


def _apply_unit_from_max(raw_min, raw_max, lo):
    """'处5至10万元' style is not matched; '处一以上三万元以下' never occurs; keep lo as is."""
    return lo


def _clean_base(text):
    text = re.sub(r"^.*?(?:并处|处以|处|按照|按)", "", text or "")
    for word in ("违法所得", "货值金额", "违法收入", "直接经济损失", "直接损失", "总投资额"):
        if word in text:
            return "建设项目总投资额" if word == "总投资额" and "建设项目" in text else word
    return text[-12:]


# --------------------------------------------------------------------------- checking


@dataclass
class DiscretionCheck:
    within: bool
    reason: str
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    def __bool__(self):
        return self.within


def _yuan(value):
    from .columns import format_decimal

    return f"{format_decimal(value)}元"


def tier_bounds(tier, base_amount=None):
    """(minimum, maximum) in yuan, or (None, None) when the tier has no numeric range."""
    if tier.fine_basis == FineBasis.NONE or (tier.fine_min is None and tier.fine_max is None):
        return None, None
    lo, hi = tier.fine_min, tier.fine_max
    if tier.fine_basis in (FineBasis.MULTIPLE, FineBasis.PERCENTAGE):
        if base_amount is None:
            raise DomainError(
                _("该裁量档次按%(base)s的%(how)s计算罚款，请提供%(base)s金额。")
                % {
                    "base": tier.base_label or _("计算基数"),
                    "how": _("倍数") if tier.fine_basis == FineBasis.MULTIPLE else _("百分比"),
                },
                code=ErrorCode.REQUIRED,
            )
        base = Decimal(base_amount)
        if base < 0:
            raise DomainError(_("计算基数金额不能为负数。"), code=ErrorCode.OUT_OF_RANGE)
        factor = Decimal(1) if tier.fine_basis == FineBasis.MULTIPLE else Decimal("0.01")
        lo = None if lo is None else (base * lo * factor).quantize(Decimal("0.01"))
        hi = None if hi is None else (base * hi * factor).quantize(Decimal("0.01"))
    return lo, hi


def check_penalty(tier, *, fine=None, base_amount=None, penalty_kinds=()):
    """Is the proposed penalty within ``tier``? Bounds are inclusive (以上、以下含本数)."""
    lo, hi = tier_bounds(tier, base_amount)
    kinds = {str(k) for k in penalty_kinds or ()}
    problems = []
    allowed = set(tier.penalty_kinds or [])
    extra = kinds - allowed - {PenaltyKind.FINE}
    if extra and (allowed or tier.fine_basis != FineBasis.NONE):
        names = "、".join(
            str(PenaltyKind(k).label) if k in PenaltyKind.values else k for k in sorted(extra)
        )
        problems.append(_("该档次未规定以下处罚种类：%(k)s") % {"k": names})
    if fine is not None:
        fine = Decimal(fine)
        if lo is None and hi is None:
            return DiscretionCheck(
                False,
                _("该裁量档次没有数值化的罚款幅度，请对照处罚标准原文人工核对：%(s)s")
                % {"s": tier.standard or "—"},
            )
        if lo is not None and fine < lo:
            problems.append(
                _("拟罚款%(f)s低于该档次下限%(lo)s") % {"f": _yuan(fine), "lo": _yuan(lo)}
            )
        if hi is not None and fine > hi:
            problems.append(
                _("拟罚款%(f)s高于该档次上限%(hi)s") % {"f": _yuan(fine), "hi": _yuan(hi)}
            )
    if problems:
        return DiscretionCheck(False, "；".join(problems) + "。", lo, hi)
    if fine is None:
        reason = _("处罚种类符合该档次。")
    else:
        reason = _("拟罚款%(f)s在该档次幅度%(lo)s至%(hi)s之内。") % {
            "f": _yuan(fine),
            "lo": _yuan(lo) if lo is not None else "—",
            "hi": _yuan(hi) if hi is not None else "—",
        }
    return DiscretionCheck(True, reason, lo, hi)


def describe_range(tier):
    if tier.fine_basis == FineBasis.NONE or tier.fine_max is None:
        return ""
    from .columns import format_decimal

    lo, hi = format_decimal(tier.fine_min or 0), format_decimal(tier.fine_max)
    if tier.fine_basis == FineBasis.MULTIPLE:
        return f"{tier.base_label}{lo}～{hi}倍"
    if tier.fine_basis == FineBasis.PERCENTAGE:
        return f"{tier.base_label}{lo}%～{hi}%"
    return f"{lo}～{hi}元" if lo != hi else f"{hi}元"


# --------------------------------------------------------------------------- lookup


def find_benchmarks(agency, power=None, text=None, on_date=None):
    """Benchmarks in force for ``agency`` (own catalogue, then its ancestors')."""
    from .services import applicable_versions

    versions = applicable_versions(agency, CatalogKind.DISCRETION, on_date)
    qs = DiscretionBenchmark.objects.filter(version__in=versions).select_related("version")
    if power is not None:
        code = power if isinstance(power, str) else power.code
        qs = qs.filter(power_code=code)
    if text:
        for word in str(text).split():
            qs = qs.filter(
                Q(violation__icontains=word)
                | Q(legal_basis__icontains=word)
                | Q(code__icontains=word)
                | Q(law_title__icontains=word)
            )
    return qs.prefetch_related("tiers").order_by("version__agency__path", "id")
