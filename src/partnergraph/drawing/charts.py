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


# -- charts for query results (the workbench's views; the same drawing rules as the dashboard) ----

PALETTE = ("#00689d", "#dd1367", "#4c9f38", "#fd6925", "#8f1838", "#26bde2", "#a21942", "#3f7e44")


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[float, float], ...]     # (x, y), sorted by x
    colour: str | None = None


@dataclass(frozen=True)
class Span:
    label: str
    start: float                 # a year, fractional for dates within it
    end: float
    href: str | None = None
    colour: str | None = None
    start_text: str = ""         # the values as the result gave them, for the titles
    end_text: str = ""


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering low..high."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def line_chart(series: list[Series], title: str, desc: str, chart_id: str = "lines", *, width: int = 640,
               height: int = 300, x_label: str = "", y_label: str = "") -> Markup:
    """One line per series over a shared x axis (years, numbers), every point with a <title>
    and data-x/data-y, a legend when there is more than one series."""
    left, right, top, bottom = 56, 16, 16, 44
    legend_rows = len(series) if len(series) > 1 else 0
    height = height + legend_rows * 18
    xs = [x for s in series for x, _ in s.points] or [0.0]
    ys = [y for s in series for _, y in s.points] or [0.0]
    x_ticks = _nice_ticks(min(xs), max(xs))
    y_ticks = _nice_ticks(min(0.0, min(ys)), max(ys))
    x0, x1, y0, y1 = x_ticks[0], x_ticks[-1], y_ticks[0], y_ticks[-1]
    plot_h = height - top - bottom - legend_rows * 18
    base = top + plot_h

    def sx(x: float) -> float:
        return left + (width - left - right) * (x - x0) / ((x1 - x0) or 1)

    def sy(y: float) -> float:
        return base - plot_h * (y - y0) / ((y1 - y0) or 1)

    parts = _open(chart_id, width, height, title, desc, "line")
    for tick in y_ticks:
        parts.append(f'<line x1="{left}" y1="{sy(tick):.1f}" x2="{width - right}" y2="{sy(tick):.1f}" stroke="#eef1f5"/>'
                     f'<text x="{left - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end" font-size="11" fill="#5b6577">'
                     f'{escape(_number(tick))}</text>')
    for tick in x_ticks:
        parts.append(f'<text x="{sx(tick):.1f}" y="{base + 16}" text-anchor="middle" font-size="11" fill="#5b6577">'
                     f'{escape(_number(tick))}</text>')
    parts.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#c7ced9"/>')
    if x_label:
        parts.append(f'<text x="{(left + width - right) / 2:.0f}" y="{base + 34}" text-anchor="middle" font-size="12" '
                     f'fill="#1d2430">{escape(x_label)}</text>')
    if y_label:
        parts.append(f'<text x="14" y="{top + plot_h / 2:.0f}" text-anchor="middle" font-size="12" fill="#1d2430" '
                     f'transform="rotate(-90 14 {top + plot_h / 2:.0f})">{escape(y_label)}</text>')
    for index, line in enumerate(series):
        colour = _colour(line.colour or PALETTE[index % len(PALETTE)])
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in line.points)
        parts.append(f'<g class="series" data-series="{escape(line.name)}">')
        if len(line.points) > 1:
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in line.points:
            parts.append(f'<g class="point" data-x="{escape(_number(x))}" data-y="{escape(_number(y))}">'
                         f'<title>{escape(line.name)}: {escape(_number(x))}, {escape(_number(y))}</title>'
                         f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.5" fill="{colour}"/></g>')
        parts.append("</g>")
        if legend_rows:
            ly = height - legend_rows * 18 + index * 18
            parts.append(f'<rect x="{left}" y="{ly - 9}" width="12" height="12" fill="{colour}"/>'
                         f'<text x="{left + 18}" y="{ly + 1}" font-size="12" fill="#1d2430">'
                         f'{escape(_truncate(line.name, 60))}</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def timeline_chart(spans: list[Span], title: str, desc: str, chart_id: str = "timeline", *, width: int = 640,
                   row: int = 22, label_width: int = 190, max_label: int = 28) -> Markup:
    """One bar per item from its start to its end on a time axis (years); an item without an end
    is drawn as a point at its start."""
    top, bottom = 8, 28
    height = top + bottom + max(1, len(spans)) * row
    starts = [s.start for s in spans] or [2000.0]
    ends = [max(s.start, s.end) for s in spans] or [2001.0]
    ticks = _nice_ticks(math.floor(min(starts)), math.ceil(max(ends)))
    t0, t1 = ticks[0], ticks[-1]
    room = width - label_width - 16

    def sx(t: float) -> float:
        return label_width + room * (t - t0) / ((t1 - t0) or 1)

    parts = _open(chart_id, width, height, title, desc, "timeline")
    base = height - bottom
    for tick in ticks:
        parts.append(f'<line x1="{sx(tick):.1f}" y1="{top}" x2="{sx(tick):.1f}" y2="{base}" stroke="#eef1f5"/>'
                     f'<text x="{sx(tick):.1f}" y="{base + 16}" text-anchor="middle" font-size="11" fill="#5b6577">'
                     f'{escape(_number(tick))}</text>')
    for index, span in enumerate(spans):
        y = top + index * row
        colour = _colour(span.colour)
        start, end = span.start, max(span.start, span.end)
        period = span.start_text + (f"–{span.end_text}" if span.end_text and span.end_text != span.start_text else "")
        shape = (f'<rect x="{sx(start):.1f}" y="{y + 3}" width="{max(4.0, sx(end) - sx(start)):.1f}" '
                 f'height="{row - 6}" rx="3" fill="{colour}"/>')
        inner = (f'<g class="span" data-label="{escape(span.label)}" data-start="{escape(span.start_text)}" '
                 f'data-end="{escape(span.end_text)}"><title>{escape(span.label)}: {escape(period)}</title>'
                 f'<text x="{label_width - 8}" y="{y + row * 0.68:.1f}" text-anchor="end" font-size="12" '
                 f'fill="#1d2430">{escape(_truncate(span.label, max_label))}</text>{shape}</g>')
        parts.append(_link(inner, span.href))
    parts.append("</svg>")
    return Markup("\n".join(parts))


def graph_chart(nodes: list[Node], edges: list[tuple[str, str, str]], title: str, desc: str,
                chart_id: str = "graph", *, width: int = 640, height: int = 480, iterations: int = 120) -> Markup:
    """A node-link drawing: nodes placed by a force layout that starts from a circle and runs a
    fixed number of steps, so the same graph is always drawn the same way."""
    keys = [n.key for n in nodes]
    index = {k: i for i, k in enumerate(keys)}
    links = [(index[a], index[b], label) for a, b, label in edges if a in index and b in index and a != b]
    n = len(nodes)
    pad = 40
    cx, cy = width / 2, height / 2
    pos = [[cx + (width / 2 - pad) * 0.8 * math.cos(2 * math.pi * i / max(1, n)),
            cy + (height / 2 - pad) * 0.8 * math.sin(2 * math.pi * i / max(1, n))] for i in range(n)]
    if n > 1:
        k = math.sqrt((width - 2 * pad) * (height - 2 * pad) / n) * 0.55
        temperature = width / 8
        gravity = 0.06   # pulls separate components towards the middle instead of onto the edges
        for _ in range(iterations):
            shift = [[0.0, 0.0] for _ in range(n)]
            for i in range(n):
                for j in range(i + 1, n):
                    dx, dy = pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]
                    dist = max(1.0, math.hypot(dx, dy))
                    force = k * k / dist
                    shift[i][0] += dx / dist * force
                    shift[i][1] += dy / dist * force
                    shift[j][0] -= dx / dist * force
                    shift[j][1] -= dy / dist * force
            for a, b, _ in links:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                dist = max(1.0, math.hypot(dx, dy))
                force = dist * dist / k
                shift[a][0] -= dx / dist * force
                shift[a][1] -= dy / dist * force
                shift[b][0] += dx / dist * force
                shift[b][1] += dy / dist * force
            for i in range(n):
                shift[i][0] -= (pos[i][0] - cx) * gravity * k / 10
                shift[i][1] -= (pos[i][1] - cy) * gravity * k / 10
                length = math.hypot(*shift[i]) or 0.01
                step = min(length, temperature)
                pos[i][0] += shift[i][0] / length * step
                pos[i][1] += shift[i][1] / length * step
            temperature = max(1.0, temperature * 0.95)
        # fit the drawing into the frame
        xs, ys = [p[0] for p in pos], [p[1] for p in pos]
        span_x, span_y = (max(xs) - min(xs)) or 1, (max(ys) - min(ys)) or 1
        scale = min((width - 2 * pad - 120) / span_x, (height - 2 * pad) / span_y)
        ox, oy = min(xs), min(ys)
        for p in pos:
            p[0] = pad + 60 + (p[0] - ox) * scale + ((width - 2 * pad - 120) - span_x * scale) / 2
            p[1] = pad + (p[1] - oy) * scale + ((height - 2 * pad) - span_y * scale) / 2
    degree = [0] * n
    for a, b, _ in links:
        degree[a] += 1
        degree[b] += 1
    parts = _open(chart_id, width, height, title, desc, "graph")
    for a, b, label in links:
        parts.append(f'<g class="edge" data-from="{escape(keys[a])}" data-to="{escape(keys[b])}">'
                     f'<title>{escape(label)}</title><line x1="{pos[a][0]:.1f}" y1="{pos[a][1]:.1f}" '
                     f'x2="{pos[b][0]:.1f}" y2="{pos[b][1]:.1f}" stroke="#00689d" stroke-opacity=".45" '
                     f'stroke-width="1.5"/></g>')
    for i, node in enumerate(nodes):
        x, y = pos[i]
        radius = 4 + min(6, degree[i])
        anchor = "start" if x < width * 0.7 else "end"
        dx = radius + 3 if anchor == "start" else -radius - 3
        inner = (f'<g class="node" data-key="{escape(node.key)}"><title>{escape(node.label)}</title>'
                 f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="#0f2a3d"/>'
                 f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" font-size="11" fill="#1d2430">'
                 f'{escape(_truncate(node.label, 24))}</text></g>')
        parts.append(_link(inner, node.href))
    parts.append("</svg>")
    return Markup("\n".join(parts))
