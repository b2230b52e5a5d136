"""/sparql: the SPARQL 1.1 Protocol (query by GET, POST form, POST direct), the service
description, and the query page for browsers."""
from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, render_template, request

from ... import rq
from ...drawing import result_views
from ...graph import PartnerGraph
from ...named_queries import ParameterError
from ...publishing import service_description
from ...rdf import namespaces
from ...resources.labels import all_labels
from ...resources.sdg import sdg_goals
from ...sparql import formats
from ...sparql.results import result_table
from ...workbench.short_links import link_id
from ..context import accept_header, app_cache, format_value, graph_of
from ..errors import PartnergraphError
from ..helpers import current_lang, href
from ..responses import result_formats

bp = Blueprint("sparql", __name__)



class ProtocolRequest:
    """What a SPARQL Protocol request asks for, read from GET, POST form or POST direct."""

    def __init__(self, query: str | None, default_graphs: list[str], named_graphs: list[str], fmt: str | None):
        self.query, self.default_graphs, self.named_graphs, self.format = query, default_graphs, named_graphs, fmt


def read_protocol_request() -> ProtocolRequest:
    args = request.args
    if request.method == "GET":
        source = args
        query_values = args.getlist("query")
        if "update" in args:
            raise PartnergraphError(403, "SPARQL Update is not accepted: this endpoint is read-only.")
    else:
        media = (request.mimetype or "").lower()
        if media == "application/x-www-form-urlencoded" or media == "multipart/form-data":
            source = request.form
            query_values = request.form.getlist("query")
            if "update" in request.form:
                raise PartnergraphError(403, "SPARQL Update is not accepted: this endpoint is read-only.")
            if args.getlist("query"):
                raise PartnergraphError(400, "Give the query either in the URL or in the form body, not both.")
        elif media == "application/sparql-query":
            source = args
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise PartnergraphError(415, f"The query must be sent as UTF-8, not {charset}.")
            try:
                query_values = [request.get_data(cache=False).decode("utf-8")]
            except UnicodeDecodeError:
                raise PartnergraphError(400, "The query body is not valid UTF-8.") from None
            if args.getlist("query"):
                raise PartnergraphError(400, "Give the query either in the URL or in the body, not both.")
        elif media == "application/sparql-update":
            raise PartnergraphError(403, "SPARQL Update is not accepted: this endpoint is read-only.")
        else:
            raise PartnergraphError(415, "POST a query as application/x-www-form-urlencoded (query=...) or as "
                                         f"application/sparql-query, not {media or 'an unknown type'}.")
    if len(query_values) > 1:
        raise PartnergraphError(400, "The request gives more than one query.")
    query = query_values[0] if query_values else None
    defaults = source.getlist("default-graph-uri") + (args.getlist("default-graph-uri") if source is not args else [])
    named = source.getlist("named-graph-uri") + (args.getlist("named-graph-uri") if source is not args else [])
    return ProtocolRequest(query, defaults, named, format_value())


def check_graphs(graph: PartnerGraph, names: list[str]) -> None:
    for name in names:
        if not name or any(c in name for c in '<>" {}|\\^`') or ":" not in name:
            raise PartnergraphError(400, f"Not a graph IRI: {name!r}")


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql():
    if request.method == "OPTIONS":
        return Response(status=204)
    proto = read_protocol_request()
    accept = accept_header()
    page_asked = _asks_for_page(proto.format)
    graph = graph_of()
    if proto.query is None or not proto.query.strip():
        if proto.query is not None and request.method == "POST":
            raise PartnergraphError(400, "The query is empty.")
        if page_asked or (formats.wants_html(accept) and not proto.format):
            return query_page(graph, example_text(graph, request.args.get("example")), None)
        return service_description_response(graph, proto.format, accept)
    if len(proto.query) > current_app.config["MAX_QUERY_LENGTH"]:
        limit = current_app.config["MAX_QUERY_LENGTH"]
        raise PartnergraphError(413, f"The query is longer than the limit of {limit:,} characters.")
    check_graphs(graph, proto.default_graphs + proto.named_graphs)
    if proto.format in ("svg", "image/svg+xml"):
        return view_svg(graph, proto)
    if page_asked or (formats.wants_html(accept) and not proto.format):
        return query_page(graph, proto.query, proto)
    results_format, graph_format = result_formats(proto.format, accept)
    outcome = graph.answer(proto.query, results_format=results_format, graph_format=graph_format,
                           default_graphs=proto.default_graphs, named_graphs=proto.named_graphs,
                           base_iri=request.base_url)
    response = Response(outcome.body, status=200, content_type=outcome.content_type)
    response.headers["X-Query-Seconds"] = f"{outcome.seconds:.4f}"
    if proto.format:
        ext = formats.BY_NAME[outcome.format].extension
        response.headers["Content-Disposition"] = f'inline; filename="result.{ext}"'
    return response


def example_text(graph: PartnerGraph, name: str | None) -> str:
    """A named query's text with its default parameters written in, for the editor."""
    if not name:
        return ""
    query = graph.queries.get(name)
    if query is None:
        raise PartnergraphError(404, f"There is no example {name!r}; see /queries.")
    try:
        return query.bound_text()
    except (ParameterError, ValueError) as err:
        raise PartnergraphError(400, f"The example {name!r} cannot be bound: {err}") from None


def _labels(graph: PartnerGraph, lang: str) -> dict[str, str]:
    return app_cache(f"labels-{lang}", lambda: all_labels(graph, lang))


def _goal_colours(graph: PartnerGraph) -> dict[str, str]:
    goals = app_cache("sdg-goals", lambda: sdg_goals(graph))
    return {g["iri"]: g["colour"] for g in goals.values() if g.get("colour")}


def _view(graph: PartnerGraph, result: dict, view: str, lang: str) -> result_views.View:
    return result_views.build(view, result["vars"], result["rows"], labels=_labels(graph, lang), href=href,
                             colours=_goal_colours(graph), lang=lang)


def view_svg(graph: PartnerGraph, proto: ProtocolRequest) -> Response:
    """/sparql?query=...&format=svg&view=BarChart: a result view as a standalone SVG document."""
    view = result_views.view_name(request.values.get("view")) or result_views.default_view(proto.query)
    if view == "Table":
        raise PartnergraphError(400, "format=svg draws a chart: give view=" + ", view=".join(result_views.CHART_VIEWS)
                                + " (or a #defaultView: comment in the query).")
    outcome = graph.answer(proto.query, results_format="json", graph_format="ntriples",
                           default_graphs=proto.default_graphs, named_graphs=proto.named_graphs)
    if outcome.kind != "results":
        raise PartnergraphError(400, "Only a SELECT query's results can be drawn as a chart.")
    result = result_table(outcome, result_views.MAX_ITEMS * 50)
    try:
        drawn = _view(graph, result, view, current_lang())
        svg = result_views.render(drawn, "result-" + view.lower(), lang=current_lang())
    except result_views.ViewError as err:
        raise PartnergraphError(400, str(err)) from None
    response = Response(result_views.standalone(svg), content_type=formats.BY_NAME["svg"].content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{view.lower()}.svg"'
    response.headers["X-Query-Seconds"] = f"{outcome.seconds:.4f}"
    return response


def _asks_for_page(fmt: str | None) -> bool:
    try:
        return bool(fmt) and formats.choice(fmt).results == "html"
    except formats.UnknownFormat as err:
        raise PartnergraphError(406, str(err)) from None


def query_page(graph: PartnerGraph, text: str, proto: ProtocolRequest | None):
    """The workbench: an editor, the named queries as examples (their defaults written in), the
    result as a table and as the chosen view, downloads, an embed snippet and a short link."""
    lang = current_lang()
    examples = [{"name": q.name, "title": q.title_in(lang)}
                for q in sorted(graph.queries.values(), key=lambda q: q.title_in(lang).casefold())]
    prefixes = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in namespaces.PREFIXES.items()
                         if p in ("pg", "rdfs", "skos", "dcterms", "prov", "org", "xsd", "schema", "foaf"))
    context = {"query": text or f"{prefixes}\n\n{rq.load('editor-example').rstrip()}",
               "examples": examples, "result": None, "error": None, "downloads": [], "views": [],
               "view": None, "chart": None, "view_error": None, "labels": {}}
    status = 200
    if text:
        outcome = graph.run(text, results_format="json", graph_format="ntriples",
                            default_graphs=proto.default_graphs if proto else None,
                            named_graphs=proto.named_graphs if proto else None)
        if outcome.status != 200:
            status = outcome.status
            context["error"] = {"message": outcome.error, "line": outcome.line, "column": outcome.column}
        else:
            result = result_table(outcome, current_app.config["MAX_RESULT_ROWS"])
            context["result"] = result
            context["seconds"] = outcome.seconds
            context["labels"] = _labels(graph, lang)
            if outcome.kind == "results" and result["kind"] == "results":
                chosen = result_views.view_name(request.args.get("view")) or result_views.default_view(text)
                context["view"] = chosen
                context["views"] = [{"name": v, "href": "/sparql?" + urlencode({"query": text, "view": v}),
                                     "current": v == chosen} for v in result_views.VIEWS]
                if chosen != "Table":
                    svg_href = "/sparql?" + urlencode({"query": text, "format": "svg", "view": chosen})
                    context["svg_href"] = svg_href
                    context["embed"] = (f'<img src="{request.url_root.rstrip("/")}{svg_href}" '
                                        f'alt="{chosen}" width="760">')
                    try:
                        context["chart"] = result_views.render(_view(graph, result, chosen, lang), "result-view",
                                                              lang=lang)
                    except result_views.ViewError as err:
                        context["view_error"] = str(err)
                    except ImportError:
                        context["view_error"] = "The map view is not available on this server."
        kinds = (["results"] if outcome.kind in ("results", "boolean") else ["graph"] if outcome.kind == "graph"
                 else ["results", "graph"])
        for fmt in formats.FORMATS:
            if fmt.kind in kinds:
                context["downloads"].append({"name": fmt.name, "media_type": fmt.media_type,
                                             "href": "/sparql?" + urlencode({"query": text, "format": fmt.name})})
        context["share"] = "/sparql?" + urlencode({"query": text})
        context["short_id"] = link_id(text)
    context["bundle"] = (Path(current_app.static_folder) / "dist" / "workbench.js").is_file()
    if context["bundle"]:
        g.style_nonce = context["nonce"] = secrets.token_urlsafe(16)  # for the editor's own <style>
    return render_template("sparql.html", **context), status


def service_description_response(graph: PartnerGraph, fmt: str | None, accept: str | None) -> Response:
    """The SPARQL 1.1 Service Description (service.py), serialised in the negotiated RDF format."""
    if fmt:
        try:
            chosen = formats.by_name(fmt, "graph")
        except formats.UnknownFormat as err:
            raise PartnergraphError(406, f"{err} (the service description is a graph)") from None
    else:
        chosen = formats.negotiate(accept, "graph") or formats.BY_NAME["turtle"]
    body = service_description.serialise(graph, request.url_root.rstrip("/") + "/sparql", chosen)
    return Response(body, content_type=chosen.content_type)
