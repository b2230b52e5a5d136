"""What every view needs from the app: the graph it serves, the base IRI, and values cached per
graph generation. Views import this module, never the app factory or each other."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, request

from ..graph import PartnerGraph
from ..history.releases import Log, log_of
from .errors import PartnergraphError

EXTENSION = "partnergraph"
_cache_lock = threading.Lock()


def graph_of(app: Flask | None = None) -> PartnerGraph:
    return (app or current_app).extensions[EXTENSION]


def base_iri() -> str:
    return current_app.config["BASE_IRI"]


def app_cache(name: str, factory: Callable[[], Any], app: Flask | None = None) -> Any:
    """A value computed once per app and graph generation: a reload of the data starts afresh,
    and a value computed from the old graph is never served after the swap."""
    app = app or current_app
    generation = getattr(app.extensions[EXTENSION], "generation", 1)
    key = (generation, name)
    store = app.extensions.setdefault(EXTENSION + ".cache", {})
    if key not in store:
        with _cache_lock:
            if key not in store:
                value = factory()
                for stale in [k for k in store if k[0] != generation]:
                    del store[stale]
                store[key] = value
    return store[key]


def accept_header() -> str | None:
    """The request's Accept header. Reading it marks the response as negotiated: the app then adds
    `Vary: Accept` to it, whatever the view returns (an error page included)."""
    g.vary_accept = True
    return request.headers.get("Accept")


def format_value() -> str | None:
    """The format a client asks for by parameter: `format`, or `output` or `results` as some
    clients (SPARQLWrapper, Joseki) spell it; the first value that is not empty."""
    for key in FORMAT_PARAMETERS:
        for value in request.values.getlist(key) if request.method == "POST" else request.args.getlist(key):
            if value.strip():
                return value.strip()
    return None


FORMAT_PARAMETERS = ("format", "output", "results")


def release_log() -> Log:
    """The release log beside the served data, read once per graph generation (a reload rereads it)."""
    return app_cache("release-log", lambda: log_of(graph_of()))


def unknown_release(number) -> PartnergraphError:
    """The 404 for a release the log does not hold, listing those it does."""
    numbers = ", ".join(str(r.number) for r in release_log().releases()) or "none"
    return PartnergraphError(404, f"There is no release {number}. The releases are: {numbers} (see /releases).")
