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

Legibility (role walk, issue #13): text is ``FONT`` units high and a chart's natural width
is about what a card gives it on a desktop, so it is drawn at its own size there and shrinks
little on a 390 px phone, where a vertical chart is replaced by its horizontal twin.
Category names are never cut to stubs: a name wraps onto two lines, and only what does not
fit in two is elided, with the full name in the label's ``<title>``. A horizontal chart
whose names need more than ``LABEL_SHARE`` of the width writes each name above its bars.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from math import floor, log10

from django.utils.html import escape
from django.utils.safestring import mark_safe

_ids = count(1)

FONT = 13  # text size in chart units (app.css ``.chart text`` says the same)
LINE = FONT + 3  # one line of a wrapped label
PHONE_WIDTH = 360  # a vertical chart's twin for phones (about a 390 px screen's card)
LABEL_SHARE = 0.42  # at most this share of a horizontal chart's width for names beside bars
ELLIPSIS = "…"
_BREAK_AFTER = set(" 、，,.·/（)）-—：:年")


@dataclass
class Series:
    name: str
    values: list


def text_width(text: str) -> float:
    """Estimated width of ``text`` at ``FONT``: CJK and full-width characters are one em,
    everything else about 0.6 em (no font metrics on the server)."""
    return sum(FONT if ord(ch) >= 0x2E80 else FONT * 0.6 for ch in text)


def _fit(text: str, room: float) -> int:
    """How many leading characters of ``text`` fit in ``room``."""
    used = 0.0
    for i, ch in enumerate(text):
        used += text_width(ch)
        if used > room:
            return i
    return len(text)


def wrap(text: str, room: float, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of at most ``room`` wide, breaking after a
    separator where one is near the end of a line; what still does not fit ends in …."""
    out: list[str] = []
    rest = text.strip()
    while rest and len(out) < lines:
        if text_width(rest) <= room:
            out.append(rest)
            rest = ""
            break
        n = max(_fit(rest, room), 1)
        cut = n
        for i in range(n, max(n // 2, 1) - 1, -1):  # a separator in the line's second half
            if rest[i - 1] in _BREAK_AFTER:
                cut = i
                break
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:  # elide the last line
        last = out[-1]
        keep = _fit(last, room - text_width(ELLIPSIS))
        out[-1] = last[:keep].rstrip() + ELLIPSIS
    return out or [""]


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


def _label(x, y, lines, full, anchor):
    """A category name of one or more lines; the full name is its tooltip."""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text class="cat" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">'
        f"<title>{escape(full)}</title>{spans}</text>"
    )


def _horizontal(categories, series, top, link, width):
    """One band per category: its name beside the bars (or above them when names are
    long), one bar per series, the value after each bar."""
    nseries = max(len(series), 1)
    bar_h, bar_gap, band_gap = 14, 3, 10
    bars_h = nseries * (bar_h + bar_gap) - bar_gap
    peak_text = max((text_width(str(v or 0)) for s in series for v in s.values), default=FONT)
    pad_r = peak_text + 8
    room = width * LABEL_SHARE
    wrapped = [wrap(c, room) for c in categories]
    beside = not any(ls[-1].endswith(ELLIPSIS) for ls in wrapped)  # every name in two lines
    parts = []
    y = 8
    if beside:
        label_w = max([text_width(line) for ls in wrapped for line in ls] + [FONT * 2]) + 10
        x0 = label_w
    else:
        wrapped = [wrap(c, width - 4) for c in categories]
        x0 = 4
    plot_w = max(width - x0 - pad_r, 20)
    for ci, cat in enumerate(categories):
        lines = wrapped[ci]
        text_h = len(lines) * LINE
        if beside:
            band_h = max(bars_h, text_h)
            first = y + (band_h - text_h) / 2 + FONT
            parts.append(_label(x0 - 8, first, lines, cat, "end"))
            bars_y = y + (band_h - bars_h) / 2
        else:
            parts.append(_label(x0, y + FONT, lines, cat, "start"))
            bars_y = y + text_h + 4
            band_h = text_h + 4 + bars_h
        for si, s in enumerate(series):
            value = s.values[ci] or 0
            w = plot_w * value / top
            by = bars_y + si * (bar_h + bar_gap)
            label = f"{cat} · {s.name}：{value}"
            parts.append(_bar(x0, by, w, bar_h, f"s{si}", label, _link(link, si, ci)))
            parts.append(
                f'<text class="value" x="{x0 + w + 4:.1f}" y="{by + bar_h - 3:.1f}">{value}</text>'
            )
        y += band_h + band_gap
    height = max(y, 24)
    parts.append(f'<line class="axis" x1="{x0}" y1="4" x2="{x0}" y2="{height - band_gap + 2}"/>')
    return parts, height


def _vertical(categories, series, top, link, width):
    nseries = max(len(series), 1)
    pad_l, pad_t = 8 + text_width(f"{top:g}"), 12
    plot_w = width - pad_l - 8
    slot = plot_w / max(len(categories), 1)
    wrapped = [wrap(c, slot - 2) for c in categories]
    label_lines = max([len(ls) for ls in wrapped] + [1])
    pad_b = 10 + label_lines * LINE
    plot_h = 200
    height = pad_t + plot_h + pad_b
    bar_w = max(min((slot - 6) / nseries, 28), 2)
    parts = []
    for tick in range(0, 5 + 1):
        v = top * tick / 5
        y = pad_t + plot_h - plot_h * tick / 5
        parts.append(
            f'<line class="axis" x1="{pad_l}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="tick" x="{pad_l - 4:.1f}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>'
        )
    for ci, cat in enumerate(categories):
        x0 = pad_l + ci * slot + (slot - bar_w * nseries) / 2
        for si, s in enumerate(series):
            value = s.values[ci] or 0
            h = plot_h * value / top
            label = f"{cat} · {s.name}：{value}"
            parts.append(
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
        parts.append(
            _label(
                pad_l + ci * slot + slot / 2, pad_t + plot_h + 4 + FONT, wrapped[ci], cat, "middle"
            )
        )
    return parts, height


def _svg(categories, series, top, link, width, horizontal, title, css):
    chart_id = f"chart-{next(_ids)}"
    draw = _horizontal if horizontal else _vertical
    body, height = draw(categories, series, top, link, width)
    return "".join(
        [
            f'<svg class="chart {css}" role="img" aria-labelledby="{chart_id}" '
            f'xmlns="http://www.w3.org/2000/svg" font-size="{FONT}" '
            f'viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}">',
            f'<title id="{chart_id}">{escape(title)}</title>',
            *body,
            "</svg>",
        ]
    )


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
    the drill-down URL of a bar (or None).

    A vertical chart comes with a horizontal twin of the same bars and links for phones
    (``.chart.twin``, shown instead of ``.chart.has-twin`` below 640 px by app.css): twelve
    months of columns shrunk to a phone's width would have unreadable text."""
    categories = [str(c) for c in categories]
    peak = max([v or 0 for s in series for v in s.values] + [0])
    top = _nice_max(peak)
    if horizontal:
        svg = _svg(categories, series, top, link, width or 400, True, title, "hbar")
    else:
        svg = _svg(categories, series, top, link, width or 640, False, title, "vbar has-twin")
        svg += _svg(categories, series, top, link, PHONE_WIDTH, True, title, "hbar twin")
    return mark_safe(svg)  # noqa: S308 - every interpolated value is escaped above


def legend(series: list[Series]):
    items = "".join(
        f'<li><span class="swatch s{i}" aria-hidden="true"></span>{escape(s.name)}</li>'
        for i, s in enumerate(series)
    )
    return mark_safe(f'<ul class="legend">{items}</ul>')  # noqa: S308 - every interpolated value is escaped above
