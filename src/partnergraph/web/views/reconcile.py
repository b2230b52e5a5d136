"""/reconcile: the Reconciliation Service API 0.2 for OpenRefine. Thin views over reconciliation.py."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from ...graph import QueryError
from ...names import reconciliation
from ...names.reconciliation import ReconcileError
from ..context import app_cache, base_iri, graph_of
from ..errors import PartnergraphError
from ..helpers import current_lang, href
from ..responses import safe_json, wants_page

bp = Blueprint("reconcile", __name__)


def _index() -> reconciliation.Index:
    return app_cache("reconcile-index", lambda: reconciliation.Index.build(graph_of()))


def _param(name: str) -> str | None:
    """A parameter from the query string or, for POST, the form (as OpenRefine sends it)."""
    value = request.values.get(name)
    return value if value is None else value.strip()


def _cacheable(response: Response) -> Response:
    """Answers are in the reader's language; ETag, 304 and Cache-Control come from web/caching.py."""
    response.vary.add("Accept-Language")
    return response


def _answer(compute):
    try:
        return _cacheable(safe_json(compute()))
    except ReconcileError as err:
        raise PartnergraphError(400, str(err)) from None
    except QueryError as err:   # the store did not answer in time, or the answer was too large
        raise PartnergraphError(err.status, str(err)) from None


@bp.route("/reconcile", methods=["GET", "POST"])
def service():
    lang = current_lang()
    queries, extend = _param("queries"), _param("extend")
    if queries:
        return _answer(lambda: reconciliation.reconcile_batch(
            graph_of(), _index(), reconciliation.parse_json(queries, "queries"), lang))
    if extend:
        return _answer(lambda: reconciliation.extend(
            graph_of(), _index(), reconciliation.parse_json(extend, "extend"), lang))
    if request.method == "POST":
        raise PartnergraphError(400, "a POST to /reconcile needs a 'queries' or an 'extend' parameter "
                                     "(form-encoded JSON)")
    manifest = reconciliation.manifest(request.host_url, base_iri(), lang)
    if wants_page():    # a person who opens the service's address reads what it is and how to use it
        page = render_template("reconcile.html", manifest=manifest, service=request.base_url)
        return _cacheable(Response(page, content_type="text/html; charset=utf-8"))
    return _cacheable(safe_json(manifest))


@bp.route("/reconcile/suggest/<kind>")
def suggest(kind: str):
    lang, prefix = current_lang(), _param("prefix") or ""
    cursor, limit = _param("cursor"), _param("limit")
    if kind == "entity":
        return _answer(lambda: reconciliation.suggest_entities(_index(), prefix, request.args.getlist("type") or None,
                                                               cursor, limit, lang))
    if kind == "type":
        return _answer(lambda: reconciliation.suggest_types(_index(), prefix, cursor, limit, lang))
    if kind == "property":
        return _answer(lambda: reconciliation.suggest_properties(_index(), prefix, cursor, limit, lang))
    raise PartnergraphError(404, f"There is no suggest service for {kind!r}: entity, type and property.")


@bp.route("/reconcile/propose_properties")
def propose_properties():
    return _answer(lambda: reconciliation.propose_properties(graph_of(), _index(), _param("type") or "",
                                                             _param("limit"), current_lang()))


@bp.route("/reconcile/preview")
def preview():
    given = _param("id")
    if not given:
        raise PartnergraphError(400, "give the resource to preview: ?id=IRI")
    try:
        card = reconciliation.preview(_index(), given, current_lang())
    except ReconcileError as err:
        raise PartnergraphError(404, str(err)) from None
    except QueryError as err:
        raise PartnergraphError(err.status, str(err)) from None
    response = Response(render_template("reconcile_preview.html", card=card, link=href(card["id"]), lang=current_lang(),
                                        width=reconciliation.PREVIEW_SIZE[0]),
                        content_type="text/html; charset=utf-8")
    # OpenRefine shows the card in a frame of its own page: framing is allowed, nothing else.
    response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
                                                   "base-uri 'none'; form-action 'none'")
    return _cacheable(response)
