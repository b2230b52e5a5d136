"""/catalog: the DCAT-AP(-SE) catalogue (catalog.py) for data portals. RDF/XML unless the client
asks for Turtle, JSON-LD or N-Triples; the dashboard, VoID and the downloads point to it with a
`Link` header."""
from __future__ import annotations

from flask import Blueprint, current_app, request

from .. import catalog, dataset
from ..sparql import formats
from .context import app_cache, base_iri, graph_of
from .errors import PartnergraphError
from .responses import format_links, format_param, rdf_response, with_links

bp = Blueprint("catalog", __name__)

# what Sveriges dataportal harvests; a client that states no preference gets it
DEFAULT_FORMAT = formats.BY_NAME["rdfxml"]
LINKED_FROM = ("pages.index", "site.void", "site.dumps_index")


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


def catalog_graph(site: str):
    """The catalogue for this server's root URL, built once per graph generation."""
    routes = frozenset(rule.rule for rule in current_app.url_map.iter_rules())
    # the dumps first: app_cache's lock is not re-entrant, so no cached value builds another
    dumps = app_cache("dumps", lambda: dataset.Dumps(graph_of(), base_iri()))
    return app_cache(f"catalog {site}", lambda: catalog.build(graph_of(), current_app.config, site, dumps,
                                                              routes=routes))


@bp.route("/catalog")
def catalogue():
    chosen = catalog_format()
    try:
        g = catalog_graph(request.url_root)
    except catalog.CatalogError as err:
        raise PartnergraphError(500, f"The catalogue could not be built: {err}") from None
    response = rdf_response(catalog.serialize(g, chosen.name), chosen)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.add_etag()
    response = with_links(response, format_links("/catalog"))
    return response.make_conditional(request)


@bp.after_app_request
def _link_to_catalogue(response):
    """The dataset's landing pages say where its catalogue is."""
    if request.endpoint in LINKED_FROM and response.status_code == 200:
        link = f'</catalog>; rel="describedby"; type="{DEFAULT_FORMAT.media_type}"'
        existing = response.headers.get("Link")
        response.headers["Link"] = f"{existing}, {link}" if existing else link
    return response
