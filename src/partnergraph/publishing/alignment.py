"""Alignment exports for people outside RDF: project -> SDG as CSV, and the SKOS mapping. Each
file is a named query's answer."""
from __future__ import annotations

from ..named_queries import get as get_query

# file name -> (named query, format, title)
EXPORTS = {
    "project-sdg.csv": ("project-sdg-alignment", "csv", "Projects and the UN goals and targets they address (CSV)"),
    "sdg-mapping.ttl": ("sdg-skos-mapping", "turtle", "Projects' SDG subjects and the goals' Wikidata matches (SKOS, Turtle)"),
}


def export_bytes(graph, filename: str) -> tuple[bytes, str]:
    """The bytes and content type of one alignment export; QueryError or UnknownQuery when it fails."""
    name, fmt, _ = EXPORTS[filename]
    query = get_query(graph.queries, name)
    outcome = graph.answer(query.text, results_format=fmt if fmt == "csv" else "json",
                           graph_format=fmt if fmt != "csv" else "turtle", bindings=query.bindings({}))
    return outcome.body, outcome.content_type
