"""How a patrol quarter reads in the Chinese UI: 「2026年第四季度」, never 「26Q4」 nor
「2026年第4季度」 (issue #13 item 9). The one helper for pages, charts and exports."""

from django.utils.translation import gettext as _

QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


def quarter_label(year, quarter) -> str:
    """「2026年第四季度」 for (2026, 4); a quarter outside 1–4 keeps its number."""
    try:
        name = QUARTER_NAMES.get(int(quarter), str(quarter))
    except (TypeError, ValueError):
        name = str(quarter)
    return _("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": name}
