"""/mappings: the outside links as SSSOM mapping sets (publishing/mappings.py). A browser gets the
index and a page per set; a client gets the SSSOM/TSV file or the RDF form, by extension or by
Accept. ETag and 304: web/caching.py."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from ...publishing import catalog, mappings
from ...sparql import formats
from ..context import accept_header, app_cache, base_iri, graph_of
from ..errors import PartnergraphError
from ..responses import RDF_EXTENSIONS, format_links, negotiate_graph, rdf_response, wants_page, with_links

bp = Blueprint("mappings", __name__)
TSV_SUFFIX = ".sssom.tsv"


def mapping_sets() -> list[mappings.MappingSet]:
    """The sets with this server's publisher as their author; the links are found once per graph generation."""
    config, site = current_app.config, request.url_root
    author = mappings.author_of(catalog.publisher_iri(config, site), catalog.publisher_names(config, site))
    links = app_cache("mapping-links", lambda: mappings.graph_links(graph_of(), base_iri()))
    return mappings.build(None, base_iri(), author, links)


def tsv_response(mset: mappings.MappingSet) -> Response:
    response = Response(mappings.to_tsv(mset, base_iri()),
                        content_type=mappings.TSV_MEDIA_TYPE + "; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{mset.spec.name}{TSV_SUFFIX}"'
    return response


def rdf_of(sets: list[mappings.MappingSet], fmt: formats.Format) -> Response:
    import rdflib
    union = rdflib.Graph()
    for mset in sets:
        part = mappings.to_rdf(mset, base_iri())
        for prefix, ns in part.namespaces():
            union.bind(prefix, ns, replace=True)
        union += part
    return rdf_response(union.serialize(format=fmt.rdflib, encoding="utf-8"), fmt)


def wants_tsv() -> bool:
    """?format=tsv, or an Accept header that names SSSOM's TSV."""
    if request.args.get("format"):
        return request.args["format"] == "tsv"
    return any(q > 0 and media_range == mappings.TSV_MEDIA_TYPE
               for media_range, q in formats.parse_accept(accept_header()))


@bp.route("/mappings")
def index():
    sets = mapping_sets()
    links = format_links("/mappings")
    if wants_page():
        page = render_template("mappings.html", sets=sets, links=links, per_target=mappings.links_per_target(sets))
        return with_links(Response(page, content_type="text/html; charset=utf-8"), links)
    return with_links(rdf_of(sets, negotiate_graph(allow_html=False)), links)


@bp.route("/mappings/<path:rest>")
def mapping_set(rest: str):
    name, fmt = rest, None
    if rest.endswith(TSV_SUFFIX):
        name, fmt = rest[:-len(TSV_SUFFIX)], "tsv"
    elif ".sssom." in rest:
        name, ext = rest.split(".sssom.", 1)
        if ext not in RDF_EXTENSIONS:
            raise PartnergraphError(404, f"No mapping set file {rest!r}: use .sssom.tsv or .sssom."
                                    + ", .sssom.".join(RDF_EXTENSIONS))
        fmt = RDF_EXTENSIONS[ext]
    mset = mappings.by_name(mapping_sets(), name)
    if mset is None:
        raise PartnergraphError(404, f"No mapping set {name!r}; known: {', '.join(mappings.BY_NAME)}")
    if fmt == "tsv" or (fmt is None and wants_tsv()):
        return tsv_response(mset)
    if fmt is not None:
        return rdf_of([mset], fmt)
    links = format_links(f"/mappings/{name}") + [{"href": f"/mappings/{name}{TSV_SUFFIX}", "type": mappings.TSV_MEDIA_TYPE,
                                                  "name": "tsv"}]
    if wants_page():
        page = render_template("mapping_set.html", m=mset, links=links)
        return with_links(Response(page, content_type="text/html; charset=utf-8"), links)
    return with_links(rdf_of([mset], negotiate_graph(allow_html=False)), links)
