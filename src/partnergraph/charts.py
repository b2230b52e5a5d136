"""Server-side SVG charts for the dashboard: pure functions from plain numbers and labels to SVG.

Every label goes through markupsafe.escape; colours must be #rgb/#rrggbb; hrefs are escaped
attribute values. Each chart has role="img", aria-labelledby, <title> and <desc>, and every bar
a <title> ("label: n") and data-label/data-value attributes, so that it reads without JavaScript
and tests can check the numbers.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

DEFAULT_COLOUR = "#00689d"
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
_ID = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str | None = None
    href: str | None = None
    short: str | None = None      # a short tick label (e.g. "4" for SDG 4); label is the full name


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    href: str | None = None


def _colour(value: str | None) -> str:
    return value if value and _COLOUR.match(value) else DEFAULT_COLOUR


def _id(value: str) -> str:
    return _ID.sub("-", value) or "chart"


def _text_colour(background: str) -> str:
    hexa = background.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    r, g, b = (int(hexa[i:i + 2], 16) for i in (0, 2, 4))
    return "#1d2430" if (0.299 * r + 0.587 * g + 0.114 * b) > 170 else "#ffffff"


def _open(chart_id: str, width: float, height: float, title: str, desc: str, kind: str) -> list[str]:
    cid = _id(chart_id)
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{escape(kind)}" id="{cid}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" role="img" '
            f'aria-labelledby="{cid}-title {cid}-desc" preserveAspectRatio="xMinYMin meet">',
            f'<title id="{cid}-title">{escape(title)}</title>',
            f'<desc id="{cid}-desc">{escape(desc)}</desc>']


def _link(inner: str, href: str | None) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def bar_chart(bars: list[Bar], title: str, desc: str, chart_id: str = "bars", *, width: int = 640,
              bar_height: int = 22, label_width: int = 190, number_format=str, max_label: int = 28) -> Markup:
    """Horizontal bars, one row per item, with its label on the left and its value at the end."""
    gap = 6
    top = 8
    height = top * 2 + max(1, len(bars)) * (bar_height + gap)
    largest = max([b.value for b in bars] + [1])
    room = width - label_width - 60
    parts = _open(chart_id, width, height, title, desc, "bar")
    for index, bar in enumerate(bars):
        y = top + index * (bar_height + gap)
        length = 0 if bar.value <= 0 else max(2.0, room * bar.value / largest)
        colour = _colour(bar.colour)
        name = bar.label if not bar.short else f"{bar.short}. {bar.label}"
        row = [f'<g class="bar" data-label="{escape(bar.label)}" data-value="{int(bar.value)}">',
               f'<title>{escape(bar.label)}: {escape(number_format(bar.value))}</title>',
               f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" '
               f'font-size="13" fill="#1d2430">{escape(_truncate(name, max_label))}</text>',
               f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" rx="3" fill="{colour}"/>',
               f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.7:.1f}" font-size="13" '
               f'fill="#1d2430">{escape(number_format(bar.value))}</text>',
               '</g>']
        parts.append(_link("".join(row), bar.href))
    parts.append("</svg>")
    return Markup("\n".join(parts))


def column_chart(columns: list[Bar], title: str, desc: str, chart_id: str = "columns", *, height: int = 220,
                 column_width: int = 26, number_format=str) -> Markup:
    """Vertical columns (a timeline: one column per year), with a label under every column."""
    gap = 6
    left, bottom, top = 30, 40, 20
    width = left + max(1, len(columns)) * (column_width + gap) + 10
    largest = max([c.value for c in columns] + [1])
    room = height - bottom - top
    parts = _open(chart_id, width, height, title, desc, "column")
    base = height - bottom
    parts.append(f'<line x1="{left - 4}" y1="{base}" x2="{width - 4}" y2="{base}" stroke="#c7ced9"/>')
    for step in _ticks(largest):
        y = base - room * step / largest
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#5b6577">'
                     f'{escape(number_format(step))}</text>')
        if step:
            parts.append(f'<line x1="{left - 4}" y1="{y:.1f}" x2="{width - 4}" y2="{y:.1f}" stroke="#eef1f5"/>')
    for index, col in enumerate(columns):
        x = left + index * (column_width + gap)
        length = room * col.value / largest if col.value > 0 else 0
        tick = col.short or col.label
        row = [f'<g class="bar" data-label="{escape(col.label)}" data-value="{int(col.value)}">',
               f'<title>{escape(col.label)}: {escape(number_format(col.value))}</title>',
               f'<rect x="{x}" y="{base - length:.1f}" width="{column_width}" height="{length:.1f}" rx="2" '
               f'fill="{_colour(col.colour)}"/>',
               f'<text x="{x + column_width / 2:.1f}" y="{base + 14}" text-anchor="end" font-size="11" '
               f'fill="#1d2430" transform="rotate(-45 {x + column_width / 2:.1f} {base + 14})">{escape(tick)}</text>',
               '</g>']
        parts.append(_link("".join(row), col.href))
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _ticks(largest: int) -> list[int]:
    if largest <= 5:
        return list(range(0, largest + 1))
    step = max(1, math.ceil(largest / 4))
    return list(range(0, largest + 1, step))


def network_chart(left: list[Node], right: list[Node], edges: list[tuple[str, str, str]], title: str, desc: str,
                  chart_id: str = "network", *, width: int = 640, row: int = 26,
                  left_heading: str = "", right_heading: str = "") -> Markup:
    """Two columns of nodes (e.g. Swedish municipalities left, partners abroad right) joined by
    one line per edge (key_left, key_right, edge title). Deterministic: nodes keep their order."""
    top = 34
    height = top + max(len(left), len(right), 1) * row + 10
    lx, rx = width * 0.34, width * 0.66
    left_y = {n.key: top + i * row + row / 2 for i, n in enumerate(left)}
    right_y = {n.key: top + i * row + row / 2 for i, n in enumerate(right)}
    parts = _open(chart_id, width, height, title, desc, "network")
    if left_heading:
        parts.append(f'<text x="{lx - 10:.0f}" y="18" text-anchor="end" font-size="12" font-weight="bold" '
                     f'fill="#5b6577">{escape(left_heading)}</text>')
    if right_heading:
        parts.append(f'<text x="{rx + 10:.0f}" y="18" font-size="12" font-weight="bold" fill="#5b6577">'
                     f'{escape(right_heading)}</text>')
    for a, b, label in edges:
        if a in left_y and b in right_y:
            parts.append(f'<g class="edge" data-from="{escape(a)}" data-to="{escape(b)}"><title>{escape(label)}</title>'
                         f'<path d="M{lx:.0f},{left_y[a]:.1f} C{(lx + rx) / 2:.0f},{left_y[a]:.1f} '
                         f'{(lx + rx) / 2:.0f},{right_y[b]:.1f} {rx:.0f},{right_y[b]:.1f}" fill="none" '
                         f'stroke="#00689d" stroke-opacity=".45" stroke-width="2"/></g>')
    for nodes, x, anchor, dx in ((left, lx, "end", -10), (right, rx, "start", 10)):
        ys = left_y if nodes is left else right_y
        for node in nodes:
            y = ys[node.key]
            inner = (f'<g class="node" data-key="{escape(node.key)}"><title>{escape(node.label)}</title>'
                     f'<circle cx="{x:.0f}" cy="{y:.1f}" r="6" fill="#0f2a3d"/>'
                     f'<text x="{x + dx:.0f}" y="{y + 4:.1f}" text-anchor="{anchor}" font-size="12" fill="#1d2430">'
                     f'{escape(_truncate(node.label, 30))}</text></g>')
            parts.append(_link(inner, node.href))
    parts.append("</svg>")
    return Markup("\n".join(parts))


def text_colour(background: str | None) -> str:
    """Black or white text, whichever reads better on the background (for SDG badges)."""
    return _text_colour(_colour(background))
