"""/fragments: Triple Pattern Fragments for Comunica and other LDF clients. A thin view over
fragments.py: parse the pattern, fetch the page, negotiate the format."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from ...graph import QueryError
from ...publishing import fragments
from ...sparql import formats
from ..context import graph_of
from ..errors import PartnergraphError

bp = Blueprint("fragments", __name__)


def _negotiate() -> formats.Format:
    name = request.args.get("format")
    if name:
        chosen = next((f for f in fragments.MEDIA if name.lower() in (f.name, f.extension, f.media_type)), None)
        if chosen is None:
            raise PartnergraphError(400, f"Unknown format {name!r}; fragments come as "
                                    + ", ".join(f.name for f in fragments.MEDIA) + ".")
    else:
        chosen = formats.negotiate_among(request.headers.get("Accept"), fragments.MEDIA)
    if chosen is None:
        raise PartnergraphError(406, "Fragments come as " + ", ".join(f.media_type for f in fragments.MEDIA) + ".")
    return chosen


@bp.route("/fragments")
def fragment():
    fmt = _negotiate()
    limit = current_app.config["MAX_QUERY_LENGTH"]
    if sum(len(v) for v in request.args.values()) > limit:
        raise PartnergraphError(413, f"The pattern is longer than the limit of {limit:,} characters.")
    try:
        pattern = fragments.parse_pattern(request.args)
        page = fragments.parse_page(request.args.get("page"))
        fetched = fragments.fetch(graph_of(), pattern, page, current_app.config["FRAGMENT_PAGE_SIZE"])
    except fragments.FragmentError as err:
        raise PartnergraphError(400, str(err)) from None
    except QueryError as err:
        raise PartnergraphError(err.status, str(err)) from None
    root = request.host_url.rstrip("/") + request.path
    raw = request.environ.get("QUERY_STRING", "")
    page_url = root + ("?" + raw if raw else "")
    body = fragments.serialize(fragments.quads(fetched, page_url, root + "#dataset", fragments.fragment_link(root)), fmt)
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response  # ETag, 304 and Cache-Control: web/caching.py
