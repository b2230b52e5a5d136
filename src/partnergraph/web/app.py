"""create_app: builds the graph, the Flask app and its views from explicit configuration."""
from __future__ import annotations

import logging
import sys
import time
from typing import Any

from flask import Flask, g, request

from .. import settings
from ..graph import PartnerGraph
from ..history.named_graphs import beside as history_beside
from ..rdf.iris import compact_iri
from . import caching, errors, helpers
from .context import EXTENSION
from .views import (
    admin,
    alignment,
    browse,
    builder,
    catalog,
    fragments,
    history,
    mappings,
    reconcile,
    resources,
    site,
    sparql,
    workbench,
)

log = logging.getLogger("partnergraph.access")


def create_app(config: dict[str, Any] | None = None, graph: PartnerGraph | None = None) -> Flask:
    """config overrides the defaults and PARTNERGRAPH_* environment variables (read here, once).
    A prebuilt graph may be passed in (tests share one across apps)."""
    config = dict(config or {})
    resolved = settings.resolve(config)
    app = Flask(__name__)
    app.config.update(resolved)
    app.config.update({k: v for k, v in config.items() if k not in settings.BY_NAME})
    app.config["MAX_CONTENT_LENGTH"] = resolved["MAX_REQUEST_BYTES"]
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    if graph is None:
        store = resolved["STORE"] or None
        graph = PartnerGraph.build(
            store=store, data=resolved["DATA_DIRS"], ontology_dir=resolved["ONTOLOGY_DIR"],
            queries_dir=resolved["QUERIES_DIR"], vocab=resolved["VOCAB"], validate=resolved["VALIDATE"],
            workers=resolved["WORKERS"], timeout=resolved["QUERY_TIMEOUT"], max_bytes=resolved["MAX_RESULT_BYTES"],
            base=resolved["BASE_IRI"], allowlist=tuple(resolved["SERVICE_ALLOWLIST"]),
            result_cache_bytes=resolved["RESULT_CACHE_BYTES"], side_graph=history_beside)
    app.extensions[EXTENSION] = graph

    errors.register(app)
    caching.register(app)  # first: its after_request hook runs last
    _register_template_helpers(app)
    _register_hooks(app)

    for blueprint in (sparql.bp, resources.bp, site.bp, alignment.bp, catalog.bp, reconcile.bp,
                      fragments.bp, workbench.bp, browse.bp, mappings.bp, builder.bp, history.bp):
        app.register_blueprint(blueprint)
    admin.register(app)
    return app


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["settings_base"] = lambda: app.config["BASE_IRI"]
    app.jinja_env.filters["compact"] = compact_iri
    app.jinja_env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    helpers.register(app)  # the reader's language, UI strings, site links for IRIs


def _register_hooks(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    if app.config["ACCESS_LOG"] and not log.handlers:
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def _start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Access-Control-Allow-Origin", app.config["CORS_ORIGINS"])
        if g.get("vary_accept"):  # the view read the Accept header (web/context.accept_header)
            response.vary.add("Accept")
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, Accept-Language"
            response.headers["Access-Control-Max-Age"] = "86400"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if response.mimetype == "text/html":
            # a page whose script adds <style> elements (the query editor) sets g.style_nonce
            nonce = f" 'nonce-{g.style_nonce}'" if g.get("style_nonce") else ""
            response.headers.setdefault("Content-Security-Policy",
                                        f"default-src 'self'; img-src 'self' data:; style-src 'self'{nonce}; "
                                        "script-src 'self'; object-src 'none'; base-uri 'none'; "
                                        "form-action 'self'; frame-ancestors 'none'")
        elif request.endpoint != "static":
            # data, not documents: a browser opening one (RDF/XML, SVG, JSON) runs nothing from it
            response.headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox")
        if app.config["ACCESS_LOG"]:
            took = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
            log.info('%s - "%s %s" %s %s %.1fms', request.remote_addr, request.method,
                     request.full_path.rstrip("?"), response.status_code,
                     response.calculate_content_length() or "-", took)
        return response
