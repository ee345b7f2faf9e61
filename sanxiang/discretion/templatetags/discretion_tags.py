"""Case-page panels: 办案规范 of the current stage and the discretion consistency summary."""

from django import template

register = template.Library()


@register.inclusion_tag("discretion/_guidance.html")
def case_guidance(case):
    from sanxiang.assist.guidance import stage_guidance

    return {"case": case, "g": stage_guidance(case)}


@register.inclusion_tag("discretion/_case_panel.html")
def discretion_summary(case):
    from ..services import is_penalty, latest_assessment

    show = is_penalty(case) and case.proposed_fine is not None and not case.decision_at
    return {
        "case": case,
        "show": show,
        "latest": latest_assessment(case) if show else None,
    }
