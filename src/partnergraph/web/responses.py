"""Negotiation and responses shared by the views: the `format` parameter and the Accept header read
through the one media-type table (sparql/formats.py), RDF responses, `Link` headers, JSON that is
safe to reflect and to embed in a page."""
from __future__ import annotations

import json

from flask import Response, request
from markupsafe import Markup

from ..sparql import formats
from .errors import PartnergraphError, escape_json

RDF_EXTENSIONS = {f.extension: f for f in formats.GRAPH_FORMATS}


def script_json(body: bytes | str) -> Markup:
    """JSON for a <script> data block."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    return Markup(escape_json(text))


def safe_json(data, status: int = 200) -> Response:
    return Response(escape_json(json.dumps(data, ensure_ascii=False)), status=status,
                    content_type="application/json; charset=utf-8")


def wants_page() -> bool:
    """A browser asking for HTML (and no ?format= other than html)."""
    fmt = request.args.get("format")
    if fmt:
        return fmt == "html"
    return formats.wants_html(request.headers.get("Accept"))


def split_extension(rest: str) -> tuple[str, formats.Format | None]:
    """'project/x.ttl' -> ('project/x', turtle); slugs never hold a dot."""
    stem, dot, ext = rest.rpartition(".")
    if dot and "/" not in ext and ext in RDF_EXTENSIONS:
        return stem, RDF_EXTENSIONS[ext]
    if dot and ext == "html":
        return stem, formats.BY_NAME["html"]
    return rest, None


def format_param(allow_html: bool = True) -> formats.Format | None:
    name = request.args.get("format")
    if not name:
        return None
    try:
        return formats.by_name(name, None if allow_html and name in ("html", "text/html") else "graph")
    except formats.UnknownFormat as err:
        raise PartnergraphError(400, str(err)) from None


def negotiate_graph(allow_html: bool) -> formats.Format:
    chosen = format_param(allow_html) or formats.negotiate(request.headers.get("Accept"), "graph", allow_html=allow_html)
    if chosen is None:
        raise PartnergraphError(406, "None of the formats in the Accept header can be produced; available: "
                                + ", ".join(f.media_type for f in formats.GRAPH_FORMATS)
                                + (", text/html" if allow_html else "") + ".")
    return chosen


def rdf_response(body: bytes, fmt: formats.Format, vary: bool = True) -> Response:
    response = Response(body, content_type=fmt.content_type)
    if vary:
        response.vary.add("Accept")
    return response


def link_header(links: list[dict]) -> str:
    return ", ".join(f'<{link["href"]}>; rel="alternate"; type="{link["type"]}"' for link in links)


def alternate_links(data_path: str) -> list[dict]:
    """The data of the resource at /page/{data_path}, one link per graph format."""
    return [{"href": f"/data/{data_path}.{f.extension}", "type": f.media_type, "name": f.name,
             "ext": f.extension} for f in formats.GRAPH_FORMATS]


def format_links(path: str) -> list[dict]:
    """A route's other representations by ?format=."""
    return [{"href": f"{path}?format={f.name}", "type": f.media_type, "name": f.name}
            for f in formats.GRAPH_FORMATS]


def with_links(response: Response, links: list[dict]) -> Response:
    response.headers["Link"] = link_header(links)
    response.vary.add("Accept")
    return response
