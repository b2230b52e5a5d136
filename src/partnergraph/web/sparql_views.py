"""/sparql: the SPARQL 1.1 Protocol (query by GET, POST form, POST direct), the service
description, and the query page for browsers."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request

from .. import iris
from ..graph import PartnerGraph
from ..sparql import formats
from ..sparql.results import result_table
from .context import accept_header, format_value, graph_of
from .errors import PartnergraphError
from .responses import result_formats

bp = Blueprint("sparql", __name__)

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMAT_IRIS = {
    "json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "turtle": "http://www.w3.org/ns/formats/Turtle",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
    "ntriples": "http://www.w3.org/ns/formats/N-Triples",
    "rdfxml": "http://www.w3.org/ns/formats/RDF_XML",
}


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
            return query_page(graph, "", None)
        return service_description(graph, proto.format, accept)
    if len(proto.query) > current_app.config["MAX_QUERY_LENGTH"]:
        raise PartnergraphError(413, f"The query is longer than the limit of {current_app.config['MAX_QUERY_LENGTH']:,} characters.")
    check_graphs(graph, proto.default_graphs + proto.named_graphs)
    if page_asked or (formats.wants_html(accept) and not proto.format):
        return query_page(graph, proto.query, proto)
    results_format, graph_format = result_formats(proto.format, accept)
    outcome = graph.run(proto.query, results_format=results_format, graph_format=graph_format,
                        default_graphs=proto.default_graphs, named_graphs=proto.named_graphs,
                        base_iri=request.base_url)
    if outcome.status != 200:
        raise PartnergraphError(outcome.status, outcome.error or "The query failed.", line=outcome.line,
                                column=outcome.column, headers={"Retry-After": "5"} if outcome.status == 503 else None)
    response = Response(outcome.body, status=200, content_type=outcome.content_type)
    response.headers["X-Query-Seconds"] = f"{outcome.seconds:.4f}"
    if proto.format:
        ext = formats.BY_NAME[outcome.format].extension
        response.headers["Content-Disposition"] = f'inline; filename="result.{ext}"'
    return response


def _asks_for_page(fmt: str | None) -> bool:
    try:
        return bool(fmt) and formats.choice(fmt).results == "html"
    except formats.UnknownFormat as err:
        raise PartnergraphError(406, str(err)) from None


def query_page(graph: PartnerGraph, text: str, proto: ProtocolRequest | None):
    """The query page: an editor, the named queries as examples, and results as a table."""
    examples = [{"name": q.name, "title": q.title, "text": q.text} for q in graph.queries.values()]
    prefixes = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in iris.PREFIXES.items()
                         if p in ("pg", "rdfs", "skos", "dcterms", "prov", "org", "xsd", "schema", "foaf"))
    context = {"query": text or f"{prefixes}\n\nSELECT ?partnership ?label WHERE {{\n  ?partnership a pg:Partnership ;\n"
                                  "               rdfs:label ?label .\n  FILTER (LANG(?label) = \"en\")\n}\nORDER BY ?label",
               "examples": examples, "result": None, "error": None, "downloads": []}
    status = 200
    if text:
        outcome = graph.run(text, results_format="json", graph_format="ntriples",
                            default_graphs=proto.default_graphs if proto else None,
                            named_graphs=proto.named_graphs if proto else None)
        if outcome.status != 200:
            status = outcome.status
            context["error"] = {"message": outcome.error, "line": outcome.line, "column": outcome.column}
        else:
            context["result"] = result_table(outcome, current_app.config["MAX_RESULT_ROWS"])
            context["seconds"] = outcome.seconds
        kinds = ["results"] if outcome.kind in ("results", "boolean") else ["graph"] if outcome.kind == "graph" else ["results", "graph"]
        for fmt in formats.FORMATS:
            if fmt.kind in kinds:
                context["downloads"].append({"name": fmt.name, "media_type": fmt.media_type,
                                             "href": "/sparql?" + urlencode({"query": text, "format": fmt.name})})
        context["share"] = "/sparql?" + urlencode({"query": text})
    return render_template("sparql.html", **context), status


def service_description(graph: PartnerGraph, fmt: str | None, accept: str | None) -> Response:
    """The SPARQL 1.1 Service Description, serialised in the negotiated RDF format."""
    import rdflib
    from rdflib.namespace import RDF, VOID

    if fmt:
        try:
            chosen = formats.by_name(fmt, "graph")
        except formats.UnknownFormat as err:
            raise PartnergraphError(406, f"{err} (the service description is a graph)") from None
    else:
        chosen = formats.negotiate(accept, "graph") or formats.BY_NAME["turtle"]
    sd = rdflib.Namespace(SD)
    g = rdflib.Graph()
    g.bind("sd", sd)
    g.bind("void", VOID)
    endpoint = rdflib.URIRef(request.url_root.rstrip("/") + "/sparql")
    service = rdflib.BNode("service")
    g.add((service, RDF.type, sd.Service))
    g.add((service, sd.endpoint, endpoint))
    g.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    g.add((service, sd.feature, sd.UnionDefaultGraph))
    g.add((service, sd.feature, sd.BasicFederatedQuery)) if graph.allowlist else None
    for name, iri in FORMAT_IRIS.items():
        g.add((service, sd.resultFormat, rdflib.URIRef(iri)))
    dataset = rdflib.BNode("dataset")
    g.add((service, sd.defaultDataset, dataset))
    g.add((dataset, RDF.type, sd.Dataset))
    default_graph = rdflib.BNode("default")
    g.add((dataset, sd.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, sd.Graph))
    sizes = graph.graph_sizes()
    g.add((default_graph, VOID.triples, rdflib.Literal(sum(sizes.values()))))
    for name, count in sizes.items():
        node = rdflib.BNode()
        inner = rdflib.BNode()
        g.add((dataset, sd.namedGraph, node))
        g.add((node, RDF.type, sd.NamedGraph))
        g.add((node, sd.name, rdflib.URIRef(name)))
        g.add((node, sd.graph, inner))
        g.add((inner, RDF.type, sd.Graph))
        g.add((inner, VOID.triples, rdflib.Literal(count)))
    rdflib_format = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt", "rdfxml": "xml"}[chosen.name]
    body = g.serialize(format=rdflib_format, encoding="utf-8")
    return Response(body, content_type=chosen.content_type)
