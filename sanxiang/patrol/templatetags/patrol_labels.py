"""``{{ round|quarter_label }}``: a patrol round's quarter as 「2026年第四季度」
(``patrol.labels.quarter_label``)."""

from django import template

from sanxiang.patrol.labels import quarter_label as _quarter_label

register = template.Library()


@register.filter
def quarter_label(rnd):
    """The quarter of anything with ``year`` and ``quarter`` (a round, a trend row)."""
    year, quarter = getattr(rnd, "year", None), getattr(rnd, "quarter", None)
    if isinstance(rnd, dict):
        year, quarter = rnd.get("year"), rnd.get("quarter")
    if year is None or quarter is None:
        return ""
    return _quarter_label(year, quarter)
