"""Views of a SELECT result beside the table: bar chart, line chart, timeline, map, node-link
graph. A view is chosen by a `#defaultView:BarChart` comment in the query (the Wikidata Query
Service's convention) or by the reader; this module turns result rows into chart data (a View)
and the View into SVG with charts.py and maps.py, so the page, the standalone SVG and the
embedded image are the same drawing.

Columns are read the way the result gives them: a column `?xLabel` labels the IRIs of `?x`
(Wikidata's convention), otherwise an IRI is shown with its label from the graph.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from ..rdf.namespaces import GEO, XSD
from . import charts
from .maps import Place, world_map

VIEWS = ("Table", "BarChart", "LineChart", "Timeline", "Map", "Graph")
CHART_VIEWS = VIEWS[1:]
_DEFAULT_VIEW = re.compile(r"^[ \t]*#[ \t]*defaultView[ \t]*:[ \t]*([A-Za-z]+)", re.MULTILINE | re.IGNORECASE)
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                             "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                             "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
TEMPORAL = {XSD + t for t in ("date", "dateTime", "gYear", "gYearMonth", "dateTimeStamp")}
WKT = GEO + "wktLiteral"
_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s+"
                    r"([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*\)\s*$", re.IGNORECASE)
_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
MAX_ITEMS = 200        # bars, spans, places or nodes drawn; the table has the rest


class ViewError(ValueError):
    """The result has no columns this view can draw; the message says what it needs."""


@dataclass
class View:
    name: str
    title: str
    description: str
    items: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    x_label: str = ""
    y_label: str = ""
    truncated: int = 0     # items left out beyond MAX_ITEMS


def view_name(text: str | None) -> str | None:
    """A view's canonical name from any spelling (barchart, BarChart), or None."""
    if not text:
        return None
    for name in VIEWS:
        if name.lower() == text.strip().lower():
            return name
    return None


def default_view(query: str) -> str:
    """The view a `#defaultView:Name` comment asks for, else Table. An unknown name is Table."""
    match = _DEFAULT_VIEW.search(query or "")
    return (view_name(match.group(1)) if match else None) or "Table"


# -- reading columns ------------------------------------------------------------------------------

def number(term: dict | None) -> float | None:
    if not term or term.get("type") not in ("literal", "typed-literal"):
        return None
    datatype = term.get("datatype")
    if datatype in NUMERIC or (datatype is None and "xml:lang" not in term and re.match(r"^-?\d+(\.\d+)?$", term["value"])):
        try:
            return float(term["value"])
        except ValueError:
            return None
    return None


def when(term: dict | None) -> float | None:
    """A date, dateTime, gYear or year number as a (fractional) year."""
    if not term or term.get("type") not in ("literal", "typed-literal"):
        return None
    datatype = term.get("datatype")
    value = term["value"]
    if datatype in TEMPORAL:
        match = _DATE.match(value)
        if not match:
            return None
        year = int(match.group(1))
        month = int(match.group(2) or 1)
        day = int(match.group(3) or 1)
        return year + (month - 1) / 12 + (day - 1) / 365
    found = number(term)
    if found is not None and found.is_integer() and 1000 <= found <= 2999:
        return found
    return None


def point(term: dict | None) -> tuple[float, float] | None:
    """(lon, lat) from a WKT POINT literal (GeoSPARQL's axis order: longitude first)."""
    if not term or term.get("type") not in ("literal", "typed-literal"):
        return None
    if term.get("datatype") not in (WKT, None):
        return None
    match = _POINT.match(term["value"])
    if not match:
        return None
    lon, lat = float(match.group(1)), float(match.group(2))
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return lon, lat


def _columns(variables: list[str], rows: list[dict], test: Callable[[dict | None], object]) -> list[str]:
    """The columns where every bound value passes test (and at least one is bound)."""
    found = []
    for var in variables:
        values = [row.get(var) for row in rows if row.get(var) is not None]
        if values and all(test(v) is not None for v in values):
            found.append(var)
    return found


def _iri_columns(variables: list[str], rows: list[dict]) -> list[str]:
    return _columns(variables, rows, lambda t: True if t and t.get("type") == "uri" else None)


class Labeller:
    """Names for the terms of a result: ?xLabel beside ?x, else the graph's label, else the value."""

    def __init__(self, variables: list[str], labels: dict[str, str], href: Callable[[str], str]):
        self.variables = variables
        self.labels = labels
        self.href = href

    def label(self, row: dict, var: str) -> str:
        term = row.get(var)
        if term is None:
            return ""
        beside = row.get(var + "Label")
        if beside is not None and beside.get("type") != "uri":
            return beside["value"]
        if term.get("type") == "uri":
            return self.labels.get(term["value"], term["value"])
        return term["value"]

    def link(self, row: dict, var: str) -> str | None:
        term = row.get(var)
        return self.href(term["value"]) if term and term.get("type") == "uri" else None


def _category_column(variables: list[str], rows: list[dict], exclude: set[str]) -> str | None:
    """The column that names the things counted: the first IRI or text column not excluded
    (a ?xLabel column stands for its ?x)."""
    for var in variables:
        if var in exclude or (var.endswith("Label") and var[:-5] in variables):
            continue
        values = [row.get(var) for row in rows if row.get(var) is not None]
        if values and any(v.get("type") == "uri" or number(v) is None for v in values):
            return var
    return None


# -- building views -------------------------------------------------------------------------------

def build(view: str, variables: list[str], rows: list[dict], *, labels: dict[str, str] | None = None,
          href: Callable[[str], str] = lambda iri: iri, colours: dict[str, str] | None = None,
          title: str = "", lang: str = "en") -> View:
    """The chart data of a view for a SELECT result; ViewError when the columns do not fit."""
    builders = {"BarChart": _bar, "LineChart": _line, "Timeline": _timeline, "Map": _map, "Graph": _graph}
    if view not in builders:
        raise ViewError(f"There is no view {view!r}; views: {', '.join(CHART_VIEWS)}.")
    if not rows:
        raise ViewError("The query returned no rows, so there is nothing to draw.")
    label = Labeller(variables, labels or {}, href)
    result = builders[view](variables, rows, label, colours or {})
    result.title = title or result.title
    if len(result.items) > MAX_ITEMS:
        result.truncated = len(result.items) - MAX_ITEMS
        result.items = result.items[:MAX_ITEMS]
    return result


def _bar(variables, rows, label: Labeller, colours) -> View:
    numeric = [v for v in _columns(variables, rows, number)]
    if not numeric:
        raise ViewError("A bar chart needs a column of numbers (such as a COUNT) and a column that names "
                        "each bar.")
    value_var = numeric[0]
    category = _category_column(variables, rows, {value_var})
    bars = []
    for row in rows:
        value = number(row.get(value_var))
        if value is None:
            continue
        name = label.label(row, category) if category else str(len(bars) + 1)
        iri = row.get(category, {}).get("value") if category and row.get(category, {}).get("type") == "uri" else None
        bars.append(charts.Bar(name, int(round(value)), colours.get(iri or ""),
                               label.link(row, category) if category else None))
    return View("BarChart", f"{value_var} by {category or 'row'}", f"One bar per row: {value_var} for each "
                f"{category or 'row'}.", bars, x_label=category or "", y_label=value_var)


def _line(variables, rows, label: Labeller, colours) -> View:
    xs = _columns(variables, rows, lambda t: when(t) if when(t) is not None else number(t))
    if not xs:
        raise ViewError("A line chart needs a column of years, dates or numbers for the x axis and a column "
                        "of numbers for the y axis.")
    temporal = _columns(variables, rows, when)
    x_var = temporal[0] if temporal else xs[0]
    ys = [v for v in _columns(variables, rows, number) if v != x_var]
    if not ys:
        raise ViewError(f"A line chart needs a column of numbers besides ?{x_var} for the y axis.")
    y_var = ys[0]
    series_var = _category_column(variables, rows, {x_var, y_var})
    lines: dict[str, list[tuple[float, float]]] = {}
    colour_of: dict[str, str | None] = {}
    for row in rows:
        x = when(row.get(x_var))
        x = x if x is not None else number(row.get(x_var))
        y = number(row.get(y_var))
        if x is None or y is None:
            continue
        name = label.label(row, series_var) if series_var else y_var
        lines.setdefault(name, []).append((x, y))
        iri = row.get(series_var, {}).get("value") if series_var else None
        colour_of.setdefault(name, colours.get(iri or ""))
    series = [charts.Series(name, tuple(sorted(points)), colour_of.get(name)) for name, points in lines.items()]
    return View("LineChart", f"{y_var} by {x_var}", f"{y_var} over {x_var}"
                + (f", one line per {series_var}" if series_var else "") + ".", series, x_label=x_var, y_label=y_var)


def _timeline(variables, rows, label: Labeller, colours) -> View:
    temporal = _columns(variables, rows, when)
    if not temporal:
        raise ViewError("A timeline needs a column of dates or years (a start, and optionally an end).")
    start_var = next((v for v in temporal if "start" in v.lower() or "begin" in v.lower()), temporal[0])
    end_var = next((v for v in temporal if v != start_var and ("end" in v.lower() or "until" in v.lower())),
                   next((v for v in temporal if v != start_var), None))
    category = _category_column(variables, rows, {start_var} | ({end_var} if end_var else set()))
    spans = []
    for row in rows:
        start = when(row.get(start_var))
        if start is None:
            continue
        end = when(row.get(end_var)) if end_var else None
        iri = row.get(category, {}).get("value") if category else None
        spans.append(charts.Span(label.label(row, category) if category else str(len(spans) + 1), start,
                                 end if end is not None else start, label.link(row, category) if category else None,
                                 colours.get(iri or ""), row[start_var]["value"],
                                 row[end_var]["value"] if end_var and row.get(end_var) else ""))
    spans.sort(key=lambda s: (s.start, s.end, s.label))
    return View("Timeline", f"{category or 'rows'} from {start_var}" + (f" to {end_var}" if end_var else ""),
                f"One bar per row from ?{start_var}" + (f" to ?{end_var}" if end_var else "") + ".", spans,
                x_label=start_var)


def _map(variables, rows, label: Labeller, colours) -> View:
    wkt = _columns(variables, rows, point)
    if not wkt:
        raise ViewError("A map needs a column of WKT points, such as \"POINT(14.8 56.9)\"^^geo:wktLiteral "
                        "(geo:asWKT): longitude first, then latitude.")
    geo_var = wkt[0]
    subject = next((v for v in _iri_columns(variables, rows)), None)
    places, seen = [], set()
    for index, row in enumerate(rows):
        lonlat = point(row.get(geo_var))
        if lonlat is None:
            continue
        iri = row[subject]["value"] if subject and row.get(subject) else f"#row-{index + 1}"
        if (iri, lonlat) in seen:
            continue
        seen.add((iri, lonlat))
        name = label.label(row, subject) if subject and row.get(subject) else row[geo_var]["value"]
        places.append(Place(iri=iri, label=name, lon=lonlat[0], lat=lonlat[1],
                            href=label.link(row, subject) if subject else None))
    return View("Map", f"{subject or geo_var} on a map", f"One point per row at ?{geo_var}.", places)


def _graph(variables, rows, label: Labeller, colours) -> View:
    iri_vars = [v for v in variables if any(row.get(v, {}).get("type") == "uri" for row in rows)]
    if len(iri_vars) < 2:
        raise ViewError("A graph needs at least two columns of IRIs: each row links the IRIs in it.")
    nodes: dict[str, charts.Node] = {}
    edges: dict[tuple[str, str], str] = {}
    for row in rows:
        present = [v for v in iri_vars if row.get(v, {}).get("type") == "uri"]
        for var in present:
            iri = row[var]["value"]
            nodes.setdefault(iri, charts.Node(iri, label.label(row, var), label.link(row, var)))
        for a, b in itertools.pairwise(present):
            key = (row[a]["value"], row[b]["value"])
            if key[0] != key[1]:
                edges.setdefault(key, f"{nodes[key[0]].label} – {nodes[key[1]].label}")
    node_list = list(nodes.values())[:MAX_ITEMS]
    kept = {n.key for n in node_list}
    edge_list = [(a, b, text) for (a, b), text in edges.items() if a in kept and b in kept]
    view = View("Graph", "Links between " + ", ".join(iri_vars[:3]), f"One node per IRI in ?{', ?'.join(iri_vars)}, "
                "joined where they share a row.", node_list, edge_list)
    view.truncated = max(0, len(nodes) - len(node_list))
    return view


# -- drawing --------------------------------------------------------------------------------------

def render(view: View, element_id: str = "result-view", *, lang: str = "en", width: int = 760) -> Markup:
    """The view as an SVG element (a standalone document with standalone())."""
    title, desc = view.title, view.description
    if view.name == "BarChart":
        return charts.bar_chart(view.items, title, desc, element_id, width=width, number_format=charts._number,
                                label_width=280, max_label=38)
    if view.name == "LineChart":
        return charts.line_chart(view.items, title, desc, element_id, width=width, x_label=view.x_label,
                                 y_label=view.y_label)
    if view.name == "Timeline":
        return charts.timeline_chart(view.items, title, desc, element_id, width=width, label_width=280, max_label=38)
    if view.name == "Graph":
        return charts.graph_chart(view.items, view.edges, title, desc, element_id, width=width,
                                  height=max(360, min(720, 40 * int(len(view.items) ** 0.5) + 240)))
    if view.name == "Map":
        drawn = str(world_map(view.items, (), title=title, description=desc, element_id=element_id, lang=lang,
                              width=width))
        # the pages' Content-Security-Policy refuses style attributes (style.css sizes the figure)
        return Markup(drawn.replace(' style="max-width:100%;height:auto"', "", 1))
    raise ViewError(f"There is no view {view.name!r}.")


def standalone(svg: Markup | str) -> bytes:
    """An SVG element as a document of its own, for reports and <img> embeds."""
    text = str(svg)
    if 'font-family' not in text.split(">", 1)[0]:
        text = text.replace("<svg ", '<svg font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" ', 1)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")
