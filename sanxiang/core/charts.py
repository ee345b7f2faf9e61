"""Server-side SVG bar charts (issue #13 item 6): no JavaScript library, no CDN.

A chart is decoration over a table: every template that shows a chart also renders the
table of the same figures (the accessible fallback and what prints). Each bar may link to
the filtered list behind it (drill-down), and carries a ``<title>`` with its exact value.

    svg = bar_chart(
        ["2026-01", "2026-02"],
        [Series("立案", [3, 5]), Series("结案", [1, 4])],
        title="立案与结案",
        link=lambda s, c: f"/cases/?stage=...",
    )

``horizontal=True`` draws one row per category (long agency names read better).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from math import floor, log10

from django.utils.html import escape
from django.utils.safestring import mark_safe

_ids = count(1)


@dataclass
class Series:
    name: str
    values: list


def _nice_max(value):
    """The axis top: 5 or the next 1/2/5 × 10^n at or above ``value``."""
    if value <= 5:
        return 5
    magnitude = 10 ** floor(log10(value))
    for mult in (1, 2, 5, 10):
        if mult * magnitude >= value:
            return mult * magnitude
    return 10 * magnitude  # pragma: no cover


def _link(link, si, ci):
    if link is None:
        return None
    return link(si, ci)


def _bar(x, y, w, h, css, label, url):
    rect = (
        f'<rect class="bar {css}" x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" '
        f'height="{max(h, 0):.1f}"><title>{escape(label)}</title></rect>'
    )
    if url:
        return f'<a href="{escape(url)}" aria-label="{escape(label)}">{rect}</a>'
    return rect


def bar_chart(
    categories: list,
    series: list[Series],
    *,
    title: str,
    link: Callable | None = None,
    horizontal: bool = False,
    width: int | None = None,
):
    """An SVG grouped bar chart as safe HTML; ``link(series_index, category_index)`` returns
    the drill-down URL of a bar (or None)."""
    width = width or (420 if horizontal else 640)
    chart_id = f"chart-{next(_ids)}"
    categories = [str(c) for c in categories]
    nseries = max(len(series), 1)
    peak = max([v or 0 for s in series for v in s.values] + [0])
    top = _nice_max(peak)
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}" xmlns="http://www.w3.org/2000/svg" ',
    ]
    body = []
    if horizontal:
        label_w, pad_r, row_h = 110, 36, 8 + 14 * nseries
        height = 24 + row_h * len(categories) + 20
        plot_w = width - label_w - pad_r
        for ci, cat in enumerate(categories):
            y0 = 24 + ci * row_h
            short = cat if len(cat) <= 8 else cat[:7] + "…"
            body.append(
                f'<text x="{label_w - 6}" y="{y0 + row_h / 2 + 4:.1f}" text-anchor="end">'
                f"<title>{escape(cat)}</title>{escape(short)}</text>"
            )
            for si, s in enumerate(series):
                value = s.values[ci] or 0
                w = plot_w * value / top
                y = y0 + 4 + si * 14
                label = f"{cat} · {s.name}：{value}"
                body.append(_bar(label_w, y, w, 12, f"s{si}", label, _link(link, si, ci)))
                body.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 10:.1f}">{value}</text>')
        body.append(
            f'<line class="axis" x1="{label_w}" y1="20" x2="{label_w}" y2="{height - 16}"/>'
        )
    else:
        pad_l, pad_b, pad_t = 36, 40, 24
        height = 260
        plot_h = height - pad_b - pad_t
        plot_w = width - pad_l - 8
        slot = plot_w / max(len(categories), 1)
        bar_w = max(min((slot - 6) / nseries, 28), 2)
        for tick in range(0, 5 + 1):
            v = top * tick / 5
            y = pad_t + plot_h - plot_h * tick / 5
            body.append(
                f'<line class="axis" x1="{pad_l}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}"/>'
            )
            body.append(f'<text x="{pad_l - 4}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
        for ci, cat in enumerate(categories):
            x0 = pad_l + ci * slot + (slot - bar_w * nseries) / 2
            for si, s in enumerate(series):
                value = s.values[ci] or 0
                h = plot_h * value / top
                label = f"{cat} · {s.name}：{value}"
                body.append(
                    _bar(
                        x0 + si * bar_w,
                        pad_t + plot_h - h,
                        bar_w - 1,
                        h,
                        f"s{si}",
                        label,
                        _link(link, si, ci),
                    )
                )
            body.append(
                f'<text x="{pad_l + ci * slot + slot / 2:.1f}" y="{height - pad_b + 14}" '
                f'text-anchor="middle">{escape(cat[-5:] if len(cat) > 7 else cat)}</text>'
            )
    parts.append(f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">')
    parts.append(f'<title id="{chart_id}">{escape(title)}</title>')
    parts.extend(body)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated value is escaped above


def legend(series: list[Series]):
    items = "".join(
        f'<li><span class="swatch s{i}" aria-hidden="true"></span>{escape(s.name)}</li>'
        for i, s in enumerate(series)
    )
    return mark_safe(f'<ul class="legend">{items}</ul>')  # noqa: S308 - every interpolated value is escaped above
