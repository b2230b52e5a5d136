"""Server-side SVG maps: places as points, partnerships as great-circle lines, over Natural Earth's
country outlines, in the Equal Earth projection (equal-area, so no continent looks larger than it is).

Pure functions from plain values to SVG, like charts.py: no graph, no Flask. The outlines come from
`mapdata/countries-110m.json`, a build artifact (`make map-data` converts the world-atlas package's
TopoJSON with assets/build-map-data.mjs). Without it the maps still draw their points and lines,
over a plain sphere, and the log says once how to get the outlines.

Every map has role="img", <title> and <desc>; every place is a group with its own <title> and
aria-label, and a visible label wherever one fits without overlapping another. Ids derive from
element_id, so several maps can share a page. A region's approximate centre is drawn as a dashed
ring, not a dot, and its source credited on the map. Where places crowd together in the inset's
area (southern Sweden, by default of the caller), an inset draws that area larger in a free corner.
"""
from __future__ import annotations

import itertools
import json
import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

log = logging.getLogger(__name__)

OUTLINES = Path(__file__).parent / "mapdata" / "countries-110m.json"
OUTLINES_HELP = ("country outlines not found at {path}: maps draw points and lines without them. "
                 "Build them with `make map-data` (needs Node and npm: it runs `npm ci` in assets/).")

_ID = re.compile(r"[^A-Za-z0-9_-]")
# Colours per kind of place, in the order kinds first appear on a map (colour-blind-safe, Okabe-Ito).
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
OCEAN, LAND, BORDER, LINK = "#e8f1f8", "#f3f1ec", "#b9b4a8", "#5b6577"
AREA_CREDIT = "Region centres: countries-states-cities-database by dr5hn (ODbL)"


@dataclass(frozen=True)
class Inset:
    """An area (degrees) drawn larger in a corner when its places crowd each other on the map."""
    west: float
    south: float
    east: float
    north: float
    title: str = ""


@dataclass(frozen=True)
class Place:
    iri: str
    label: str
    lon: float
    lat: float
    href: str | None = None
    kind: str = ""
    area: bool = False      # the point is a region's approximate centre, drawn as an area, not a town

    def __post_init__(self):
        if not isinstance(self.lon, (int, float)) or not -180 <= self.lon <= 180 or math.isnan(self.lon):
            raise ValueError(f"place {self.iri}: longitude {self.lon!r} is not a number in -180..180")
        if not isinstance(self.lat, (int, float)) or not -90 <= self.lat <= 90 or math.isnan(self.lat):
            raise ValueError(f"place {self.iri}: latitude {self.lat!r} is not a number in -90..90")


@dataclass(frozen=True)
class Link:
    a: str          # IRI of one Place
    b: str          # IRI of the other
    label: str = ""


# --- Equal Earth (Šavrič, Patterson, Jenny 2018) ---------------------------------------------

_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def project(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth: degrees to projection units (x east, y north; the world is about 5.41 x 2.63)."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


_WORLD_X = project(180, 0)[0]
_WORLD_Y = project(0, 90)[1]


@lru_cache(maxsize=1)
def _load_outlines(path: str) -> tuple[tuple[str, tuple[tuple[tuple[float, float], ...], ...]], ...] | None:
    """(name, rings) per country, rings already projected; None (logged once) when the file is missing."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        log.warning(OUTLINES_HELP.format(path=path))
        return None
    countries = []
    for country in data["countries"]:
        rings = tuple(tuple(project(lon, lat) for lon, lat in piece)
                      for polygon in country["polygons"] for ring in polygon for piece in _split_antimeridian(ring))
        countries.append((country.get("name") or "", rings))
    return tuple(countries)


def _split_antimeridian(ring: list) -> list[list[tuple[float, float]]]:
    """A ring as pieces that each stay within -180..180 degrees of longitude.

    TopoJSON stitches the polygons Natural Earth cuts at the antimeridian (Russia, Fiji,
    Antarctica), so an edge may jump from +180 to -180. The ring is unwrapped into continuous
    longitudes (closed along a pole where it circles one), then clipped to the world and to
    its copies shifted by a full turn.
    """
    points = [(float(lon), float(lat)) for lon, lat in ring]
    if all(abs(a[0] - b[0]) <= 180 for a, b in itertools.pairwise(points)):
        return [points]
    unwrapped = [points[0]]
    for lon, lat in points[1:]:
        prev = unwrapped[-1][0]
        while lon - prev > 180:
            lon -= 360
        while prev - lon > 180:
            lon += 360
        unwrapped.append((lon, lat))
    turn = unwrapped[-1][0] - unwrapped[0][0]
    if abs(turn) > 180:                 # circles a pole: close it along that pole
        first, last = unwrapped[0], unwrapped[-1]
        pole = -90.0 if sum(lat for _, lat in unwrapped) < 0 else 90.0
        unwrapped[-1:] = [last, (last[0], pole), (first[0], pole), first]
    pieces = []
    for shift in (-360.0, 0.0, 360.0):
        piece = _clip([(lon + shift, lat) for lon, lat in unwrapped], -180.0, 180.0)
        if len(piece) >= 3 and max(p[0] for p in piece) > min(p[0] for p in piece):
            pieces.append(piece)
    return pieces


def _clip(ring: list[tuple[float, float]], low: float, high: float) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the part of a ring with low <= lon <= high."""
    def cut(points, inside, edge):
        out = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    out.append(_cross(previous, current, edge))
                out.append(current)
            elif inside(previous):
                out.append(_cross(previous, current, edge))
        return out
    kept = cut(ring, lambda p: p[0] >= low, low)
    return cut(kept, lambda p: p[0] <= high, high) if kept else []


def _cross(a: tuple[float, float], b: tuple[float, float], lon: float) -> tuple[float, float]:
    t = (lon - a[0]) / (b[0] - a[0])
    return lon, a[1] + t * (b[1] - a[1])


def outlines_available(path: Path = OUTLINES) -> bool:
    return _load_outlines(str(path)) is not None


def outlines_source(path: Path = OUTLINES) -> dict | None:
    """The citation the outline file carries (source, via), for pages that credit it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return {"source": data.get("source", ""), "via": data.get("via", "")}


# --- view -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _View:
    x0: float
    y1: float
    scale: float
    width: int
    height: int

    def px(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.x0) * self.scale, (self.y1 - y) * self.scale


def _view(points: list[tuple[float, float]], width: int, *, margin: float, min_span: float,
          aspect: tuple[float, float]) -> _View:
    """The places' extent with a margin, widened to an aspect ratio within `aspect`, kept inside the world."""
    if points:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        pad = max(margin * max(x1 - x0, y1 - y0), min_span / 2)
        x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    else:
        x0, x1, y0, y1 = -_WORLD_X, _WORLD_X, -_WORLD_Y, _WORLD_Y
    sx, sy = x1 - x0, y1 - y0
    low, high = aspect
    if sy / sx < low:
        grow = sx * low - sy
        y0, y1 = y0 - grow / 2, y1 + grow / 2
    elif sy / sx > high:
        grow = sy / high - sx
        x0, x1 = x0 - grow / 2, x1 + grow / 2
    # never wider than the world; shift back inside it where the margin pushed past its edge
    sx, sy = min(x1 - x0, 2 * _WORLD_X), min(y1 - y0, 2 * _WORLD_Y)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    cx = max(-_WORLD_X + sx / 2, min(_WORLD_X - sx / 2, cx))
    cy = max(-_WORLD_Y + sy / 2, min(_WORLD_Y - sy / 2, cy))
    scale = width / sx
    return _View(cx - sx / 2, cy + sy / 2, scale, width, max(1, round(sy * scale)))


def _path(points: Iterable[tuple[float, float]], view: _View, *, closed: bool, tolerance: float = 0.6) -> str:
    """SVG path data in pixels, dropping points closer than `tolerance` px to the last one kept."""
    out: list[str] = []
    last = None
    for x, y in points:
        px, py = view.px(x, y)
        if last is not None and abs(px - last[0]) < tolerance and abs(py - last[1]) < tolerance:
            continue
        out.append(f"{'L' if out else 'M'}{px:.1f},{py:.1f}")
        last = (px, py)
    if closed and len(out) > 2:
        out.append("Z")
    return "".join(out) if len(out) > 2 or not closed else ""


def _visible(ring: tuple[tuple[float, float], ...], view: _View) -> bool:
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    x1 = view.x0 + view.width / view.scale
    y0 = view.y1 - view.height / view.scale
    return max(xs) >= view.x0 and min(xs) <= x1 and max(ys) >= y0 and min(ys) <= view.y1


def _sphere(view: _View) -> str:
    edge = [(180.0, lat) for lat in range(-90, 91, 2)] + [(-180.0, lat) for lat in range(90, -91, -2)]
    return _path((project(lon, lat) for lon, lat in edge), view, closed=True, tolerance=0)


def _great_circle(a: Place, b: Place) -> list[tuple[float, float]]:
    """Points (lon, lat) along the shorter great circle from a to b, about one every 2 degrees."""
    def vec(p: Place):
        lam, phi = math.radians(p.lon), math.radians(p.lat)
        return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))
    u, v = vec(a), vec(b)
    omega = math.acos(max(-1.0, min(1.0, sum(i * j for i, j in zip(u, v, strict=True)))))
    if omega < 1e-9 or abs(omega - math.pi) < 1e-9:
        return [(a.lon, a.lat), (b.lon, b.lat)]
    steps = max(2, math.ceil(math.degrees(omega) / 2))
    out = []
    for k in range(steps + 1):
        t = k / steps
        s1, s2 = math.sin((1 - t) * omega) / math.sin(omega), math.sin(t * omega) / math.sin(omega)
        x, y, z = (s1 * i + s2 * j for i, j in zip(u, v, strict=True))
        out.append((math.degrees(math.atan2(y, x)), math.degrees(math.asin(max(-1.0, min(1.0, z))))))
    return out


def _line(points: list[tuple[float, float]], view: _View) -> str:
    """A polyline in pixels, broken where it crosses the antimeridian (a jump of half the world)."""
    parts, jump = [], _WORLD_X * view.scale
    last = None
    for lon, lat in points:
        px, py = view.px(*project(lon, lat))
        op = "M" if last is None or abs(px - last) > jump else "L"
        parts.append(f"{op}{px:.1f},{py:.1f}")
        last = px
    return "".join(parts)


def _overlaps(box, boxes) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in boxes)


def _label_text_width(text: str, size: float) -> float:
    return len(text) * size * 0.56 + 2


def world_map(places: Iterable[Place], links: Iterable[Link] = (), *, title: str, description: str,
              element_id: str, lang: str = "en", width: int = 960, kind_labels: Mapping[str, str] | None = None,
              radius: float = 5.0, font_size: float = 12.0, margin: float = 0.12, min_span: float = 0.22,
              outlines: Path = OUTLINES, inset: Inset | None = None, area_label: str = "") -> Markup:
    """An SVG map of `places`, zoomed to their extent with a margin, a line for every link.

    kind_labels names the kinds of place for the legend (drawn when the map holds more than one
    kind); min_span (projection units; 0.22 is about 12 degrees of longitude near the equator) keeps
    a map of one place from zooming in to a blank square. inset is drawn only where two of its
    places would be closer than four radii on the map; area_label names the dashed rings in the legend.
    """
    places = list(places)
    links = list(links)
    eid = _ID.sub("-", element_id) or "map"
    by_iri = {p.iri: p for p in places}
    projected = [project(p.lon, p.lat) for p in places]
    view = _view(projected, width, margin=margin, min_span=min_span, aspect=(0.42, 0.75))
    w, h = view.width, view.height
    kinds: dict[str, str] = {}
    for place in places:
        kinds.setdefault(place.kind, PALETTE[min(len(kinds), len(PALETTE) - 1)])

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" id="{eid}" lang="{escape(lang)}" '
             f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
             f'aria-labelledby="{eid}-title {eid}-desc" preserveAspectRatio="xMidYMid meet">',
             f'<title id="{eid}-title">{escape(title)}</title>',
             f'<desc id="{eid}-desc">{escape(description)}</desc>',
             f'<defs><clipPath id="{eid}-clip"><rect x="0" y="0" width="{w}" height="{h}"/></clipPath></defs>',
             f'<g class="basemap" clip-path="url(#{eid}-clip)" aria-hidden="true">',
             f'<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>',
             f'<path class="sphere" d="{_sphere(view)}" fill="{OCEAN}" stroke="{BORDER}" stroke-width="0.5"/>']
    countries = _load_outlines(str(outlines))
    if countries:
        for name, rings in countries:
            d = "".join(_path(ring, view, closed=True) for ring in rings if _visible(ring, view))
            if d:
                parts.append(f'<path class="country" data-name="{escape(name)}" d="{d}" fill="{LAND}" '
                             f'stroke="{BORDER}" stroke-width="0.6" fill-rule="evenodd"/>')
    parts.append("</g>")

    drawn_links = [(link, by_iri[link.a], by_iri[link.b]) for link in links if link.a in by_iri and link.b in by_iri]
    if drawn_links:
        parts.append(f'<g class="links" clip-path="url(#{eid}-clip)">')
        for link, a, b in drawn_links:
            name = link.label or f"{a.label} – {b.label}"
            parts.append(f'<path class="link" data-a="{escape(a.iri)}" data-b="{escape(b.iri)}" '
                         f'd="{_line(_great_circle(a, b), view)}" fill="none" stroke="{LINK}" '
                         f'stroke-width="1.4" stroke-opacity="0.7"><title>{escape(name)}</title></path>')
        parts.append("</g>")

    pixels = [view.px(x, y) for x, y in projected]
    crowded = _crowded(places, pixels, inset, radius) if inset else []
    legend_rows = len(kinds) + any(p.area for p in places) if kind_labels and (len(kinds) > 1 or area_label) else 0
    inset_box = _inset_box(inset, pixels, w, h, legend_rows, font_size) if crowded else None
    occupied = [(x - radius, y - radius, x + radius, y + radius) for x, y in pixels]
    if inset_box:
        occupied.append(inset_box[1])
    parts.append('<g class="places">')
    for index, (place, (x, y)) in enumerate(zip(places, pixels, strict=True)):
        label = "" if index in crowded else _place_label(place, x, y, w, h, radius, font_size, occupied)
        parts.append(_place(place, x, y, radius, kinds[place.kind], label, f"{eid}-p{index}"))
    parts.append("</g>")
    if inset_box:
        parts.append(_draw_inset(inset, inset_box, [places[i] for i in crowded], kinds, countries, eid,
                                 radius, font_size, view))

    if kind_labels and (len(kinds) > 1 or (area_label and any(p.area for p in places))):
        parts.append(_legend(kinds, kind_labels, h, font_size, area_label if any(p.area for p in places) else ""))
    credits = (["Natural Earth"] if countries else []) + ([AREA_CREDIT] if any(p.area for p in places) else [])
    if credits:
        parts.append(f'<text class="credit" x="{w - 6}" y="{h - 6}" text-anchor="end" font-size="10" '
                     f'fill="#5b6577" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
                     f'{escape(" · ".join(credits))}</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _place(place: Place, x: float, y: float, radius: float, colour: str, label: str, gid: str) -> str:
    """One place: a dot for a town, a dashed ring round a small dot for a region's approximate centre."""
    if place.area:
        mark = (f'<circle class="area" cx="{x:.1f}" cy="{y:.1f}" r="{radius * 2.6:.1f}" fill="{colour}" '
                f'fill-opacity="0.14" stroke="{colour}" stroke-width="1.5" stroke-dasharray="4 3"/>'
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius * 0.5:.1f}" fill="{colour}"/>')
    else:
        mark = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>'
    inner = mark + label
    if place.href:
        inner = f'<a href="{escape(place.href)}">{inner}</a>'
    kind_class = f" place-{_ID.sub('-', place.kind)}" if place.kind else ""
    area_class = " place-area" if place.area else ""
    return (f'<g class="place{kind_class}{area_class}" id="{gid}" data-iri="{escape(place.iri)}" '
            f'data-lon="{place.lon}" data-lat="{place.lat}" role="img" aria-label="{escape(place.label)}">'
            f'<title>{escape(place.label)}</title>{inner}</g>')


def _crowded(places: list[Place], pixels: list[tuple[float, float]], inset: Inset, radius: float) -> list[int]:
    """The indexes of the places inside the inset's area, when two of them crowd each other; else []."""
    inside = [i for i, p in enumerate(places) if inset.west <= p.lon <= inset.east and inset.south <= p.lat <= inset.north]
    close = any(math.dist(pixels[i], pixels[j]) < 4 * radius for k, i in enumerate(inside) for j in inside[k + 1:])
    return inside if close else []


def _inset_box(inset: Inset, pixels: list[tuple[float, float]], w: int, h: int, legend_rows: int,
               size: float) -> tuple[_View, tuple[float, float, float, float]] | None:
    """The inset's view and its box on the map: the corner that covers the fewest places (the legend's
    corner only if it is free), or None where the map is too small for one."""
    (x0, y0), (x1, y1) = project(inset.west, inset.south), project(inset.east, inset.north)
    iw = max(160, min(340, round(w * 0.34)))
    scale = iw / (x1 - x0)
    ih = round((y1 - y0) * scale)
    if iw > w * 0.6 or ih > h * 0.8:
        return None
    legend_top = h - 10 - legend_rows * (size + 6) - size if legend_rows else h
    corners = [(6, 6), (w - iw - 6, 6), (w - iw - 6, h - ih - 22), (6, h - ih - 6)]
    def cost(corner):
        bx, by = corner
        covered = sum(bx <= px <= bx + iw and by <= py <= by + ih for px, py in pixels)
        legend = 1000 if legend_rows and bx < 200 and by + ih > legend_top else 0
        return covered * 10 + legend
    bx, by = min(corners, key=cost)
    view = _View(x0 - bx / scale, y1 + by / scale, scale, w, h)
    return view, (bx, by, bx + iw, by + ih)


def _draw_inset(inset: Inset, box, places: list[Place], kinds: Mapping[str, str], countries, eid: str,
                radius: float, size: float, main: _View) -> str:
    view, (bx, by, bx1, by1) = box
    iw, ih = bx1 - bx, by1 - by
    parts = [f'<g class="inset" id="{eid}-inset" role="group" aria-label="{escape(inset.title)}">',
             f'<clipPath id="{eid}-inset-clip"><rect x="{bx}" y="{by}" width="{iw}" height="{ih}"/></clipPath>',
             f'<g clip-path="url(#{eid}-inset-clip)" aria-hidden="true">',
             f'<rect x="{bx}" y="{by}" width="{iw}" height="{ih}" fill="{OCEAN}"/>']
    for name, rings in countries or ():
        d = "".join(_path(ring, view, closed=True) for ring in rings if _visible(ring, view))
        if d:
            parts.append(f'<path class="country" data-name="{escape(name)}" d="{d}" fill="{LAND}" '
                         f'stroke="{BORDER}" stroke-width="0.6" fill-rule="evenodd"/>')
    parts.append("</g>")
    pixels = [view.px(*project(p.lon, p.lat)) for p in places]
    # labels are placed in the inset's own coordinates, clear of its title and of every dot
    local = [(0, 0, _label_text_width(inset.title, 11) + 8, 17)]
    local += [(x - bx - radius, y - by - radius, x - bx + radius, y - by + radius) for x, y in pixels]
    for index, (place, (x, y)) in enumerate(zip(places, pixels, strict=True)):
        label = _place_label(place, x - bx, y - by, iw, ih, radius, size, local)
        if label:
            label = f'<g transform="translate({bx} {by})">{label}</g>'
        parts.append(_place(place, x, y, radius, kinds[place.kind], label, f"{eid}-inset-p{index}"))
    parts.append(f'<rect x="{bx}" y="{by}" width="{iw}" height="{ih}" fill="none" stroke="#1d2430" stroke-width="1"/>')
    parts.append(f'<text x="{bx + 5}" y="{by + 13}" font-size="11" fill="#1d2430" stroke="#ffffff" stroke-width="3" '
                 f'paint-order="stroke">{escape(inset.title)}</text>')
    # where the inset's area is on the map
    (ax0, ay0), (ax1, ay1) = main.px(*project(inset.west, inset.north)), main.px(*project(inset.east, inset.south))
    parts.append(f'<rect class="inset-area" x="{ax0:.1f}" y="{ay0:.1f}" width="{ax1 - ax0:.1f}" height="{ay1 - ay0:.1f}" '
                 f'fill="none" stroke="#1d2430" stroke-width="0.8" stroke-dasharray="3 2" aria-hidden="true"/>')
    parts.append("</g>")
    return "".join(parts)


def _place_label(place: Place, x: float, y: float, w: float, h: float, radius: float, size: float,
                 occupied: list) -> str:
    """A visible label at the first free spot (right, left, above, below); none where all collide."""
    tw = _label_text_width(place.label, size)
    gap = radius + 3
    spots = [(x + gap, y + size * 0.35, "start", (x + gap, y - size * 0.6, x + gap + tw, y + size * 0.5)),
             (x - gap, y + size * 0.35, "end", (x - gap - tw, y - size * 0.6, x - gap, y + size * 0.5)),
             (x, y - gap - 2, "middle", (x - tw / 2, y - gap - size - 2, x + tw / 2, y - gap)),
             (x, y + gap + size, "middle", (x - tw / 2, y + gap, x + tw / 2, y + gap + size + 2))]
    for tx, ty, anchor, box in spots:
        inside = box[0] >= 0 and box[1] >= 0 and box[2] <= w and box[3] <= h
        if inside and not _overlaps(box, occupied):
            occupied.append(box)
            return (f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" font-size="{size:g}" fill="#1d2430" '
                    f'stroke="#ffffff" stroke-width="3" paint-order="stroke" aria-hidden="true">'
                    f'{escape(place.label)}</text>')
    return ""


def _legend(kinds: Mapping[str, str], names: Mapping[str, str], h: float, size: float, area_label: str = "") -> str:
    rows = ['<g class="legend">']
    shown = list(kinds.items()) if len(kinds) > 1 else []
    y = h - 10 - (len(shown) - (0 if area_label else 1)) * (size + 6)
    for kind, colour in shown:
        rows.append(f'<circle cx="14" cy="{y - size * 0.35:.1f}" r="5" fill="{colour}" stroke="#ffffff"/>'
                    f'<text x="24" y="{y:.1f}" font-size="{size:g}" fill="#1d2430" stroke="#ffffff" '
                    f'stroke-width="3" paint-order="stroke">{escape(names.get(kind, kind))}</text>')
        y += size + 6
    if area_label:
        rows.append(f'<circle class="area" cx="14" cy="{y - size * 0.35:.1f}" r="6" fill="{LINK}" fill-opacity="0.14" '
                    f'stroke="{LINK}" stroke-width="1.5" stroke-dasharray="4 3"/>'
                    f'<text x="24" y="{y:.1f}" font-size="{size:g}" fill="#1d2430" stroke="#ffffff" '
                    f'stroke-width="3" paint-order="stroke">{escape(area_label)}</text>')
    rows.append("</g>")
    return "".join(rows)
