"""What every view needs from the app: the graph it serves, the base IRI, and values cached per
graph generation. Views import this module, never the app factory or each other."""
from __future__ import annotations

import threading
from typing import Any, Callable

from flask import Flask, current_app

from ..graph import PartnerGraph

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
