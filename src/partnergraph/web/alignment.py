"""Alignment exports for people outside RDF: project -> SDG as CSV, and the SKOS mapping."""
from __future__ import annotations

from flask import Blueprint, Response

from ..queries import get as get_query, UnknownQuery
from .context import graph_of
from .errors import PartnergraphError

bp = Blueprint("alignment", __name__)

# file name -> (named query, format); the files are the named queries' answers
EXPORTS = {
    "project-sdg.csv": ("project-sdg-alignment", "csv", "Projects and the UN goals and targets they address (CSV)"),
    "sdg-mapping.ttl": ("sdg-skos-mapping", "turtle", "Projects' SDG subjects and the goals' Wikidata matches (SKOS, Turtle)"),
}


def export_bytes(graph, filename: str) -> tuple[bytes, str]:
    """The bytes and content type of one alignment export (pure: no Flask)."""
    name, fmt, _ = EXPORTS[filename]
    query = get_query(graph.queries, name)
    outcome = graph.run(query.text, results_format=fmt if fmt == "csv" else "json",
                        graph_format=fmt if fmt != "csv" else "turtle", bindings=query.bindings({}))
    if outcome.status != 200:
        raise PartnergraphError(outcome.status, outcome.error or "the export failed")
    return outcome.body, outcome.content_type


@bp.route("/alignment/<filename>")
def alignment(filename: str):
    if filename not in EXPORTS:
        raise PartnergraphError(404, f"No alignment export {filename!r}; known: {', '.join(EXPORTS)}")
    try:
        body, content_type = export_bytes(graph_of(), filename)
    except UnknownQuery as err:
        raise PartnergraphError(404, str(err)) from None
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="partnergraph-{filename}"'
    return response
