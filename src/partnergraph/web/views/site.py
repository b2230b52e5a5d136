"""The rest of the site: ontology and shapes documentation, search, named queries, VoID and dumps.
Thin views over vocabulary.py, search.py, queries.py and dataset.py."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request

from ...drawing import dashboard
from ...named_queries import ParameterError, UnknownQuery
from ...names.search import SearchIndex
from ...publishing import dataset, ontology_docs
from ...rdf.namespaces import PG
from ...resources.labels import all_labels
from ...sparql import formats
from ...sparql.results import result_table
from ...workbench import param_forms
from ..context import FORMAT_PARAMETERS, accept_header, app_cache, base_iri, format_value, graph_of
from ..errors import PartnergraphError
from ..helpers import current_lang, href
from ..responses import (
    format_links,
    negotiate_graph,
    prefers_json,
    rdf_response,
    result_formats,
    safe_json,
    wants_page,
    with_links,
)

bp = Blueprint("site", __name__)


# -- ontology and shapes --------------------------------------------------------------------------

def documented_graph(graph_name: str, path: str, render):
    """A vocabulary graph: its RDF by negotiation, or for a browser the page render(links) makes."""
    if not wants_page():
        chosen = negotiate_graph(allow_html=False)
        return rdf_response(ontology_docs.named_graph(graph_of(), f"{base_iri()}graph/{graph_name}", chosen.name), chosen)
    links = format_links(path)
    return with_links(Response(render(links), content_type="text/html; charset=utf-8"), links)


@bp.route("/ontology")
def ontology():
    graph, lang = graph_of(), current_lang()
    # The documentation changes only with the graph: read it once per generation and language.
    return documented_graph("ontology", "/ontology", lambda links: render_template(
        "ontology.html", links=links, doc=app_cache(f"ontology-doc-{lang}", lambda: ontology_docs.ontology_doc(
            graph, base_iri(), lang, dashboard.class_counts(graph)))))


@bp.route("/shapes")
def shapes():
    lang = current_lang()
    return documented_graph("shapes", "/shapes", lambda links: render_template(
        "shapes.html", links=links,
        shapes=app_cache(f"shapes-doc-{lang}", lambda: ontology_docs.shapes_doc(graph_of(), base_iri(), lang))))


# -- search ---------------------------------------------------------------------------------------

@bp.route("/search")
def search():
    query = request.args.get("q", "").strip()[:200]
    lang = current_lang()
    index: SearchIndex = app_cache("search-index", lambda: SearchIndex.build(graph_of()))
    hits = index.search(query, lang) if query else []
    labels = app_cache(f"labels-{lang}", lambda: all_labels(graph_of(), lang))
    wants_json = request.args.get("format") == "json" or (
        request.args.get("format") is None and not formats.wants_html(accept_header())
        and "json" in (accept_header() or ""))
    if wants_json:
        return safe_json({"query": query, "results": [
            {"iri": h.iri, "label": h.label, "url": href(h.iri), "types": h.types,
             "type_labels": [labels.get(t, t) for t in h.types], "score": h.score,
             "snippet": "".join(text for text, _ in h.snippet)} for h in hits]})
    return render_template("search.html", query=query, hits=hits, labels=labels)


# -- named queries --------------------------------------------------------------------------------

@bp.route("/queries")
def queries():
    lang = current_lang()
    listing = sorted(graph_of().queries.values(), key=lambda q: q.title_in(lang).casefold())
    if prefers_json():
        root = request.url_root.rstrip("/")
        return safe_json({"queries": [q.to_json(f"{root}/queries/{q.name}") for q in listing]})
    return render_template("queries.html", queries=listing)


@bp.route("/queries/<name>")
def named_query(name: str):
    """A named query run with its parameters: a page for a browser, its result in the format asked
    for (Accept or ?format=) otherwise."""
    graph = graph_of()
    query = graph.queries.get(name)
    if query is None:
        raise PartnergraphError(404, str(UnknownQuery.of(name, graph.queries)))
    own = {p.name for p in query.parameters}
    reserved = set(FORMAT_PARAMETERS) | {"lang"}
    params = {k: v for k, v in request.args.items() if k in own or k not in reserved}
    try:
        bindings = query.bindings(params)
    except ParameterError as err:
        raise PartnergraphError(400, str(err)) from None
    fmt_value = format_value() if not own & set(FORMAT_PARAMETERS) else request.args.get("format")
    if not wants_page():
        if fmt_value in ("svg", "image/svg+xml"):
            raise PartnergraphError(400, "A chart of this query is drawn by the workbench: open it in the editor "
                                         "and use /sparql?query=...&format=svg&view=BarChart.")
        results_format, graph_format = result_formats(fmt_value, accept_header())
        outcome = graph.answer(query.text, results_format=results_format, graph_format=graph_format, bindings=bindings)
        response = Response(outcome.body, content_type=outcome.content_type)
        response.headers["Content-Disposition"] = \
            f'inline; filename="{name}.{formats.BY_NAME[outcome.format].extension}"'
        return response
    outcome = graph.answer(query.text, results_format="json", graph_format="ntriples", bindings=bindings)
    result = result_table(outcome, current_app.config["MAX_RESULT_ROWS"])
    values = {p.name: params.get(p.name) or p.default or "" for p in query.parameters}
    kind = "graph" if outcome.kind == "graph" else "results"
    downloads = [{"name": f.name, "media_type": f.media_type,
                  "href": f"/queries/{name}?" + urlencode({**values, "format": f.name})}
                 for f in formats.FORMATS if f.kind == kind]
    lang = current_lang()
    editor = "/sparql?" + urlencode({"query": query.bound_text(params)})
    labels = app_cache(f"labels-{lang}", lambda: all_labels(graph, lang))
    pickers = app_cache(f"pickers-{name}-{lang}", lambda: param_forms.choices(graph, query, lang, labels))
    options = {p.name: param_forms.with_value(pickers[p.name], values[p.name], p)
               for p in query.parameters if p.name in pickers}
    return render_template("query.html", q=query, values=values, result=result, downloads=downloads,
                           seconds=outcome.seconds, editor=editor, options=options, labels=labels)


# -- VoID, DCAT and dumps ---------------------------------------------------------------------------

def dumps() -> dataset.Dumps:
    return app_cache("dumps", lambda: dataset.Dumps(graph_of(), base_iri()))


@bp.route("/.well-known/void")
def void():
    graph = graph_of()
    counts = dashboard.class_counts(graph)
    g = dataset.void_graph(graph, base_iri(), request.url_root, dumps(), counts)
    if not wants_page():
        chosen = negotiate_graph(allow_html=False)
        return rdf_response(g.serialize(format=chosen.rdflib, encoding="utf-8"), chosen)
    lang = current_lang()
    labels = app_cache(f"labels-{lang}", lambda: all_labels(graph, lang))
    sizes = graph.graph_sizes()
    names = dataset.dump_graphs(graph, base_iri())
    summary = {"triples": dataset.default_graph_triples(graph), "graphs": [(n, sizes[n]) for n in names],
               "classes": sorted(((c, n) for c, n in counts.items() if c.startswith(PG)),
                                 key=lambda cn: (-cn[1], cn[0])),
               "vocabularies": dataset.vocabularies(graph), "sizes": dumps().sizes()}
    links = format_links("/.well-known/void")
    return with_links(Response(render_template("void.html", s=summary, labels=labels, dumps=dataset.DUMP_FORMATS,
                                               links=links), content_type="text/html; charset=utf-8"), links)


@bp.route("/dumps/")
def dumps_index():
    return render_template("dumps.html", dumps=dataset.DUMP_FORMATS, sizes=dumps().sizes())


@bp.route("/dumps/<filename>")
def dump(filename: str):
    spec = dataset.BY_FILENAME.get(filename)
    if spec is None:
        raise PartnergraphError(404, f"There is no dump {filename!r}; see /dumps/.")
    body = dumps().get(filename)
    if spec.gzip:
        response = Response(body, content_type="application/gzip")
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        textual = spec.media_type.startswith("text/") or spec.media_type.endswith("json")
        response = Response(body, content_type=spec.media_type + ("; charset=utf-8" if textual else ""))
    return response

