"""Linked-data views: health, the dashboard, class listings, cool URIs (/id/ -> 303 -> /page/ or
/data/), resource pages and their data, SDG pages and named graphs. Thin views over describe.py,
dashboard.py and charts.py."""
from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, redirect, render_template, request

from ... import rq
from ...drawing import charts, dashboard
from ...drawing.charts import text_colour
from ...history import past as history_past
from ...history import resource_history
from ...publishing import mappings
from ...publishing.ontology_docs import named_graph as graph_bytes
from ...rdf import iris, namespaces
from ...rdf.namespaces import PG
from ...resources.citation import citation
from ...resources.data import exists, resource_graph
from ...resources.describe import describe
from ...resources.labels import all_labels, inverse_labels
from ...resources.literals import format_number
from ...resources.references import source_documents
from ...resources.sdg import sdg_goals
from ...sparql import formats
from ...sparql.executor import QueryError
from ..context import app_cache, base_iri, graph_of, release_log, unknown_release
from ..errors import PartnergraphError
from ..helpers import current_lang, href, translate
from ..place_maps import dashboard_map, resource_map
from ..responses import alternate_links, format_param, link_header, negotiate_graph, rdf_response, script_json, split_extension

bp = Blueprint("pages", __name__)


@bp.route("/healthz")
def healthz():
    """200 when the store answers a query."""
    graph = graph_of()
    try:
        graph.ask(rq.load("any-triple"), timeout=5, cache=False)  # the engine itself, not a kept answer
    except QueryError as err:
        raise PartnergraphError(503, f"The store does not answer: {err}") from None
    answer = {"status": "ok", "store": graph.endpoint or "embedded", "generation": graph.generation,
              "result_cache": graph.results.stats().as_dict()}
    if "partnergraph.in_flight" in request.environ:   # under `partnergraph serve`: requests being answered
        answer["in_flight"] = request.environ["partnergraph.in_flight"]
    return jsonify(answer)


# -- helpers ----------------------------------------------------------------------------------

def goals() -> dict[str, dict]:
    return app_cache("sdg-goals", lambda: sdg_goals(graph_of()))


_SAFE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]*$")


def require_resource(iri: str) -> None:
    if not _SAFE_IRI.match(iri) or not exists(graph_of(), iri):
        raise PartnergraphError(404, f"The graph says nothing about {iri}.")


# -- cool URIs --------------------------------------------------------------------------------

@bp.route("/id/<path:rest>")
def identifier(rest: str):
    """303 See Other to the page or the data, by the Accept header, a suffix or ?format=."""
    stem, suffixed = split_extension(rest)
    iri = iris.id_iri(stem, base_iri())
    require_resource(iri)
    chosen = suffixed or negotiate_graph(allow_html=True)
    target = f"/page/{stem}" if chosen.kind == "html" else f"/data/{stem}.{chosen.extension}"
    response = redirect(target, code=303)
    response.vary.add("Accept")
    return response


@bp.route("/data/<path:rest>")
def data(rest: str):
    stem, suffixed = split_extension(rest)
    if suffixed is not None and suffixed.kind == "html":
        return redirect(f"/page/{stem}", code=303)
    iri = iris.id_iri(stem, base_iri())
    if request.args.get("release"):   # a past state (history/past.py)
        chosen = suffixed or format_param() or negotiate_graph(allow_html=False)
        state = _past(iri)
        return rdf_response(history_past.serialise(state.lines, chosen), chosen, vary=suffixed is None)
    require_resource(iri)
    chosen = suffixed or format_param() or negotiate_graph(allow_html=False)
    if chosen.kind == "html":
        return redirect(f"/page/{stem}", code=303)
    response = rdf_response(resource_graph(graph_of(), iri, chosen.name), chosen, vary=suffixed is None)
    response.headers["Content-Location"] = f"/data/{stem}.{chosen.extension}"
    return response


@bp.route("/page/<path:rest>")
def page(rest: str):
    iri = iris.id_iri(rest, base_iri())
    if request.args.get("release"):   # a past state (history/past.py)
        return render_template("past.html", past=_past(iri, current_lang()),
                               current=f"/page/{rest}" if exists(graph_of(), iri) else None)
    gone = history_past.removal(release_log(), iri) if _SAFE_IRI.match(iri) and not exists(graph_of(), iri) else None
    if gone:   # removed by a release: its last version, saying so
        last, removed = gone
        return render_template("past.html", past=history_past.past_state(release_log(), iri, last, current_lang(), base_iri()),
                               current=None, removed=removed)
    require_resource(iri)
    return resource_page(iri, rest)


def _past(iri: str, lang: str = "en"):
    """The resource at ?release=N; 404 listing the releases when there is no release N."""
    text = request.args.get("release", "")
    state = history_past.past_state(release_log(), iri, int(text), lang, base_iri()) if text.isdigit() else None
    if state is None:
        raise unknown_release(text)
    if not state.lines and not exists(graph_of(), iri) and not history_past.ever_held(release_log(), iri):
        raise PartnergraphError(404, f"Release {text} says nothing about {iri}, and neither does the current graph.")
    return state


def resource_page(iri: str, data_path: str | None, extra: dict | None = None, listed: frozenset = frozenset()):
    """listed: IRIs the page shows in a section of its own, left out of its incoming links."""
    graph = graph_of()
    lang = current_lang()
    inverses = app_cache("inverse-labels", lambda: inverse_labels(graph))
    documents = app_cache("source-documents", lambda: source_documents(graph))
    description = describe(graph, iri, lang, goals(), inverses=inverses, exclude=listed, documents=documents)
    links = alternate_links(data_path) if data_path else []
    jsonld = script_json(resource_graph(graph, iri, "jsonld"))
    html = render_template("resource.html", d=description, iri=iri, links=links, jsonld=jsonld,
                           goal_colours=goals(), place_map=resource_map(iri, lang) if data_path else None,
                           cite=citation(iri, description.labels or {"": description.label}),
                           history=resource_history.history(release_log(), iri, lang, base_iri()) if data_path else None,
                           latest_release=release_log().latest,
                           **(extra or {}))
    response = Response(html, content_type="text/html; charset=utf-8")
    if links:
        response.headers["Link"] = link_header(links)
    return response


# -- SDG pages and named graphs -----------------------------------------------------------------

@bp.route("/sdg/<code>")
def sdg(code: str):
    if not iris.is_sdg_code(code):
        raise PartnergraphError(404, f"There is no Sustainable Development Goal or target {code}.")
    graph = graph_of()
    iri = namespaces.SDG + code
    goal = goals().get(code.split(".")[0])
    projects = dashboard.sdg_projects(graph, code)
    if not projects and not exists(graph, iri) and "." in code:
        raise PartnergraphError(404, f"The graph says nothing about the SDG target {code}.")
    labels = app_cache(f"labels-{current_lang()}", lambda: all_labels(graph, current_lang()))
    listed = [{"iri": p, "label": labels.get(p, p), "via": s, "via_code": iris.sdg_code(s)} for p, s in projects]
    listed.sort(key=lambda p: p["label"].casefold())
    goal_iri = namespaces.SDG + code.split(".")[0]
    linked = dashboard.sdg_linked(graph, goal_iri) if "." not in code else {"partnership": [], "municipality": []}
    linked_items = {kind: sorted(({"iri": r, "label": labels.get(r, r)} for r in resources),
                                 key=lambda item: item["label"].casefold())
                    for kind, resources in linked.items()}
    targets = dashboard.sdg_targets(graph, iri) if "." not in code else []
    shown = frozenset([p["iri"] for p in listed] + [r["iri"] for items in linked_items.values() for r in items])
    return resource_page(iri, None, {"sdg_code": code, "sdg_goal": goal, "sdg_projects": listed,
                                     "sdg_linked": linked_items, "sdg_targets": targets}, listed=shown)


@bp.route("/graph/<path:name>")
def named_graph(name: str):
    """A named graph's triples (Turtle by default; conneg and ?format= as elsewhere)."""
    graph_iri = base_iri() + "graph/" + name
    if graph_iri not in graph_of().graph_sizes():
        raise PartnergraphError(404, f"There is no named graph {graph_iri}.")
    chosen = format_param(allow_html=False) or formats.negotiate(request.headers.get("Accept"), "graph") \
        or formats.BY_NAME["turtle"]
    return rdf_response(graph_bytes(graph_of(), graph_iri, chosen.name), chosen)


# -- the dashboard and class listings -------------------------------------------------------------

@bp.route("/")
def index():
    graph = graph_of()
    lang = current_lang()
    labels = app_cache(f"labels-{lang}", lambda: all_labels(graph, lang))
    counts = dashboard.class_counts(graph)
    cards = [{"name": name, "label": translate("class_" + name, lang), "count": counts.get(PG + name, 0),
              "href": f"/class/{name}"} for name in dashboard.DASHBOARD_CLASSES]
    number = lambda n: format_number_lang(n, lang)  # noqa: E731

    per_sdg = dashboard.projects_per_sdg(graph)
    goal_table = goals()
    sdg_bars = [charts.Bar(_goal_label(goal_table.get(str(n)), lang, n), per_sdg[n],
                           (goal_table.get(str(n)) or {}).get("colour"), f"/sdg/{n}", short=str(n))
                for n in range(1, 18)]
    sdg_chart = charts.bar_chart(sdg_bars, translate("chart_sdg", lang), translate("chart_sdg_desc", lang),
                                 "chart-sdg", label_width=300, number_format=number, max_label=40)

    per_country = dashboard.partnerships_per_country(graph, base_iri())
    country_bars = sorted((charts.Bar(labels.get(c, c), n, None, href(c)) for c, n in per_country.items()),
                          key=lambda b: (-b.value, b.label.casefold()))
    country_chart = charts.bar_chart(country_bars, translate("chart_country", lang),
                                     translate("chart_country_desc", lang), "chart-country", number_format=number)

    years, undated = dashboard.projects_per_year(graph)
    year_columns = [charts.Bar(str(y), n) for y, n in years.items()]
    year_chart = charts.column_chart(year_columns, translate("chart_years", lang), translate("chart_years_desc", lang),
                                     "chart-years", number_format=number)

    net = dashboard.partner_network(graph, base_iri())
    left = [charts.Node(p, labels.get(p, p), href(p)) for p in net.home]
    right = [charts.Node(p, labels.get(p, p), href(p)) for p in net.abroad]
    left.sort(key=lambda n: n.label.casefold())
    right.sort(key=lambda n: n.label.casefold())
    edges = [(a, b, labels.get(p, p)) for a, b, p in net.edges]
    network_chart = charts.network_chart(left, right, edges, translate("chart_network", lang),
                                         translate("chart_network_desc", lang), "chart-network",
                                         left_heading=translate("in_sweden", lang), right_heading=translate("abroad", lang))
    analytics = app_cache(f"sdg-analytics-{lang}", lambda: dashboard.sdg_analytics(graph, lang))
    return render_template("dashboard.html", cards=cards, sdg_chart=sdg_chart, country_chart=country_chart,
                           year_chart=year_chart, undated=undated, network_chart=network_chart,
                           sdg_bars=sdg_bars, country_bars=country_bars, year_columns=year_columns,
                           analytics=analytics, goal_table=goal_table, partnerships_map=dashboard_map(lang),
                           outside_links=app_cache("outside-links", lambda: mappings.links_per_dataset(graph, base_iri())))


def format_number_lang(n, lang):
    return format_number(n, lang)


def _goal_label(goal: dict | None, lang: str, number: int) -> str:
    if not goal:
        return f"SDG {number}"
    labels = goal["labels"]
    return labels.get(lang) or labels.get("en") or f"SDG {number}"


@bp.route("/sdg-colours.css")
def sdg_colours():
    """The goals' colours (pg:colour in the data) as CSS classes .sdg-1 ... .sdg-17 (no inline styles:
    the pages' Content-Security-Policy allows only the site's own stylesheets)."""
    rules = []
    for number, goal in sorted(goals().items(), key=lambda kv: int(kv[0])):
        colour = goal.get("colour") or ""
        if charts._COLOUR.match(colour):
            rules.append(f".sdg-{int(number)} {{ background: {colour}; color: {text_colour(colour)}; }}")
    response = Response("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
