"""执法流程图: an accessible SVG per act type, drawn from the cases state machine.

The stages come from ``sanxiang.cases.flows.FLOWS`` (the same machine that drives the
cases); when the cases app is absent, the documented static list ``STATIC_FLOWS`` is used.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from sanxiang.core.fields import CaseActType

# Fallback, kept in step with cases/flows.py (documented in docs/publicity.md).
STATIC_FLOWS = {
    CaseActType.PENALTY_GENERAL: ["立案", "调查取证", "审查决定", "送达", "执行", "结案", "归档"],
    CaseActType.PENALTY_SIMPLE: ["当场决定", "送达", "执行", "结案", "归档"],
    CaseActType.COERCION: ["立案", "调查取证", "审查决定", "送达", "执行", "结案", "归档"],
    CaseActType.LEVY: ["立案", "调查取证", "审查决定", "送达", "执行", "结案", "归档"],
    CaseActType.INSPECTION: ["立案", "调查取证", "审查决定", "结案", "归档"],
    CaseActType.LICENSING: ["受理", "审查", "决定", "送达", "结案", "归档"],
    CaseActType.CONFIRMATION: ["受理", "审查", "决定", "送达", "结案", "归档"],
    CaseActType.REWARD: ["受理", "审查", "决定", "送达", "结案", "归档"],
    CaseActType.OTHER: ["立案", "调查取证", "审查决定", "送达", "结案", "归档"],
}

# What happens inside a stage, shown under its box (only where the law adds steps).
STAGE_NOTES = {
    ("penalty_general", "decision"): "告知 · 陈述申辩/听证 · 法制审核 · 集体讨论",
    ("penalty_general", "service"): "7日内送达决定书",
    ("penalty_simple", "decision"): "出示执法证件 · 当场告知",
    ("licensing", "investigation"): "材料审查 · 现场核查",
    ("coercion", "decision"): "告知 · 陈述申辩",
}


def stages(act_type) -> list[tuple[str, str]]:
    """[(stage code, Chinese label)] for ``act_type``."""
    try:
        from sanxiang.cases.flows import FLOWS
        from sanxiang.cases.models import Stage

        return [(str(s), str(Stage(s).label)) for s in FLOWS[act_type]]
    except (ImportError, KeyError):
        return [(label, label) for label in STATIC_FLOWS.get(act_type, [])]


def svg(act_type) -> str:
    """A vertical flowchart (works on narrow phone screens), with <title>/<desc>."""
    rows = stages(act_type)
    label = str(CaseActType(act_type).label) if act_type in CaseActType.values else act_type
    box_w, box_h, gap, top = 260, 44, 26, 16
    note_h = 18
    height = top + len(rows) * (box_h + gap) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 300 {height}" '
        f'width="300" height="{height}" aria-labelledby="t d">',
        f'<title id="t">{escape(label)}流程图</title>',
        f'<desc id="d">{escape(" → ".join(name for _c, name in rows))}</desc>',
        '<defs><marker id="a" viewBox="0 0 10 10" refX="5" refY="9" markerWidth="8" '
        'markerHeight="8" orient="auto"><path d="M0,0 L10,0 L5,10 z" fill="#1f3b63"/></marker></defs>',
    ]
    y = top
    for i, (code, name) in enumerate(rows):
        note = STAGE_NOTES.get((str(act_type), code), "")
        parts.append(
            f'<rect x="20" y="{y}" width="{box_w}" height="{box_h}" rx="8" fill="#eef3fb" '
            f'stroke="#1f3b63" stroke-width="1.5"/>'
        )
        text_y = y + (box_h / 2 + 6 if not note else 20)
        parts.append(
            f'<text x="150" y="{text_y:.0f}" text-anchor="middle" font-size="16" '
            f'font-family="Noto Sans CJK SC, sans-serif" fill="#10213a">{i + 1}. {escape(name)}</text>'
        )
        if note:
            parts.append(
                f'<text x="150" y="{y + 20 + note_h:.0f}" text-anchor="middle" font-size="11" '
                f'font-family="Noto Sans CJK SC, sans-serif" fill="#333">{escape(note)}</text>'
            )
        if i + 1 < len(rows):
            parts.append(
                f'<line x1="150" y1="{y + box_h}" x2="150" y2="{y + box_h + gap - 4}" '
                f'stroke="#1f3b63" stroke-width="2" marker-end="url(#a)"/>'
            )
        y += box_h + gap
    parts.append("</svg>")
    return "".join(parts)
