"""The query workbench's own routes: completion from this graph (/sparql/complete) and short
links to queries (/q). Thin views over completion.py and shortlinks.py."""
from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, request

from ...workbench.completion import CONTEXTS, BackgroundIndex, CompletionIndex
from ...workbench.short_links import ShortLinkError, ShortLinks, builder_state, default_directory
from ..context import app_cache, base_iri, graph_of
from ..errors import PartnergraphError
from ..helpers import current_lang
from ..responses import safe_json

bp = Blueprint("workbench", __name__)


def completion_index(wait: float = 5.0) -> CompletionIndex:
    """This graph generation's index; 503 while a large graph's index is still being built."""
    graph, base = graph_of(), base_iri()
    holder = app_cache("completion-index", lambda: BackgroundIndex(lambda: CompletionIndex.build(graph, base)))
    index = holder.get(wait)
    if index is None:
        if holder.error:
            raise PartnergraphError(500, "The completion index could not be built; the endpoint works without it.")
        raise PartnergraphError(503, "The completion index is still being built from the graph; try again in a "
                                     "few seconds.", headers={"Retry-After": "5"})
    return index


def short_links() -> ShortLinks:
    """One store per app; its directory from LINKS_DIR, else beside the store, else the user's data dir."""
    store = current_app.extensions.get("partnergraph.links")
    if store is None:
        directory = current_app.config.get("LINKS_DIR") or ""
        if not directory:
            store_dir = current_app.config.get("STORE") or ""
            directory = str(Path(store_dir) / "links") if store_dir and Path(store_dir).is_dir() else str(default_directory())
        store = current_app.extensions.setdefault("partnergraph.links",
                                                  ShortLinks(directory, current_app.config["LINKS_MAX"]))
    return store


@bp.route("/sparql/complete")
def complete():
    started = time.perf_counter()
    text = request.args.get("q", "")[:200]
    context = request.args.get("ctx", "any")
    if context not in CONTEXTS:
        raise PartnergraphError(400, f"ctx must be one of {', '.join(CONTEXTS)}, not {context!r}.")
    subject_class = request.args.get("cls") or None
    try:
        limit = max(1, min(100, int(request.args.get("limit", "30"))))
    except ValueError:
        raise PartnergraphError(400, "limit must be a number from 1 to 100.") from None
    items = completion_index().complete(text, context=context, subject_class=subject_class, lang=current_lang(),
                                        limit=limit)
    response = safe_json({"q": text, "ctx": context, "items": items,
                          "ms": round((time.perf_counter() - started) * 1000, 3)})
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def _link_error(err: ShortLinkError):
    raise PartnergraphError(err.status, err.message)


@bp.route("/q", methods=["POST"])
def create_link():
    """Store a query's text and answer with its short link (JSON for scripts, 303 for forms)."""
    text = request.form.get("query", "")
    if len(text) > current_app.config["MAX_QUERY_LENGTH"]:
        raise PartnergraphError(413, f"The query is longer than the limit of "
                                     f"{current_app.config['MAX_QUERY_LENGTH']:,} characters.")
    try:
        ident = short_links().put(text)
    except ShortLinkError as err:
        _link_error(err)
    url = f"/q/{ident}"
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json":
        response = safe_json({"id": ident, "url": url, "absolute": request.url_root.rstrip("/") + url}, status=201)
        response.headers["Location"] = url
        return response
    return redirect(url, code=303)


@bp.route("/q/<ident>")
def open_link(ident: str):
    """A short link opens its query in the workbench (one made in the query builder in the builder,
    unless ?to=sparql); ?format=json gives the text."""
    try:
        text = short_links().get(ident)
    except ShortLinkError as err:
        _link_error(err)
    if request.args.get("format") == "json":
        return safe_json({"id": ident, "query": text})
    state = builder_state(text)
    if state is not None and request.args.get("to") != "sparql":   # a query built in /builder reopens there
        return redirect("/builder?" + urlencode({"state": state}), code=303)
    args = {"query": text}
    if request.args.get("view"):
        args["view"] = request.args["view"]
    response = redirect("/sparql?" + urlencode(args), code=303)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
