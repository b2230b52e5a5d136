"""/catalog: the DCAT-AP(-SE) catalogue (catalog.py) for data portals. RDF/XML unless the client
asks for Turtle, JSON-LD or N-Triples; the dashboard, VoID and the downloads point to it with a
`Link` header."""
from __future__ import annotations

import threading

from flask import Blueprint, Response, current_app, render_template, request

from ...publishing import catalog, dataset
from ...sparql import formats
from ..context import app_cache, base_iri, graph_of
from ..errors import PartnergraphError
from ..helpers import current_lang
from ..responses import format_links, format_param, rdf_response, wants_page, with_links

bp = Blueprint("catalog", __name__)

# what Sveriges dataportal harvests; a client that states no preference gets it
DEFAULT_FORMAT = formats.BY_NAME["rdfxml"]
LINKED_FROM = ("pages.index", "site.void", "site.dumps_index")
KEPT = 16          # catalogues kept per graph generation, by (root URL, format)
_lock = threading.Lock()


def catalog_format() -> formats.Format:
    chosen = format_param(allow_html=False)
    if chosen is not None:
        return chosen
    for media_range, q in formats.parse_accept(request.headers.get("Accept")):
        if q <= 0:
            continue
        if media_range == "*/*":
            return DEFAULT_FORMAT
        found = formats.negotiate(media_range, "graph")
        if found is not None:
            return found
    raise PartnergraphError(406, "The catalogue is available as "
                            + ", ".join(f.media_type for f in formats.GRAPH_FORMATS) + ".")


def catalog_body(site: str, fmt: formats.Format) -> bytes:
    """The catalogue for this server's root URL in one format, kept per graph generation. The root
    comes from the request's Host, so only the last few are kept: a client cannot fill memory."""
    routes = frozenset(rule.rule for rule in current_app.url_map.iter_rules())
    # the dumps first: app_cache's lock is not re-entrant, so no cached value builds another
    dumps = app_cache("dumps", lambda: dataset.Dumps(graph_of(), base_iri()))
    kept = app_cache("catalog", dict)
    with _lock:
        body = kept.get((site, fmt.name))
    if body is None:
        g = catalog.build(graph_of(), current_app.config, site, dumps, routes=routes)
        body = catalog.serialize(g, fmt.name)
        with _lock:
            while len(kept) >= KEPT:
                kept.pop(next(iter(kept)))
            kept[(site, fmt.name)] = body
    return body


@bp.route("/catalog")
def catalogue():
    page = wants_page()   # a browser reads the catalogue as a page; harvesters keep their RDF
    chosen = formats.BY_NAME["turtle"] if page else catalog_format()
    try:
        body = catalog_body(request.url_root, chosen)
    except catalog.CatalogError as err:
        raise PartnergraphError(500, f"The catalogue could not be built: {err}") from None
    links = format_links("/catalog")
    if page:
        from ...publishing import readable  # start-up: rdflib only when a person reads the catalogue
        html = render_template("catalog.html", links=links, resources=readable.catalogue(body, current_lang()))
        response = Response(html, content_type="text/html; charset=utf-8")
        return with_links(response, links)
    return with_links(rdf_response(body, chosen), links)  # ETag and 304: web/caching.py


@bp.after_app_request
def _link_to_catalogue(response):
    """The dataset's landing pages say where its catalogue is."""
    if request.endpoint in LINKED_FROM and response.status_code == 200:
        link = f'</catalog>; rel="describedby"; type="{DEFAULT_FORMAT.media_type}"'
        existing = response.headers.get("Link")
        response.headers["Link"] = f"{existing}, {link}" if existing else link
    return response
