"""/fragments: Triple Pattern Fragments for Comunica and other LDF clients. A thin view over
fragments.py: parse the pattern, fetch the page, negotiate the format."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from ...graph import QueryError
from ...publishing import fragments
from ...sparql import formats
from ..context import accept_header, graph_of
from ..errors import PartnergraphError

bp = Blueprint("fragments", __name__)


def _wants_page() -> bool:
    """A browser (or ?format=html) gets the fragment as a page with its controls as a form."""
    name = request.args.get("format")
    if name:
        return name.lower() == "html"
    return formats.wants_html(accept_header())


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
    page_wanted = _wants_page()
    fmt = None if page_wanted else _negotiate()
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
    if page_wanted:
        return _page(fetched)
    raw = request.environ.get("QUERY_STRING", "")
    page_url = root + ("?" + raw if raw else "")
    body = fragments.serialize(fragments.quads(fetched, page_url, root + "#dataset", fragments.fragment_link(root)), fmt)
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response  # ETag, 304 and Cache-Control: web/caching.py


def _page(fetched: fragments.Fragment) -> Response:
    link = fragments.fragment_link(request.path)
    params = fetched.pattern.params()
    paging = {"page": str(fetched.page)} if fetched.page > 1 else {}
    here = link({**params, **paging})
    formats_links = [{"href": here + ("&" if "?" in here else "?") + f"format={f.name}", "type": f.media_type, "name": f.name}
                     for f in fragments.MEDIA]
    pager = {"previous": link({**params, "page": str(fetched.page - 1)}) if fetched.page > 1 else None,
             "next": link({**params, "page": str(fetched.page + 1)}) if fetched.has_next else None}
    html = render_template("fragments.html", fragment=fetched, params=params, rows=fragments.readable_rows(fetched, link),
                           links=formats_links, pager=pager, shown=min(len(fetched.triples), fetched.page_size))
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Link"] = ", ".join(f'<{x["href"]}>; rel="alternate"; type="{x["type"]}"' for x in formats_links)
    response.vary.add("Accept")
    return response
