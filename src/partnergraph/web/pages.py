"""Linked-data views: health, dashboard, resource pages and the rest of the site."""
from __future__ import annotations

from flask import Blueprint, jsonify

from .app import graph_of
from .errors import PartnergraphError

bp = Blueprint("pages", __name__)


@bp.route("/healthz")
def healthz():
    """200 when the store answers a query."""
    graph = graph_of()
    outcome = graph.run("ASK { ?s ?p ?o }", timeout=5)
    if outcome.status != 200:
        raise PartnergraphError(503, f"The store does not answer: {outcome.error}")
    return jsonify({"status": "ok", "store": graph.endpoint or "embedded"})
