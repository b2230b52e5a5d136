"""The history's routes: the change feed (/feed, /feed/N: an LDES), the releases (/releases in
HTML, JSON and Turtle, /releases.atom), and version IRIs (/version/N/...: 303 to the past state).
Thin views over history/."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, render_template, request

from ...history import feed
from ...sparql import formats
from ..context import accept_header, graph_of, release_log, unknown_release
from ..errors import PartnergraphError

bp = Blueprint("history", __name__)

FEED_FORMATS = [formats.BY_NAME[name] for name in ("turtle", "trig", "nquads", "jsonld")]


def site() -> str:
    return request.url_root


def _negotiate():
    accept = accept_header()
    if formats.wants_html(accept) and request.args.get("format") is None:
        return None
    name = request.args.get("format")
    chosen = formats.BY_NAME.get(name) if name else formats.negotiate_among(accept, FEED_FORMATS)
    if chosen is None or chosen not in FEED_FORMATS:
        raise PartnergraphError(406, "The feed is served as " + ", ".join(f.media_type for f in FEED_FORMATS) + " and HTML.")
    return chosen


def _rdf(triples, chosen) -> Response:
    response = Response(feed.serialise(triples, chosen), content_type=chosen.content_type)
    response.vary.add("Accept")
    return response


@bp.route("/feed")
def feed_root():
    chosen = _negotiate()
    if chosen is None:
        return render_template("history.html", view="feed", releases=release_log().releases())
    response = _rdf(feed.root(release_log(), site()), chosen)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.route("/feed/<int:number>")
def feed_page(number: int):
    triples = feed.page(release_log(), number, site(), graph_of().base)
    if triples is None:
        raise unknown_release(number)
    chosen = _negotiate()
    if chosen is None:
        release = release_log().release(number)
        return render_template("history.html", view="page", release=release, changes=release_log().changes(number),
                               held=release_log().state(number))
    response = _rdf(triples, chosen)
    response.headers["Cache-Control"] = feed.IMMUTABLE
    return response


@bp.route("/releases")
@bp.route("/releases.<ext>")
def releases(ext: str | None = None):
    items = [{"number": r.number, "timestamp": r.timestamp, "notes": r.notes, "commit": r.commit, "counts": r.counts,
              "changes": f"/feed/{r.number}", "page": f"/releases#release-{r.number}"} for r in release_log().releases()]
    accept = accept_header()
    if ext == "json" or (ext is None and formats.negotiate_among(accept, [formats.BY_NAME["json"]]) and "json" in (accept or "")):
        return jsonify({"releases": items})
    if ext in ("ttl",) or (ext is None and "text/turtle" in (accept or "")):
        return _rdf(feed.releases_listing(release_log(), graph_of().base), formats.BY_NAME["turtle"])
    if ext == "atom":
        return atom()
    if ext is not None:
        raise PartnergraphError(404, "The releases are at /releases, /releases.json, /releases.ttl and /releases.atom.")
    return render_template("history.html", view="releases", releases=list(reversed(release_log().releases())))


@bp.route("/releases.atom")
def atom():
    body = render_template("releases.atom", releases=list(reversed(release_log().releases())), site=site())
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@bp.route("/version/<int:number>/<path:rest>")
def version(number: int, rest: str):
    """A version IRI: 303 to the resource's page or data at that release."""
    if release_log().release(number) is None:
        raise unknown_release(number)
    chosen = formats.negotiate(accept_header(), "graph", allow_html=True) or formats.BY_NAME["html"]
    target = f"/page/{rest}?release={number}" if chosen.kind == "html" else f"/data/{rest}.{chosen.extension}?release={number}"
    response = redirect(target, code=303)
    response.vary.add("Accept")
    return response


@bp.route("/dumps/release/<int:number>.<ext>")
def release_dump(number: int, ext: str):
    """The whole data as release number recorded it: N-Quads (.nq, the bytes the catalogue sizes) or Turtle (.ttl)."""
    from ...history.catalog import dump_bytes  # start-up: only for this route
    from ...history.past import serialise  # start-up: only for this route
    if release_log().release(number) is None:
        raise unknown_release(number)
    if ext == "nq":
        response = Response(dump_bytes(release_log(), number), content_type="application/n-quads")
    elif ext == "ttl":
        lines = frozenset(line for lines in release_log().state(number).values() for line in lines)
        response = Response(serialise(lines, formats.BY_NAME["turtle"]), content_type=formats.BY_NAME["turtle"].content_type)
    else:
        raise PartnergraphError(404, f"Release {number} is dumped as /dumps/release/{number}.nq and .ttl.")
    response.headers["Cache-Control"] = feed.IMMUTABLE
    return response
